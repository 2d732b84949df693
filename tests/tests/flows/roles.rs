//! Administrators other than an Organization Owner: an auditor and a project owner.

use super::*;

/// A sandbox of the flow's own (the demo seed), its admin's client, and a
/// key of `roles` made `in_project` (or in the organization) whose access
/// list lets this computer in. Answers the key's public and private key.
async fn sandbox_with_key(
    desc: &str,
    roles: &[&str],
    in_project: bool,
) -> Result<(
    atlas_sandbox::Sandbox,
    atlas_sandbox::AdminCredentials,
    String,
    SecretString,
)> {
    let (sandbox, admin, admin_client) = own_sandbox().await?;
    let roles: Vec<String> = roles.iter().map(|role| (*role).to_owned()).collect();
    let created = if in_project {
        let project = admin
            .project_ids
            .first()
            .ok_or_else(|| failed("no project"))?;
        admin_client
            .create_project_key(&admin.org_id, project, desc, &roles)
            .await
    } else {
        admin_client
            .create_org_key(&admin.org_id, desc, &roles)
            .await
    }
    .map_err(failed)?;
    admin_client
        .add_access_entries(
            &admin.org_id,
            &created.key.id,
            &[atlas_access_core::atlas::AccessListRequest::IpAddress(
                "127.0.0.1".to_owned(),
            )],
        )
        .await
        .map_err(failed)?;
    Ok((sandbox, admin, created.key.public_key, created.private_key))
}

/// Connects through the form with this key; waits until it is open.
async fn connect_with_key(
    app: &App,
    name: &str,
    base_url: &str,
    public_key: &str,
    private_key: &SecretString,
) -> Result<()> {
    app.remember_secret(private_key.expose_secret());
    let id = app
        .add_connection(name, base_url, public_key, private_key.expose_secret())
        .await?;
    app.click(&format!("connection-connect-{id}")).await?;
    app.wait_text("active-connection", |shown| shown.contains(name))
        .await
        .map(drop)
}

#[tokio::test(flavor = "multi_thread")]
async fn flow26_an_auditor_reads_every_screen_and_is_offered_no_edit() -> Result<()> {
    launch().await?.run("flow26-auditor", auditor).await
}

