//! Organization and project API keys: creating, inviting, access lists, the requirement and its
//! lockout warnings, deleting.

use super::*;

/// What the X primary selection (what is selected, pasted by a middle
/// click) holds now.
async fn primary_selection() -> String {
    xclip_out(&["-selection", "primary", "-o"]).await
}

/// Pastes `text` into the field as a person would: through the clipboard
/// (xclip owns it until the app reads it) and Control+V.
async fn paste(app: &App, test_id: &str, text: &str) -> Result<()> {
    own_clipboard(text).await?;
    check(
        clipboard().await == text,
        "the clipboard holds the list to paste",
    )?;
    app.type_into(test_id, "\u{E009}v\u{E000}").await
}

#[tokio::test(flavor = "multi_thread")]
async fn flow1_create_an_organization_key_copy_it_and_use_it() -> Result<()> {
    let _clipboard = CLIPBOARD_TURN.lock().await;
    launch().await?.run("flow1-create-key", create_key).await
}

async fn create_key(app: &App) -> Result<()> {
    app.click("create-key").await?;
    app.type_into("create-desc", "E2E deploy bot").await?;
    app.toggle("create-roles-ORG_MEMBER").await?;
    app.type_into("create-access", CURRENT_IP).await?;
    app.screenshot("create-api-key").await?;
    app.click("create-submit").await?;

    let private_key = one_time_secret(app).await?;
    check(
        private_key.len() == 36,
        format!("a UUID: {} chars", private_key.len()),
    )?;
    let public_key = app.text("one-time-public-key").await?;
    check(
        app.text("one-time-access-list-outcome")
            .await?
            .ends_with("done"),
        "the access list was added",
    )?;
    // The dialog cannot be closed before the confirmation.
    check(
        app.attr("one-time-close", "aria-disabled").await? == "true",
        "Close is disabled before the confirmation",
    )?;

    // Selecting the key with the mouse selects nothing: a selection would
    // reach the X primary selection, out of Rust's reach.
    app.triple_click("one-time-private-key").await?;
    let selected: String = app
        .client()
        .execute("return String(window.getSelection());", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    check(
        !selected.contains(&private_key),
        "the key cannot be selected in the page",
    )?;
    check(
        !primary_selection().await.contains(&private_key),
        "the key is not in the primary selection",
    )?;

    app.click("one-time-copy").await?;
    app.find("one-time-countdown").await?;
    check(
        clipboard().await == private_key,
        "the clipboard holds the private key",
    )?;
    check(
        clipboard_targets()
            .await
            .contains("x-kde-passwordManagerHint"),
        "the key is marked secret for clipboard managers",
    )?;
    app.screenshot("one-time-private-key").await?;
    // Cleared after CLIPBOARD_CLEAR_SECS (60 s for users).
    let copied = Instant::now();
    app.find("one-time-cleared").await?;
    check(
        copied.elapsed() >= Duration::from_secs(CLIPBOARD_CLEAR_SECS - 1),
        "not cleared before its time",
    )?;
    check(
        clipboard().await != private_key,
        "the clipboard no longer holds the key",
    )?;
    // Control+C on the key copies it through Rust too, cleared as before.
    app.type_into("one-time-private-key", "\u{E009}c\u{E000}")
        .await?;
    app.find("one-time-countdown").await?;
    check(
        clipboard().await == private_key,
        "Control+C put the key on the clipboard",
    )?;
    check(
        clipboard_targets()
            .await
            .contains("x-kde-passwordManagerHint"),
        "marked secret as well",
    )?;
    close_one_time_dialog(app).await?;
    check(
        app.find_all_css("[data-testid='one-time-private-key']")
            .await?
            .is_empty(),
        "the private key is gone from the page",
    )?;
    app.find(&format!("key-row-{public_key}")).await?;

    // The key works: the sandbox answers it directly, over HTTP Digest.
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    let client = AtlasClient::new(&base_url, &public_key, &SecretString::from(private_key))
        .map_err(|e| HarnessError::Check(e.to_string()))?;
    let status = client
        .system_status()
        .await
        .map_err(|e| HarnessError::Check(format!("the new key does not work: {e}")))?;
    check(
        status.api_key.public_key == public_key,
        "the sandbox knows the key",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow2_paste_an_access_list_with_an_invalid_line_and_use_the_current_ip() -> Result<()> {
    let _clipboard = CLIPBOARD_TURN.lock().await;
    launch().await?.run("flow2-access-list", access_list).await
}

async fn access_list(app: &App) -> Result<()> {
    let billing = public_key_of(app, "Billing export").await?;
    open_key(app, &billing).await?;
    paste(
        app,
        "access-input",
        "203.0.113.99\n192.0.2.0/24\nnot-an-address\n2001:db8:abcd::/48\n",
    )
    .await?;
    let statuses = wait_for(
        "each of the 4 lines to be checked",
        e2e::UI_TIMEOUT,
        || async {
            let lines = app
                .find_all_css("[data-testid='access-check-line']")
                .await?;
            let mut statuses = Vec::new();
            for index in 1..=lines.len() {
                statuses.push(
                    app.attr_css(
                        &format!("li[data-testid='access-check-line']:nth-of-type({index})"),
                        "data-status",
                    )
                    .await?,
                );
            }
            Ok((statuses.len() == 4).then_some(statuses))
        },
    )
    .await?;
    check(
        statuses == ["ok", "ok", "error", "ok"],
        format!("line checks: {statuses:?}"),
    )?;
    app.screenshot("access-list-pasted").await?;
    app.click("access-add").await?;
    let table = app
        .wait_text("access-table", |text| text.contains("203.0.113.99"))
        .await?;
    check(table.contains("192.0.2.0/24"), format!("table: {table}"))?;
    check(table.contains("2001:db8:abcd:"), format!("table: {table}"))?;
    // The invalid line is left to be fixed, and said why.
    check(
        app.value("access-input").await? == "not-an-address",
        "the invalid line stays",
    )?;
    check(
        app.text("access-check").await?.contains("not-an-address"),
        "the invalid line is reported",
    )?;

    app.fill("access-input", "").await?;
    app.click("access-current-ip").await?;
    wait_until("the current IP was filled in", || async {
        Ok(app.value("access-input").await? == CURRENT_IP)
    })
    .await?;
    // Its line checked, as a person sees it before adding it.
    app.find_css("[data-testid='access-check-line'][data-status='ok']")
        .await?;
    app.click("access-add").await?;
    app.find(&format!("access-entry-{CURRENT_IP}")).await?;
    app.screenshot("key-details").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow3_invite_a_key_change_its_roles_and_invite_one_key_to_three_projects() -> Result<()> {
    launch().await?.run("flow3-invite", invite).await
}

async fn invite(app: &App) -> Result<()> {
    let billing = public_key_of(app, "Billing export").await?;
    choose_project(app, "Staging").await?;
    app.click("project-invite").await?;
    app.type_into("invite-search", &billing).await?;
    app.click(&format!("invite-key-{billing}")).await?;
    app.toggle("invite-roles-GROUP_READ_ONLY").await?;
    app.click("invite-submit").await?;
    app.wait_gone("invite-dialog").await?;
    app.wait_text(&format!("project-key-roles-{billing}"), |t| {
        t == "Project Read Only"
    })
    .await?;

    app.click(&format!("project-edit-{billing}")).await?;
    add_data_access_read_only(app, &format!("project-key-roles-{billing}")).await?;
    app.screenshot("project-access").await?;

    let grafana = public_key_of(app, "Grafana metrics").await?;
    choose_project(app, "Staging").await?;
    app.click("project-bulk-invite").await?;
    app.type_into("bulk-search", &grafana).await?;
    app.click(&format!("bulk-key-{grafana}")).await?;
    invite_to_staging_production_and_analytics(app, Some("invite-to-many-projects")).await?;
    app.find(&format!("project-key-{grafana}")).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow4_create_a_project_key_and_give_it_an_access_list() -> Result<()> {
    launch().await?.run("flow4-project-key", project_key).await
}

async fn project_key(app: &App) -> Result<()> {
    choose_project(app, "Production").await?;
    app.click("project-create-key").await?;
    app.type_into("project-key-desc", "E2E project reader")
        .await?;
    app.toggle("project-key-roles-GROUP_READ_ONLY").await?;
    app.click("project-key-submit").await?;
    one_time_secret(app).await?;
    let public_key = app.text("one-time-public-key").await?;
    close_one_time_dialog(app).await?;
    // Straight into its access list: a project key can do nothing without one.
    app.find("new-key-access-dialog").await?;
    app.find("access-empty").await?;
    app.type_into("access-input", "203.0.113.200, 2001:db8::200")
        .await?;
    app.click("access-add").await?;
    app.find("access-entry-203.0.113.200").await?;
    app.screenshot("project-key-access-list").await?;
    app.click("new-key-access-done").await?;
    app.wait_gone("new-key-access-dialog").await?;
    app.wait_text(&format!("project-key-roles-{public_key}"), |t| {
        t == "Project Read Only"
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow5_require_an_access_list_and_see_the_lockout_warnings() -> Result<()> {
    launch()
        .await?
        .run("flow5-require-access-list", require)
        .await
}

async fn require(app: &App) -> Result<()> {
    app.click("nav-org-settings").await?;
    check(
        app.attr("require-access-list", "aria-checked").await? == "false",
        "the requirement starts off",
    )?;
    app.click("require-access-list").await?;
    let locked_out = app.text("require-locked-out").await?;
    check(
        locked_out.contains("Legacy migration script"),
        format!("keys locked out: {locked_out}"),
    )?;
    app.screenshot("organization-settings").await?;
    app.click("require-confirm").await?;
    app.wait_gone("require-dialog").await?;
    wait_until("the requirement is on", || async {
        Ok(app.attr("require-access-list", "aria-checked").await? == "true")
    })
    .await?;

    // Removing the entry that lets this computer in would lock out the key in use.
    let admin = public_key_of(app, "Sandbox administrator").await?;
    open_key(app, &admin).await?;
    app.click(&format!("access-delete-{CURRENT_IP}")).await?;
    let blocking = app.text("access-remove-blocking").await?;
    check(
        blocking.contains(CURRENT_IP) && blocking.contains("lock out"),
        format!("lockout warning: {blocking}"),
    )?;
    check(
        app.attr("access-remove-confirm", "aria-disabled").await? == "true",
        "Delete is refused",
    )?;
    app.screenshot("lockout-warning").await?;
    app.click("access-remove-cancel").await?;
    app.find(&format!("access-entry-{CURRENT_IP}")).await?;

    // Turning it off names what would then be usable from any address, and
    // waits for a confirmation.
    app.click("nav-org-settings").await?;
    app.click("require-access-list").await?;
    let opened = app.text("lift-opened").await?;
    check(
        opened.contains("Legacy migration script"),
        format!("keys opened: {opened}"),
    )?;
    app.find("lift-accounts-opened").await?;
    check(
        app.attr("require-access-list", "aria-checked").await? == "true",
        "nothing changes before the confirmation",
    )?;
    app.screenshot("lift-requirement-warning").await?;
    app.click("lift-confirm").await?;
    app.wait_gone("lift-dialog").await?;
    wait_until("the requirement is off", || async {
        Ok(app.attr("require-access-list", "aria-checked").await? == "false")
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow6_delete_a_key_and_remove_a_key_from_a_project() -> Result<()> {
    launch().await?.run("flow6-delete", delete).await
}

async fn delete(app: &App) -> Result<()> {
    let legacy = public_key_of(app, "Legacy migration").await?;
    open_key(app, &legacy).await?;
    app.click("details-delete").await?;
    app.type_into("delete-confirm-input", "not its name")
        .await?;
    check(
        app.attr("delete-confirm", "aria-disabled").await? == "true",
        "a wrong confirmation does not delete",
    )?;
    app.fill("delete-confirm-input", &legacy).await?;
    app.screenshot("delete-key").await?;
    app.click("delete-confirm").await?;
    app.find("api-keys").await?;
    app.wait_gone(&format!("key-row-{legacy}")).await?;
    app.wait_text("key-count", |count| count == "10").await?;

    let backup = public_key_of(app, "Backup automation").await?;
    choose_project(app, "Production").await?;
    app.find(&format!("project-key-{backup}")).await?;
    app.click(&format!("project-remove-{backup}")).await?;
    app.click("confirm-submit").await?;
    app.wait_gone("confirm-dialog").await?;
    app.wait_gone(&format!("project-key-{backup}")).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow9_removing_a_keys_last_entry_says_it_opens_the_key() -> Result<()> {
    launch().await?.run("flow9-last-entry", last_entry).await
}

async fn last_entry(app: &App) -> Result<()> {
    const ENTRY: &str = "203.0.113.50";
    let legacy = public_key_of(app, "Legacy migration script").await?;
    open_key(app, &legacy).await?;
    app.find("access-empty").await?;
    app.type_into("access-input", ENTRY).await?;
    app.click("access-add").await?;
    app.find(&format!("access-entry-{ENTRY}")).await?;

    // Its only entry: an empty list lets every address in, and the dialog
    // says so instead of promising that the address will be refused.
    app.click(&format!("access-delete-{ENTRY}")).await?;
    let warning = app.text("access-remove-warning").await?;
    check(
        warning.contains("last entry") && warning.contains("anywhere"),
        format!("warning: {warning}"),
    )?;
    check(
        app.find_all_css("[data-testid='access-remove-safe']")
            .await?
            .is_empty(),
        "no promise that the address will be refused",
    )?;
    check(
        app.attr("access-remove-confirm", "aria-disabled").await? == "true",
        "Delete waits for the confirmation",
    )?;
    app.screenshot("last-entry-warning").await?;
    app.toggle("access-remove-understood").await?;
    app.click("access-remove-confirm").await?;
    app.wait_gone(&format!("access-entry-{ENTRY}")).await?;
    app.find("access-empty").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow11_the_key_in_use_cannot_take_organization_owner_from_itself() -> Result<()> {
    launch().await?.run("flow11-own-role", own_role).await
}

async fn own_role(app: &App) -> Result<()> {
    let admin = public_key_of(app, "Sandbox administrator").await?;
    open_key(app, &admin).await?;
    // Member instead of Owner: it could never give the role back.
    app.toggle("details-roles-ORG_MEMBER").await?;
    app.toggle("details-roles-ORG_OWNER").await?;
    app.click("details-save").await?;
    let refusal = app.text("details-error").await?;
    check(
        refusal.contains("this connection uses") && refusal.contains("Organization Owner"),
        format!("the guard says why: {refusal}"),
    )?;
    app.screenshot("own-role-guard").await?;
    // Nothing changed in Atlas: the key still has Organization Owner.
    app.click("details-back").await?;
    app.click("refresh-keys").await?;
    let row = app.text(&format!("key-row-{admin}")).await?;
    check(
        row.contains("Organization Owner"),
        format!("the key keeps its role: {row}"),
    )
}
