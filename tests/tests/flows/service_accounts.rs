//! Service accounts: a connection through one, creating and rotating secrets, projects, a deleted
//! secret.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn flow12_a_connection_through_a_service_account_reaches_every_screen() -> Result<()> {
    launch()
        .await?
        .run("flow12-service-account", service_account_connection)
        .await
}

/// A sandbox of the test's own (the demo seed) and an Organization Owner
/// service account its admin key made.
async fn sandbox_with_owner_account(
    name: &str,
    description: &str,
) -> Result<(
    atlas_sandbox::Sandbox,
    atlas_sandbox::AdminCredentials,
    AtlasClient,
    atlas_access_core::atlas::CreatedServiceAccount,
)> {
    let (sandbox, admin, admin_client) = own_sandbox().await?;
    let created = admin_client
        .create_org_service_account(
            &admin.org_id,
            &atlas_access_core::atlas::NewServiceAccount {
                name: name.to_owned(),
                description: description.to_owned(),
                roles: vec!["ORG_OWNER".to_owned()],
                secret_expires_after_hours: 24,
            },
        )
        .await
        .map_err(failed)?;
    Ok((sandbox, admin, admin_client, created))
}

/// Adds a service-account connection through the form, with a screenshot
/// of the filled form if asked; answers its profile id.
async fn add_service_account_connection(
    app: &App,
    name: &str,
    base_url: &str,
    client_id: &str,
    secret: &str,
    screenshot: Option<&str>,
) -> Result<String> {
    app.click("nav-connections").await?;
    app.click("add-connection").await?;
    app.type_into("connection-form-name", name).await?;
    app.fill("connection-form-url", base_url).await?;
    app.choose("connection-form-kind", "Service account")
        .await?;
    app.type_into("connection-form-public-key", client_id)
        .await?;
    app.type_into("connection-form-private-key", secret).await?;
    if let Some(screenshot) = screenshot {
        app.screenshot(screenshot).await?;
    }
    app.click("connection-form-save").await?;
    app.wait_gone("connection-form").await?;
    // The built-in sandbox has no Edit: the one edit button is the new one's.
    Ok(app
        .attr_css("[data-testid^='connection-edit-']", "data-testid")
        .await?
        .trim_start_matches("connection-edit-")
        .to_owned())
}