async fn auditor(app: &App) -> Result<()> {
    let (_sandbox, admin, public_key, private_key) =
        sandbox_with_key("E2E auditor", &["ORG_READ_ONLY"], false).await?;
    connect_with_key(
        app,
        "E2E auditor",
        &admin.base_url,
        &public_key,
        &private_key,
    )
    .await?;

    // The inventory: every key; its own list read, another's said to need
    // Organization Owner, never shown as empty.
    app.click("nav-organization").await?;
    app.find("keys-table").await?;
    app.wait_text("keys-standing-role", |role| {
        role == "Organization Read Only"
    })
    .await?;
    app.wait_gone("create-key").await?;
    app.wait_text(&format!("key-access-{public_key}"), |text| {
        text == "1 entry"
    })
    .await?;
    let denied = app
        .wait_text(&format!("key-access-{}", admin.public_key), |text| {
            text.contains("Organization Owner needed")
        })
        .await?;
    check(!denied.contains("none"), format!("shown as {denied}"))?;
    app.screenshot("auditor-api-keys").await?;

    // A key's details: read, with no control that would change it.
    open_key(app, &admin.public_key).await?;
    app.find("details-permissions").await?;
    for control in [
        "details-save",
        "details-rotate",
        "details-delete",
        "access-add",
    ] {
        app.wait_gone(control).await?;
    }
    app.wait_text("access-error-message", |text| {
        text.contains("Organization Owner needed")
    })
    .await?;
    app.click("details-back").await?;

    // Service accounts: listed, none offered for change.
    open_service_accounts(app).await?;
    app.find("service-accounts-table").await?;
    app.wait_gone("create-service-account").await?;
    let first = app
        .attr_css("[data-testid^='sa-open-']", "data-testid")
        .await?;
    app.click(&first).await?;
    app.find("sa-details-permissions").await?;
    for control in [
        "sa-details-save",
        "sa-generate-secret",
        "sa-details-delete",
        "sa-access-add",
    ] {
        app.wait_gone(control).await?;
    }

    // Activity and the review work; the review counts the unknown lists.
    app.click("nav-activity").await?;
    check(
        !activity_rows(app, "activity-feed").await?.is_empty(),
        "the auditor reads the activity",
    )?;
    app.click("nav-review").await?;
    app.find_css("[data-testid='access-review'][data-state='reviewed'][data-not-read='0']")
        .await?;
    app.wait_text("finding-listUnknown-title", |title| {
        title.contains("whose access list is unknown")
    })
    .await?;
    app.screenshot("auditor-review").await?;

    // The export: every credential, each list it may not read said so in
    // its "not read" column, never left empty as if the key were open.
    let dir = tempfile::tempdir().map_err(io("make a folder for the export"))?;
    let path = dir.path().join("audit.csv");
    app.click("nav-organization").await?;
    app.find("keys-table").await?;
    let text = export_csv(app, "export-inventory", &path).await?;
    let row_of = |id: &str| {
        text.lines()
            .find(|row| row.starts_with(&format!("API key,{id},")))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let own = row_of(&public_key);
    check(
        own.contains("127.0.0.1") && !own.contains("Organization Owner needed"),
        format!("its own list is exported: {own}"),
    )?;
    let other = row_of(&admin.public_key);
    check(
        other.contains("Organization Owner needed"),
        format!("another key's list is said to be unread: {other}"),
    )?;

    // Settings: read, not changeable.
    app.click("nav-org-settings").await?;
    app.find("settings-standing").await?;
    app.find_css("[data-testid='require-access-list'][aria-disabled='true'], [data-testid='require-access-list'][disabled]")
        .await?;
    app.wait_gone("max-secret-lifetime-save").await?;
    // Delegated access: read (Organization Member may), not offered for change.
    app.wait_select("delegated-mcp", |text| text.contains("Read and write"))
        .await?;
    app.wait_gone("delegated-save").await?;

    // Project Access: the keys of a project, no invitation or creation.
    app.click("nav-project").await?;
    app.find_css("[data-testid='project-access'][data-keys='loaded']")
        .await?;
    for control in [
        "project-invite",
        "project-create-key",
        "project-bulk-invite",
        "project-sa-invite",
    ] {
        app.wait_gone(control).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow27_a_project_owner_works_in_its_project_and_is_told_what_the_organization_needs()
-> Result<()> {
    launch()
        .await?
        .run("flow27-project-owner", project_owner)
        .await
}

async fn project_owner(app: &App) -> Result<()> {
    let (_sandbox, admin, public_key, private_key) =
        sandbox_with_key("E2E project owner", &["GROUP_OWNER"], true).await?;
    connect_with_key(
        app,
        "E2E project owner",
        &admin.base_url,
        &public_key,
        &private_key,
    )
    .await?;

    let admin_client = AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
    .map_err(failed)?;

    // It opens on Project Access, on its project.
    app.find_css("[data-testid='project-access'][data-keys='loaded']")
        .await?;
    app.find(&format!("project-key-{public_key}")).await?;
    app.wait_gone("project-bulk-invite").await?;
    app.wait_gone("project-sa-invite").await?;
    app.screenshot("project-owner-project-access").await?;

    // Invite an organization key to its project, then change its roles.
    let project_name = app.attr("project-access", "data-project-name").await?;
    app.click("project-invite").await?;
    app.type_into("invite-search", &admin.public_key).await?;
    app.click(&format!("invite-key-{}", admin.public_key))
        .await?;
    app.toggle("invite-roles-GROUP_READ_ONLY").await?;
    app.click("invite-submit").await?;
    app.wait_gone("invite-dialog").await?;
    app.wait_text(
        &format!("project-key-roles-{}", admin.public_key),
        |roles| roles.contains("Project Read Only"),
    )
    .await?;

    // Create a key in the project: its access list needs an Owner, said so.
    app.click("project-create-key").await?;
    app.type_into("project-key-desc", "E2E made by a project owner")
        .await?;
    app.toggle("project-key-roles-GROUP_READ_ONLY").await?;
    app.click("project-key-submit").await?;
    one_time_secret(app).await?;
    let made = app.text("one-time-public-key").await?;
    close_one_time_dialog(app).await?;
    app.find("new-key-access-needs-owner").await?;
    app.click("new-key-access-done").await?;
    app.wait_text(&format!("project-key-roles-{made}"), |roles| {
        roles == "Project Read Only"
    })
    .await?;

    // A service account made in the project, and its access list through
    // the project (Project Owner suffices there).
    app.click("project-sa-create").await?;
    app.type_into("project-sa-name", "E2E project owner robot")
        .await?;
    app.type_into("project-sa-description", "made by its project owner")
        .await?;
    app.toggle("project-sa-roles-GROUP_READ_ONLY").await?;
    app.click("project-sa-create-submit").await?;
    one_time_secret(app).await?;
    let robot = app.text("one-time-client-id").await?;
    close_one_time_dialog(app).await?;
    app.find("new-sa-access-dialog").await?;
    app.find("sa-access-empty").await?;
    app.type_into("sa-access-input", "203.0.113.40, 198.51.100.0/24")
        .await?;
    app.click("sa-access-add").await?;
    app.find("sa-access-entry-203.0.113.40").await?;
    app.find("sa-access-entry-198.51.100.0/24").await?;
    // Its last-but-one entry goes; the guard still asks before the last.
    app.click("sa-access-delete-203.0.113.40").await?;
    app.click("sa-access-remove-confirm").await?;
    app.wait_gone("sa-access-entry-203.0.113.40").await?;
    app.screenshot("project-owner-account-access-list").await?;
    app.click("new-sa-access-done").await?;
    let listed: Vec<String> = admin_client
        .list_service_account_access_list(
            atlas_access_core::atlas::AccountScope::Org(&admin.org_id),
            &robot,
        )
        .await
        .map_err(failed)?
        .iter()
        .map(|entry| entry.path_name().to_owned())
        .collect();
    check(
        listed == ["198.51.100.0/24"],
        format!("Atlas holds {listed:?}"),
    )?;
    app.find_css("[data-testid^='project-sa-roles-']").await?;

    // Remove the invited key again.
    app.click(&format!("project-remove-{}", admin.public_key))
        .await?;
    app.click("confirm-submit").await?;
    app.wait_gone(&format!("project-key-{}", admin.public_key))
        .await?;
    check(!project_name.is_empty(), "the project has a name")?;

    // Organization screens say what they need instead of failing.
    app.click("nav-organization").await?;
    app.find("keys-table").await?;
    app.wait_text("keys-standing-role", |role| role == "Organization Member")
        .await?;
    app.wait_gone("create-key").await?;
    app.find("export-needs-role").await?;
    app.click("tab-service-accounts").await?;
    app.wait_text("service-accounts-need-role", |text| {
        text.contains("Organization Read Only")
    })
    .await?;
    app.screenshot("project-owner-organization").await?;
    app.click("nav-review").await?;
    app.find("review-accounts-unread").await?;

    // Its role taken down to Project Read Only while the app is open: the
    // app still offers the edit, Atlas refuses it, and the refusal names the
    // role to ask for; the page keeps its keys.
    let project = admin
        .project_ids
        .first()
        .ok_or_else(|| failed("no project"))?;
    let own_id = admin_client
        .list_project_keys(project)
        .await
        .map_err(failed)?
        .into_iter()
        .find(|key| key.public_key == public_key)
        .map(|key| key.id)
        .ok_or_else(|| failed("the connection's key is in its project"))?;
    admin_client
        .update_project_key_roles(project, &own_id, &["GROUP_READ_ONLY".to_owned()])
        .await
        .map_err(failed)?;
    app.click("nav-project").await?;
    app.find(&format!("project-key-{made}")).await?;
    app.click("project-create-key").await?;
    app.type_into("project-key-desc", "E2E refused").await?;
    app.toggle("project-key-roles-GROUP_READ_ONLY").await?;
    app.click("project-key-submit").await?;
    app.wait_text("project-key-error", |text| {
        text.contains("This needs Project Owner")
    })
    .await?;
    app.screenshot("project-owner-refused").await?;
    app.click("project-key-cancel").await?;
    app.find(&format!("project-key-{made}")).await?;
    Ok(())
}
