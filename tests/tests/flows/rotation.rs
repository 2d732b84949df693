//! Rotations and moves: a key replaced by a new one or by a service account, and the steps that
//! failed and are resumed.

use super::*;

/// The rotation's last step: the old key deleted after typing its public key.
async fn delete_old_key(app: &App, old: &str) -> Result<()> {
    app.click("rotate-delete-old").await?;
    app.fill("rotate-delete-confirm-input", old).await?;
    app.click("rotate-delete-confirm").await
}

#[tokio::test(flavor = "multi_thread")]
async fn flow19_rotate_a_key_the_new_one_works_and_the_old_one_goes() -> Result<()> {
    launch().await?.run("flow19-rotate", rotate).await
}

/// A key's organization roles, project roles and access list, as Atlas has them.
/// The access-list entries of the key whose details are open, as the page
/// (signed in as an Organization Owner) names them: a key made from it
/// cannot read them, as only the key itself and an Owner may.
async fn shown_entries(app: &App) -> Result<Vec<String>> {
    app.find_css("[data-testid^='access-entry-']").await?;
    let mut names = Vec::new();
    for element in app.find_all_css("[data-testid^='access-entry-']").await? {
        if let Some(id) = element.attr("data-testid").await? {
            names.push(id.trim_start_matches("access-entry-").to_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// A key's organization roles and project roles, and its access list when
/// `entries` is None (read through `client`: the key itself).
async fn key_shape(
    client: &AtlasClient,
    org: &str,
    public_key: &str,
    entries: Option<Vec<String>>,
) -> Result<(Vec<String>, Vec<String>, Vec<String>)> {
    let failed = |e: atlas_access_core::atlas::AtlasError| HarnessError::Check(e.to_string());
    let keys = client.list_org_keys(org).await.map_err(failed)?;
    let key = keys
        .iter()
        .find(|key| key.public_key == public_key)
        .ok_or_else(|| HarnessError::Check(format!("no key {public_key}")))?;
    let mut roles: Vec<String> = key.org_roles(org).map(str::to_owned).collect();
    roles.sort();
    let mut projects: Vec<String> = key
        .project_ids()
        .into_iter()
        .flat_map(|project| {
            key.project_roles(project)
                .map(move |role| format!("{project}:{role}"))
        })
        .collect();
    projects.sort();
    let entries = match entries {
        Some(entries) => entries,
        None => {
            let mut read: Vec<String> = client
                .list_access_list(org, &key.id)
                .await
                .map_err(failed)?
                .iter()
                .map(|entry| entry.path_name().to_owned())
                .collect();
            read.sort();
            read
        }
    };
    Ok((roles, projects, entries))
}

/// Checks that the new key works over Digest and has the old key's roles,
/// projects and access list (`old_entries`, as the page showed them);
/// answers a client through it and Acme Corp's id.
async fn same_as_old(
    base_url: &str,
    new: &str,
    private_key: String,
    old: &str,
    old_entries: Vec<String>,
) -> Result<(AtlasClient, String)> {
    let client =
        AtlasClient::new(base_url, new, &SecretString::from(private_key)).map_err(failed)?;
    let orgs = client
        .list_orgs()
        .await
        .map_err(|e| HarnessError::Check(format!("the new key does not work: {e}")))?;
    let org = orgs
        .iter()
        .find(|org| org.name == "Acme Corp")
        .map(|org| org.id.clone())
        .ok_or_else(|| HarnessError::Check("the new key sees Acme Corp".into()))?;
    let old_shape = key_shape(&client, &org, old, Some(old_entries)).await?;
    let new_shape = key_shape(&client, &org, new, None).await?;
    check(
        old_shape == new_shape,
        format!("the same roles, projects and list: {old_shape:?} vs {new_shape:?}"),
    )?;
    check(!new_shape.2.is_empty(), "the list was copied")?;
    Ok((client, org))
}

async fn rotate(app: &App) -> Result<()> {
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    let old = public_key_of(app, "Terraform CI (production)").await?;
    open_key(app, &old).await?;
    let old_entries = shown_entries(app).await?;
    app.click("details-rotate").await?;
    app.find("rotate-key").await?;
    app.click("rotate-create").await?;

    // Step 2: the new private key, once.
    let private_key = one_time_secret(app).await?;
    let new = app.text("one-time-public-key").await?;
    check(new != old, "a new key")?;
    close_one_time_dialog(app).await?;
    app.find("rotate-steps").await?;
    check(
        app.find_all_css("[data-testid='rotate-step'][data-status='failed']")
            .await?
            .is_empty(),
        "every step of the copy is done",
    )?;

    // The new key works over Digest, and has what the old one has.
    let (client, org) = same_as_old(&base_url, &new, private_key, &old, old_entries).await?;

    // Step 3: the old key's entries with their last use.
    let use_text = app
        .wait_text("rotate-old-use", |text| text.contains("203.0.113.10"))
        .await?;
    check(
        use_text.contains("last used"),
        format!("its use: {use_text}"),
    )?;
    app.screenshot("rotate-key").await?;

    // Step 4: the old key deleted after typing its public key.
    delete_old_key(app, &old).await?;
    app.find("key-details").await?;
    check(
        app.text("details-public-key").await? == new,
        "the new key is shown",
    )?;
    let keys = client
        .list_org_keys(&org)
        .await
        .map_err(|e| HarnessError::Check(e.to_string()))?;
    check(
        keys.iter().all(|key| key.public_key != old),
        "the old key is gone",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow20_rotating_the_key_a_connection_uses_switches_the_connection_first() -> Result<()> {
    launch()
        .await?
        .run("flow20-rotate-in-use", rotate_key_in_use)
        .await
}

async fn rotate_key_in_use(app: &App) -> Result<()> {
    // A connection of its own, through a key made in the app.
    let (id, old, _) = connect_through_a_new_owner_key(app, "Connection key", "Rotating").await?;

    // Rotating the key in use switches the connection as the new key is made.
    open_key(app, &old).await?;
    app.click("details-rotate").await?;
    check(
        app.text("rotate-create")
            .await?
            .contains("Switch This Connection"),
        "the switch is offered",
    )?;
    app.click("rotate-create").await?;
    let new_private = one_time_secret(app).await?;
    let new = app.text("one-time-public-key").await?;
    close_one_time_dialog(app).await?;
    app.find("rotate-switched").await?;
    check(
        keychain_entry(&id).await.trim() == new_private,
        "the keychain holds the new private key",
    )?;

    // Then the old key can go, through the new one.
    delete_old_key(app, &old).await?;
    app.find("key-details").await?;
    check(
        app.text("details-public-key").await? == new,
        "the new key is shown",
    )?;
    // The connection still works: its organization is read again.
    app.click("details-back").await?;
    app.click("refresh-keys").await?;
    app.fill("key-filter", &new).await?;
    app.find(&format!("key-row-{new}")).await?;
    app.fill("key-filter", &old).await?;
    app.find("keys-empty").await?;
    check(
        app.find_all_css(&format!("[data-testid='key-row-{old}']"))
            .await?
            .is_empty(),
        "the old key is gone",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow21_move_a_key_to_a_service_account() -> Result<()> {
    launch()
        .await?
        .run("flow21-move-to-account", move_to_account)
        .await
}

async fn move_to_account(app: &App) -> Result<()> {
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    // Its list lets in the address the sandbox sees this test at.
    let old = public_key_of(app, "Terraform CI (production)").await?;
    open_key(app, &old).await?;
    let old_entries = shown_entries(app).await?;
    app.click("details-move").await?;
    // The lifetime field shows once the organization's maximum is read.
    app.find("rotate-lifetime-value").await?;
    app.click("rotate-create").await?;
    let secret = one_time_secret(app).await?;
    let client_id = app.text("one-time-client-id").await?;
    close_one_time_dialog(app).await?;
    check(
        app.find_all_css("[data-testid='rotate-step'][data-status='failed']")
            .await?
            .is_empty(),
        "every step of the move is done",
    )?;

    // The account signs in, and has the key's roles, projects and list.
    let client = through_service_account(&base_url, &client_id, &secret)?;
    let orgs = client.list_orgs().await.map_err(failed)?;
    let org = orgs
        .iter()
        .find(|org| org.name == "Acme Corp")
        .map(|org| org.id.clone())
        .ok_or_else(|| HarnessError::Check("the account sees Acme Corp".into()))?;
    let (roles, projects, entries) = key_shape(&client, &org, &old, Some(old_entries)).await?;
    // What the account is, as Atlas answers the account itself (its roles
    // and its list): an Organization Member reads no one else's.
    let status = client.system_status().await.map_err(failed)?;
    let mut account_roles: Vec<String> = status
        .api_key
        .roles
        .iter()
        .filter(|role| role.org_id.as_deref() == Some(org.as_str()))
        .map(|role| role.role_name.clone())
        .collect();
    account_roles.sort();
    check(
        account_roles == roles,
        format!("roles {account_roles:?} vs {roles:?}"),
    )?;
    let mut account_projects: Vec<String> = status
        .api_key
        .roles
        .iter()
        .filter_map(|role| {
            role.group_id
                .as_ref()
                .map(|id| format!("{id}:{}", role.role_name))
        })
        .collect();
    account_projects.sort();
    check(
        account_projects == projects,
        format!("projects {account_projects:?} vs {projects:?}"),
    )?;
    let mut account_entries: Vec<String> = status
        .api_key
        .access_list
        .iter()
        .map(|entry| entry.path_name().to_owned())
        .collect();
    account_entries.sort();
    check(
        account_entries == entries,
        format!("entries {account_entries:?} vs {entries:?}"),
    )?;

    // Then the old key goes, and the account is shown.
    delete_old_key(app, &old).await?;
    app.find("sa-details").await?;
    check(
        app.text("sa-details-client-id").await? == client_id,
        "the new account is shown",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow22_a_rotation_cut_short_by_a_failure_is_resumed_to_the_end() -> Result<()> {
    // The built-in sandbox fails the first access-list POST: the rotation's.
    let app = App::launch_with_env(&[("AAM_SANDBOX_FAULTS", "500@POST:/accessList=1")]).await?;
    app.find("keys-table").await?;
    app.run("flow22-rotate-resumed", rotate_resumed).await
}

async fn rotate_resumed(app: &App) -> Result<()> {
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    let old = public_key_of(app, "Terraform CI (production)").await?;
    open_key(app, &old).await?;
    let old_entries = shown_entries(app).await?;
    app.click("details-rotate").await?;
    app.click("rotate-create").await?;
    let private_key = one_time_secret(app).await?;
    let new = app.text("one-time-public-key").await?;
    // The dialog says what the failed step leaves: a key open to any address.
    let failed = app.text("one-time-setup-failed").await?;
    check(
        failed.contains("from any address"),
        format!("the failed step in words: {failed}"),
    )?;
    close_one_time_dialog(app).await?;
    // The access list failed, said so, and the old key cannot go yet.
    app.find_css("[data-testid='rotate-steps'][data-failed='true']")
        .await?;
    check(
        app.attr("rotate-delete-old", "aria-disabled").await? == "true",
        "the old key is kept while the new one lacks something",
    )?;
    app.screenshot("rotate-key-failed-step").await?;

    app.click("rotate-resume").await?;
    app.find_css("[data-testid='rotate-steps'][data-failed='false']")
        .await?;
    same_as_old(&base_url, &new, private_key, &old, old_entries).await?;
    check(
        app.attr("rotate-delete-old", "aria-disabled").await? != "true",
        "the old key can go now",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow23_a_new_key_whose_access_list_failed_is_retried() -> Result<()> {
    // The built-in sandbox fails the first two access-list POSTs: the
    // creation's and the first retry.
    let app = App::launch_with_env(&[("AAM_SANDBOX_FAULTS", "500@POST:/accessList=2")]).await?;
    app.find("keys-table").await?;
    app.run("flow23-retry-access-list", retry_access_list).await
}

async fn retry_access_list(app: &App) -> Result<()> {
    app.click("create-key").await?;
    app.type_into("create-desc", "E2E list retried").await?;
    app.toggle("create-roles-ORG_MEMBER").await?;
    app.type_into("create-access", "203.0.113.77").await?;
    app.click("create-submit").await?;
    one_time_secret(app).await?;
    let public_key = app.text("one-time-public-key").await?;
    app.wait_text("one-time-access-list-outcome", |text| {
        text.contains("failed")
    })
    .await?;
    let failed = app.text("one-time-setup-failed").await?;
    check(
        failed.contains("from any address") && failed.contains("Retry"),
        format!("the failed step in words: {failed}"),
    )?;
    app.screenshot("access-list-step-failed").await?;

    // A retry that fails again says so, and the offer stays.
    app.click("one-time-retry").await?;
    app.find("one-time-error").await?;
    app.find("one-time-setup-failed").await?;
    // The next one adds the list.
    app.click("one-time-retry").await?;
    app.wait_text("one-time-access-list-outcome", |text| {
        text.ends_with("done")
    })
    .await?;
    app.wait_gone("one-time-setup-failed").await?;
    close_one_time_dialog(app).await?;
    open_key(app, &public_key).await?;
    app.find("access-entry-203.0.113.77").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow24_a_new_service_account_whose_access_list_failed_is_deleted() -> Result<()> {
    let app = App::launch_with_env(&[("AAM_SANDBOX_FAULTS", "500@POST:/accessList=1")]).await?;
    app.find("keys-table").await?;
    app.run("flow24-delete-new-account", delete_new_account)
        .await
}

async fn delete_new_account(app: &App) -> Result<()> {
    open_service_accounts(app).await?;
    app.click("create-service-account").await?;
    app.type_into("create-sa-name", "E2E list failed").await?;
    app.type_into("create-sa-description", "deleted at once")
        .await?;
    app.toggle("create-sa-roles-ORG_MEMBER").await?;
    app.type_into("create-sa-access", "203.0.113.78").await?;
    app.find("create-sa-lifetime-value").await?;
    app.click("create-sa-submit").await?;
    one_time_secret(app).await?;
    let client_id = app.text("one-time-client-id").await?;
    app.find(&format!("sa-row-{client_id}")).await?;
    let failed = app.text("one-time-setup-failed").await?;
    check(
        failed.contains("from any address"),
        format!("the failed step in words: {failed}"),
    )?;
    app.click("one-time-delete-new").await?;
    app.wait_gone("one-time-dialog").await?;
    app.wait_gone(&format!("sa-row-{client_id}")).await?;
    Ok(())
}