async fn service_account_connection(app: &App) -> Result<()> {
    // A sandbox of its own, whose admin key makes an owner service account.
    let (_sandbox, admin, admin_client, created) =
        sandbox_with_owner_account("E2E robot", "connects the app").await?;
    let client_id = created.account.client_id.clone();
    let secret = created.secret.expose_secret().to_owned();
    app.remember_secret(&secret);
    // Its list lets this computer in, as the guard must then protect.
    admin_client
        .add_service_account_entries(
            atlas_access_core::atlas::AccountScope::Org(&admin.org_id),
            &client_id,
            &[atlas_access_core::atlas::AccessListRequest::IpAddress(
                "127.0.0.1".to_owned(),
            )],
        )
        .await
        .map_err(failed)?;

    let id = add_service_account_connection(
        app,
        "E2E robot",
        &admin.base_url,
        &client_id,
        &secret,
        Some("add-service-account-connection"),
    )
    .await?;
    app.find(&format!("connection-kind-{id}")).await?;
    // Saving tests it: a token, then the organizations it sees.
    let works = app.text(&format!("connection-test-ok-{id}")).await?;
    check(
        works.contains("Sandbox Organization") || works.contains("Acme Corp"),
        format!("the test sees the organization: {works}"),
    )?;

    app.click(&format!("connection-connect-{id}")).await?;
    app.wait_text("active-connection", |name| name.contains("E2E robot"))
        .await?;
    app.click("nav-organization").await?;
    app.find("keys-table").await?;
    app.find(&format!("key-row-{}", admin.public_key)).await?;
    app.screenshot("service-account-connection").await?;

    // One edit on each main screen through it. Organization: its own list.
    open_service_account(app, &client_id).await?;
    app.type_into("sa-access-input", "203.0.113.5").await?;
    app.find_css("[data-testid='sa-access-check-line'][data-status='ok']")
        .await?;
    app.click("sa-access-add").await?;
    app.find("sa-access-entry-203.0.113.5").await?;
    // The guard: not the entry that lets it in, not the secret it signs in with.
    app.click("sa-access-delete-127.0.0.1").await?;
    let refused = app
        .wait_text("sa-access-remove-blocking", |text| !text.is_empty())
        .await?;
    check(
        refused.contains("lock out the service account in use"),
        format!("the own entry is guarded: {refused}"),
    )?;
    check(
        app.attr("sa-access-remove-confirm", "aria-disabled")
            .await?
            == "true",
        "Delete is refused",
    )?;
    app.click("sa-access-remove-cancel").await?;
    app.find("sa-access-entry-127.0.0.1").await?;
    let secrets = secret_ids(app).await?;
    check(secrets.len() == 1, format!("one secret: {secrets:?}"))?;
    app.click(&format!("sa-secret-delete-{}", secrets[0]))
        .await?;
    app.click("sa-secret-delete-confirm").await?;
    let refused = app
        .wait_text("sa-secret-delete-error", |text| !text.is_empty())
        .await?;
    check(
        refused.contains("signs in with"),
        format!("the secret in use is guarded: {refused}"),
    )?;
    app.click("sa-secret-delete-cancel").await?;
    app.find(&format!("sa-secret-{}", secrets[0])).await?;
    // A new secret for the account in use switches the connection to it;
    // then the old one can go.
    app.click("sa-generate-secret").await?;
    app.find("sa-rotate-in-use").await?;
    app.find("sa-rotate-lifetime-value").await?;
    app.click("sa-rotate-confirm").await?;
    let new_secret = one_time_secret(app).await?;
    app.find("sa-rotate-switched").await?;
    close_one_time_dialog(app).await?;
    check(
        keychain_entry(&id).await.trim() == new_secret,
        "the keychain holds the new secret",
    )?;
    app.click(&format!("sa-secret-delete-{}", secrets[0]))
        .await?;
    app.click("sa-secret-delete-confirm").await?;
    app.wait_gone(&format!("sa-secret-{}", secrets[0])).await?;

    // Projects: invite an account to Staging.
    let planner = client_id_of(app, "Capacity planner").await?;
    choose_project(app, "Staging").await?;
    app.find_css("[data-testid='project-service-accounts'][data-loaded='true']")
        .await?;
    app.click("project-sa-invite").await?;
    app.choose(
        "sa-invite-account",
        &format!("Capacity planner ({planner})"),
    )
    .await?;
    app.toggle("sa-invite-roles-GROUP_READ_ONLY").await?;
    app.click("sa-invite-submit").await?;
    app.wait_text(&format!("project-sa-roles-{planner}"), |t| {
        t == "Project Read Only"
    })
    .await?;

    // Settings: the longest a secret may last.
    app.click("nav-org-settings").await?;
    app.find("require-access-list").await?;
    app.fill("max-secret-lifetime-value", "180").await?;
    app.click("max-secret-lifetime-save").await?;
    app.wait_text("max-secret-lifetime-current", |text| {
        text.contains("180 days")
    })
    .await?;
    Ok(())
}

/// The client id of the organization service account named `name`, read
/// from the Service Accounts tab.
async fn client_id_of(app: &App, name: &str) -> Result<String> {
    open_service_accounts(app).await?;
    app.fill("service-account-filter", name).await?;
    let css = "[data-testid='service-accounts-table'] [data-testid^='sa-open-']";
    wait_until(format!("a single service account named {name}"), || async {
        Ok(app.find_all_css(css).await?.len() == 1 && app.text_css(css).await? == name)
    })
    .await?;
    let id = app.attr_css(css, "data-testid").await?;
    app.fill("service-account-filter", "").await?;
    Ok(id.trim_start_matches("sa-open-").to_owned())
}

/// Opens the details of the service account with this client id.
async fn open_service_account(app: &App, client_id: &str) -> Result<()> {
    open_service_accounts(app).await?;
    app.fill("service-account-filter", client_id).await?;
    app.click(&format!("sa-open-{client_id}")).await?;
    app.find("sa-details").await.map(drop)
}

/// The secret ids of the account on its details page, in table order.
async fn secret_ids(app: &App) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for element in app
        .find_all_css("[data-testid^='sa-secret-expires-']")
        .await?
    {
        if let Some(id) = element.attr("data-testid").await? {
            ids.push(id.trim_start_matches("sa-secret-expires-").to_owned());
        }
    }
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread")]
async fn flow13_create_a_service_account_use_it_and_rotate_its_secret() -> Result<()> {
    let _clipboard = CLIPBOARD_TURN.lock().await;
    launch()
        .await?
        .run("flow13-service-account", create_and_rotate_service_account)
        .await
}

async fn create_and_rotate_service_account(app: &App) -> Result<()> {
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;

    // Create it with an access list and two projects.
    open_service_accounts(app).await?;
    app.screenshot("service-accounts").await?;
    app.click("create-service-account").await?;
    app.type_into("create-sa-name", "E2E pipeline").await?;
    app.type_into("create-sa-description", "made by the end-to-end flow")
        .await?;
    app.toggle("create-sa-roles-ORG_MEMBER").await?;
    app.type_into("create-sa-access", CURRENT_IP).await?;
    app.find("create-sa-lifetime-value").await?;
    app.toggle("create-sa-project-Production").await?;
    app.toggle("create-sa-project-Staging").await?;
    app.toggle("create-sa-project-roles-GROUP_READ_ONLY")
        .await?;
    app.screenshot("create-service-account").await?;
    app.click("create-sa-submit").await?;

    let secret = one_time_secret(app).await?;
    check(
        secret.starts_with("mdb_sa_sk_"),
        "a client secret in Atlas's form",
    )?;
    let client_id = app.text("one-time-client-id").await?;
    check(
        app.text("one-time-access-list-outcome")
            .await?
            .ends_with("done"),
        "the access list was added",
    )?;
    let invitations = app.text("one-time-invitations").await?;
    check(
        invitations.matches("done").count() == 2,
        format!("invited to both projects: {invitations}"),
    )?;
    app.click("one-time-copy").await?;
    app.find("one-time-countdown").await?;
    check(
        clipboard().await == secret,
        "the clipboard holds the secret",
    )?;
    check(
        clipboard_targets()
            .await
            .contains("x-kde-passwordManagerHint"),
        "the secret is marked secret for clipboard managers",
    )?;
    app.screenshot("one-time-client-secret").await?;
    app.find("one-time-cleared").await?;
    check(
        clipboard().await != secret,
        "the clipboard no longer holds the secret",
    )?;
    close_one_time_dialog(app).await?;
    app.find(&format!("sa-row-{client_id}")).await?;

    // Use it: a token from the sandbox, then the organizations it sees.
    let first = through_service_account(&base_url, &client_id, &secret)?;
    let orgs = first.list_orgs().await.map_err(failed)?;
    check(!orgs.is_empty(), "the new account sees its organization")?;

    // Rotate: the warning first, then the new secret once.
    open_service_account(app, &client_id).await?;
    app.screenshot("service-account-details").await?;
    let old = secret_ids(app).await?;
    check(old.len() == 1, format!("one secret before: {old:?}"))?;
    let old = old[0].clone();
    app.click("sa-generate-secret").await?;
    let warning = app.text("sa-rotate-warning").await?;
    check(
        warning.contains("within 7 days"),
        format!("the warning says what happens to the old secret: {warning}"),
    )?;
    app.screenshot("rotate-secret-warning").await?;
    app.click("sa-rotate-confirm").await?;
    let new_secret = one_time_secret(app).await?;
    check(
        new_secret != secret && new_secret.starts_with("mdb_sa_sk_"),
        "a new secret",
    )?;
    let others = app.text("rotation-others").await?;
    check(
        others.contains("now expires"),
        format!("the old secret's new expiry is said: {others}"),
    )?;
    close_one_time_dialog(app).await?;
    let second = through_service_account(&base_url, &client_id, &new_secret)?;
    second.list_orgs().await.map_err(failed)?;

    // The old one's expiry is shown cut to at most a week.
    let expires = app
        .attr(&format!("sa-secret-expires-{old}"), "data-expires-at")
        .await?;
    let expires = chrono::DateTime::parse_from_rfc3339(&expires).map_err(failed)?;
    check(
        expires <= chrono::Utc::now() + chrono::Duration::days(7),
        format!("the old secret now expires {expires}, within a week"),
    )?;
    check(
        app.attr(&format!("sa-secret-expires-{old}"), "data-tone")
            .await?
            == "soon",
        "shown in the warning colour",
    )?;

    // Deleted, the old secret no longer gets a token, nor do tokens made from it work.
    app.click(&format!("sa-secret-delete-{old}")).await?;
    app.click("sa-secret-delete-confirm").await?;
    app.wait_gone(&format!("sa-secret-{old}")).await?;
    let refused = first.list_orgs().await;
    check(
        matches!(
            refused,
            Err(atlas_access_core::atlas::AtlasError::ServiceAccountRefused { .. })
        ),
        format!("a token of the deleted secret is refused: {refused:?}"),
    )?;
    let fresh = through_service_account(&base_url, &client_id, &secret)?;
    check(
        fresh.list_orgs().await.is_err(),
        "the deleted secret gets no token",
    )?;
    second.list_orgs().await.map_err(failed)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow14_service_accounts_in_projects() -> Result<()> {
    launch()
        .await?
        .run("flow14-project-service-accounts", project_service_accounts)
        .await
}

async fn project_service_accounts(app: &App) -> Result<()> {
    // Atlas's own accounts (for MCP) are listed, marked, and only read,
    // even by an Organization Owner.
    open_service_accounts(app).await?;
    let managed = app.find_all_css("[data-testid^='sa-managed-']").await?;
    check(
        managed.len() >= 2,
        format!("{} system-managed", managed.len()),
    )?;
    let first = app
        .attr_css("[data-testid^='sa-managed-']", "data-testid")
        .await?;
    app.click(&first.replace("sa-managed-", "sa-open-")).await?;
    app.find("sa-details-managed").await?;
    for control in ["sa-details-save", "sa-generate-secret", "sa-details-delete"] {
        app.wait_gone(control).await?;
    }
    app.click("sa-details-back").await?;

    let planner = client_id_of(app, "Capacity planner").await?;
    let option = format!("Capacity planner ({planner})");

    // Invite it to Staging, change its roles, remove it.
    choose_project(app, "Staging").await?;
    app.find_css("[data-testid='project-service-accounts'][data-loaded='true']")
        .await?;
    app.click("project-sa-invite").await?;
    app.choose("sa-invite-account", &option).await?;
    app.toggle("sa-invite-roles-GROUP_READ_ONLY").await?;
    app.click("sa-invite-submit").await?;
    app.wait_gone("sa-invite-dialog").await?;
    app.wait_text(&format!("project-sa-roles-{planner}"), |t| {
        t == "Project Read Only"
    })
    .await?;
    app.click(&format!("project-sa-edit-{planner}")).await?;
    add_data_access_read_only(app, &format!("project-sa-roles-{planner}")).await?;
    app.click(&format!("project-sa-remove-{planner}")).await?;
    app.click("confirm-submit").await?;
    app.wait_gone(&format!("project-sa-{planner}")).await?;
    // Now in no project: its secret is said to stay live, and it is kept.
    app.wait_text("no-project-secrets", |text| text.contains("stays live"))
        .await?;
    app.screenshot("service-account-in-no-project").await?;
    app.click("no-project-keep").await?;
    app.wait_gone("no-project-dialog").await?;

    // A project-level account, then straight into its access list.
    app.click("project-sa-create").await?;
    app.type_into("project-sa-name", "E2E project robot")
        .await?;
    app.type_into("project-sa-description", "made in Staging")
        .await?;
    app.toggle("project-sa-roles-GROUP_READ_ONLY").await?;
    app.click("project-sa-create-submit").await?;
    one_time_secret(app).await?;
    let robot = app.text("one-time-client-id").await?;
    close_one_time_dialog(app).await?;
    app.find("new-sa-access-dialog").await?;
    app.type_into("sa-access-input", CURRENT_IP).await?;
    app.find_css("[data-testid='sa-access-check-line'][data-status='ok']")
        .await?;
    app.click("sa-access-add").await?;
    app.find(&format!("sa-access-entry-{CURRENT_IP}")).await?;
    app.click("new-sa-access-done").await?;
    app.wait_gone("new-sa-access-dialog").await?;
    app.wait_text(&format!("project-sa-roles-{robot}"), |t| {
        t == "Project Read Only"
    })
    .await?;
    app.screenshot("project-service-accounts").await?;

    // One account to three projects.
    app.click("project-sa-bulk").await?;
    app.choose("bulk-sa-account", &option).await?;
    invite_to_staging_production_and_analytics(app, None).await?;
    app.wait_text(&format!("project-sa-roles-{planner}"), |t| {
        t == "Project Read Only"
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow15_a_deleted_secret_is_said_in_words_and_the_connection_leaves_the_keychain()
-> Result<()> {
    launch()
        .await?
        .run("flow15-deleted-secret", deleted_secret)
        .await
}

async fn deleted_secret(app: &App) -> Result<()> {
    let (_sandbox, admin, admin_client, created) =
        sandbox_with_owner_account("E2E doomed robot", "its secret is deleted").await?;
    let client_id = created.account.client_id.clone();
    let secret = created.secret.expose_secret().to_owned();
    app.remember_secret(&secret);
    let id = add_service_account_connection(
        app,
        "E2E doomed robot",
        &admin.base_url,
        &client_id,
        &secret,
        None,
    )
    .await?;
    check(
        keychain_entry(&id).await == secret,
        "the secret is in the keychain",
    )?;
    app.click(&format!("connection-connect-{id}")).await?;
    app.wait_text("active-connection", |name| name.contains("doomed"))
        .await?;
    app.click("nav-organization").await?;
    app.find("keys-table").await?;

    // Its secret deleted in Atlas: the next read says so in words.
    admin_client
        .delete_service_account_secret(&admin.org_id, &client_id, &created.account.secrets[0].id)
        .await
        .map_err(failed)?;
    app.click("refresh-keys").await?;
    let said = app
        .wait_text("inventory-error", |text| {
            text.contains("refused the secret")
        })
        .await?;
    check(
        said.contains(&client_id) && said.contains("Generate a new secret"),
        format!("what to do is said: {said}"),
    )?;
    // The account's id may hold "401" by chance.
    check(
        !said.replace(&client_id, "").contains("401"),
        format!("not a bare 401: {said}"),
    )?;
    app.screenshot("service-account-secret-deleted").await?;

    // Deleting the connection takes its secret out of the keychain.
    app.click("nav-connections").await?;
    app.click(&format!("connection-delete-{id}")).await?;
    app.click("connection-delete-confirm").await?;
    app.wait_gone(&format!("connection-edit-{id}")).await?;
    check(
        keychain_entry(&id).await.is_empty(),
        "no keychain entry is left",
    )?;
    Ok(())
}
