//! The flows of the Access Manager, clicked through as a person would, on
//! the app's built-in sandbox (a fresh one per test). Every test also checks,
//! when the app has quit, that no private key it saw is in any file of the
//! app's or in its log (see `App::run`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use atlas_access_core::atlas::AtlasClient;
use e2e::{
    App, CLIPBOARD_CLEAR_SECS, HarnessError, Result, check, clipboard, wait_until, xclip_out,
};
use secrecy::{ExposeSecret, SecretString};

/// The flows that copy, paste or watch the clipboard take turns: the tests
/// run side by side on one X display, which has one clipboard.
static CLIPBOARD_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The address the built-in sandbox says this computer has.
const CURRENT_IP: &str = "198.51.100.7";

/// What the X primary selection (what is selected, pasted by a middle
/// click) holds now.
async fn primary_selection() -> String {
    xclip_out(&["-selection", "primary", "-o"]).await
}

/// The formats the clipboard's owner offers.
async fn clipboard_targets() -> String {
    xclip_out(&["-selection", "clipboard", "-t", "TARGETS", "-o"]).await
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

/// Puts `text` on the clipboard from outside the app: xclip forks a child
/// that serves it until another program takes the clipboard.
async fn own_clipboard(text: &str) -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut xclip = tokio::process::Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(HarnessError::Screenshot)?;
    if let Some(mut stdin) = xclip.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .await
            .map_err(HarnessError::Screenshot)?;
    }
    // xclip forks a child that serves the selection; the parent exits.
    let _ = tokio::time::timeout(Duration::from_secs(5), xclip.wait()).await;
    Ok(())
}

/// Opens the built app and waits for the sandbox's keys.
async fn launch() -> Result<App> {
    let app = App::launch().await?;
    app.find("keys-table").await?;
    Ok(app)
}

/// The public key of the organization key whose description starts with `desc`.
async fn public_key_of(app: &App, desc: &str) -> Result<String> {
    app.click("nav-organization").await?;
    app.fill("key-filter", desc).await?;
    // The filter is applied a moment after typing: wait for the one row.
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    loop {
        let rows = app
            .find_all_css("[data-testid='keys-table'] [data-testid^='key-open-']")
            .await?;
        if rows.len() == 1 {
            // Read again by selector: the row may have been re-rendered.
            let css = "[data-testid='keys-table'] [data-testid^='key-open-']";
            let text = app.text_css(css).await?;
            check(text.starts_with(desc), format!("{text} is not {desc}"))?;
            let id = app.attr_css(css, "data-testid").await?;
            app.fill("key-filter", "").await?;
            return Ok(id.trim_start_matches("key-open-").to_owned());
        }
        if Instant::now() > deadline {
            return Err(HarnessError::Check(format!("no single key matches {desc}")));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the details of the key with this public key.
async fn open_key(app: &App, public_key: &str) -> Result<()> {
    app.click("nav-organization").await?;
    app.fill("key-filter", public_key).await?;
    app.click(&format!("key-open-{public_key}")).await?;
    app.find("key-details").await?;
    app.find("access-list").await?;
    Ok(())
}

/// Closes the one-time dialog the way a person must: confirm, then close.
async fn close_one_time_dialog(app: &App) -> Result<()> {
    app.toggle("one-time-confirm").await?;
    app.click("one-time-close").await?;
    app.wait_gone("one-time-dialog").await
}

/// The rotation's last step: the old key deleted after typing its public key.
async fn delete_old_key(app: &App, old: &str) -> Result<()> {
    app.click("rotate-delete-old").await?;
    app.fill("rotate-delete-confirm-input", old).await?;
    app.click("rotate-delete-confirm").await
}

/// Picks a project in the Project Access Manager, and waits until the page
/// shows that project with its keys read; fails if it never does.
async fn choose_project(app: &App, name: &str) -> Result<()> {
    app.click("nav-project").await?;
    app.choose("project-select", name).await?;
    app.find_css(&format!(
        "[data-testid='project-access'][data-project-name='{name}'][data-keys='loaded']"
    ))
    .await
    .map(drop)
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
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    let statuses = loop {
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
        if statuses.len() == 4 || Instant::now() > deadline {
            break statuses;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
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

/// In the open Edit Permissions dialog: adds Project Data Access Read Only
/// to Project Read Only, and waits for the roles cell to show both.
async fn add_data_access_read_only(app: &App, roles_cell: &str) -> Result<()> {
    app.toggle("edit-roles-GROUP_DATA_ACCESS_READ_ONLY").await?;
    app.click("edit-roles-submit").await?;
    app.wait_gone("edit-roles-dialog").await?;
    app.wait_text(roles_cell, |t| {
        t.contains("Project Data Access Read Only") && t.contains("Project Read Only")
    })
    .await
    .map(drop)
}

/// In the open bulk dialog, whose invitee is chosen and Staging ticked:
/// adds Production and Analytics, invites as Project Read Only, and checks
/// each project's result.
async fn invite_to_staging_production_and_analytics(
    app: &App,
    screenshot: Option<&str>,
) -> Result<()> {
    app.toggle("bulk-project-Production").await?;
    app.toggle("bulk-project-Analytics").await?;
    app.toggle("bulk-roles-GROUP_READ_ONLY").await?;
    app.click("bulk-submit").await?;
    app.find("bulk-results").await?;
    // The progress came on the call's own channel, to the end.
    app.wait_text("bulk-progress", |text| text.contains("3/3"))
        .await?;
    for project in ["Staging", "Production", "Analytics"] {
        let status = app
            .attr(&format!("bulk-result-{project}"), "data-status")
            .await?;
        check(status == "done", format!("{project}: {status}"))?;
    }
    if let Some(screenshot) = screenshot {
        app.screenshot(screenshot).await?;
    }
    app.click("bulk-close").await?;
    app.wait_gone("bulk-dialog").await
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
async fn flow7_a_connection_with_a_wrong_private_key_says_so() -> Result<()> {
    launch().await?.run("flow7-wrong-key", wrong_key).await
}

async fn wrong_key(app: &App) -> Result<()> {
    const WRONG: &str = "5f0c2a91-7d3e-4b8a-9c61-2e4f8a7b3d10";
    app.remember_secret(WRONG);
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    let public_key = app.text("connection-public-key-sandbox").await?;
    let id = app
        .add_connection("Wrong key", &base_url, &public_key, WRONG)
        .await?;
    // Saving tests the connection at once.
    let message = app
        .text_css("[data-testid^='connection-test-error-'][data-testid$='-message']")
        .await?;
    check(
        message.contains("public key or the private key is wrong"),
        format!("error: {message}"),
    )?;
    app.screenshot("connections").await?;

    // Deleting the connection takes its keychain entry too.
    let stored = tokio::process::Command::new("secret-tool")
        .args(["lookup", "service", "atlas-access-manager", "username", &id])
        .output()
        .await
        .map_err(HarnessError::Screenshot)?;
    check(
        String::from_utf8_lossy(&stored.stdout) == WRONG,
        "the private key is in the keychain",
    )?;
    app.click(&format!("connection-delete-{id}")).await?;
    app.click("connection-delete-confirm").await?;
    app.wait_gone(&format!("connection-{id}")).await?;
    let gone = tokio::process::Command::new("secret-tool")
        .args(["lookup", "service", "atlas-access-manager", "username", &id])
        .output()
        .await
        .map_err(HarnessError::Screenshot)?;
    check(gone.stdout.is_empty(), "the keychain entry is gone")?;

    // Importing the Atlas CLI's profiles: the private key goes to the
    // keychain, never into the app's files (checked after the run).
    const CLI_SECRET: &str = "8d3e5a0b-41f6-4c2d-9e7a-6b1c0f2d4e93";
    app.remember_secret(CLI_SECRET);
    let cli_dir = app.data_home().join("config/atlascli");
    std::fs::create_dir_all(&cli_dir).map_err(HarnessError::Screenshot)?;
    std::fs::write(
        cli_dir.join("config.toml"),
        format!(
            "[ci]\n  public_api_key = \"{public_key}\"\n  private_api_key = \"{CLI_SECRET}\"\n  ops_manager_url = \"{base_url}/\"\n"
        ),
    )
    .map_err(HarnessError::Screenshot)?;
    app.click("import-atlas-cli").await?;
    app.wait_text("connection-name-atlascli-ci", |name| {
        name == "ci (Atlas CLI)"
    })
    .await?;
    check(
        app.text("connection-url-atlascli-ci").await? == base_url,
        "the imported base URL",
    )?;
    let stored = tokio::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "atlas-access-manager",
            "username",
            "atlascli-ci",
        ])
        .output()
        .await
        .map_err(HarnessError::Screenshot)?;
    check(
        String::from_utf8_lossy(&stored.stdout) == CLI_SECRET,
        "the imported private key is in the keychain",
    )?;
    // The CLI's own file holds it, as the CLI wrote it: not the app's to check.
    std::fs::remove_file(cli_dir.join("config.toml")).map_err(HarnessError::Screenshot)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow8_editing_or_deleting_the_open_connection_closes_it_and_says_why() -> Result<()> {
    launch()
        .await?
        .run("flow8-session-closed", open_connection_changes)
        .await
}

/// The secret the one-time dialog shows, once it shows it; remembered, so
/// no file or log line of the app may hold it.
async fn one_time_secret(app: &App) -> Result<String> {
    let secret = app
        .wait_text("one-time-private-key", |text| !text.trim().is_empty())
        .await?;
    app.remember_secret(&secret);
    Ok(secret)
}

/// An Organization Owner key made in the app, and a connection through it,
/// opened. Answers the connection's id, the public key and the private key.
async fn connect_through_a_new_owner_key(
    app: &App,
    desc: &str,
    connection: &str,
) -> Result<(String, String, String)> {
    app.click("nav-organization").await?;
    app.click("create-key").await?;
    app.type_into("create-desc", desc).await?;
    app.toggle("create-roles-ORG_OWNER").await?;
    app.click("create-submit").await?;
    let private_key = one_time_secret(app).await?;
    let public_key = app.text("one-time-public-key").await?;
    close_one_time_dialog(app).await?;
    app.click("nav-connections").await?;
    let base_url = app.text("connection-url-sandbox").await?;
    let id = app
        .add_connection(connection, &base_url, &public_key, &private_key)
        .await?;
    app.click(&format!("connection-connect-{id}")).await?;
    app.wait_text("active-connection", |name| name.contains(connection))
        .await?;
    Ok((id, public_key, private_key))
}

async fn open_connection_changes(app: &App) -> Result<()> {
    // Open a connection through an owner key, and see the organization through it.
    let (id, _, _) =
        connect_through_a_new_owner_key(app, "E2E second connection", "E2E owner").await?;
    app.click("nav-organization").await?;
    app.find("keys-table").await?;

    // Editing it closes it: the page goes back to Connections and says why.
    app.click("nav-connections").await?;
    app.click(&format!("connection-edit-{id}")).await?;
    app.fill("connection-form-name", "E2E owner (renamed)")
        .await?;
    app.click("connection-form-save").await?;
    let reason = app
        .wait_text("session-closed", |text| text.contains("edited"))
        .await?;
    check(
        reason.contains("open it again"),
        format!("the reason says what to do: {reason}"),
    )?;
    app.screenshot("session-closed").await?;
    app.click("nav-organization").await?;
    app.find("not-connected").await?;

    // Opened again, then deleted: closed again, with the reason.
    app.click("nav-connections").await?;
    app.click(&format!("connection-connect-{id}")).await?;
    app.wait_text("active-connection", |name| name.contains("renamed"))
        .await?;
    app.click(&format!("connection-delete-{id}")).await?;
    app.click("connection-delete-confirm").await?;
    app.wait_text("session-closed", |text| text.contains("deleted"))
        .await?;
    app.find("page-connections").await?;
    app.click("nav-organization").await?;
    app.find("not-connected").await?;
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
async fn flow10_a_copied_key_does_not_outlive_the_app() -> Result<()> {
    let _clipboard = CLIPBOARD_TURN.lock().await;
    launch().await?.run("flow10-quit-clears", quit_clears).await
}

/// A clipboard manager as simple ones work: whatever appears on the
/// clipboard, it takes over and keeps serving after its first owner quits.
/// Runs until `stop` is set, at most a minute; answers what it took over.
async fn clipboard_manager(stop: Arc<AtomicBool>) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        let text = clipboard().await;
        if !text.is_empty() && taken.last() != Some(&text) {
            own_clipboard(&text).await?;
            taken.push(text);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(taken)
}

async fn quit_clears(app: &App) -> Result<()> {
    app.click("create-key").await?;
    app.type_into("create-desc", "E2E quit before the clear")
        .await?;
    app.toggle("create-roles-ORG_MEMBER").await?;
    app.click("create-submit").await?;
    let private_key = one_time_secret(app).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let manager = tokio::spawn(clipboard_manager(stop.clone()));
    app.click("one-time-copy").await?;
    // Quit before the clipboard's timed clear: the key must go all the same.
    let copied = Instant::now();
    let deadline = copied + Duration::from_secs(2);
    while clipboard().await != private_key && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.quit_as_the_session_ends().await?;
    check(
        copied.elapsed() < Duration::from_secs(CLIPBOARD_CLEAR_SECS),
        format!("quit within the clear delay ({:?})", copied.elapsed()),
    )?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after_quit = clipboard().await;
    stop.store(true, Ordering::SeqCst);
    let taken = manager
        .await
        .map_err(|error| HarnessError::Check(error.to_string()))??;
    check(
        taken.contains(&private_key),
        "the clipboard manager had taken the key over",
    )?;
    check(
        after_quit != private_key,
        "the key is not on the clipboard after quit",
    )
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

#[tokio::test(flavor = "multi_thread")]
async fn flow12_a_connection_through_a_service_account_reaches_every_screen() -> Result<()> {
    launch()
        .await?
        .run("flow12-service-account", service_account_connection)
        .await
}

fn failed(error: impl std::fmt::Display) -> HarnessError {
    HarnessError::Check(error.to_string())
}

/// A sandbox of the flow's own (the demo seed), its admin, and a client
/// signed in as its admin key.
async fn own_sandbox() -> Result<(
    atlas_sandbox::Sandbox,
    atlas_sandbox::AdminCredentials,
    AtlasClient,
)> {
    let sandbox = atlas_sandbox::Sandbox::start(atlas_sandbox::Config::default())
        .await
        .map_err(failed)?;
    let admin = sandbox.admin().clone();
    let admin_client = AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
    .map_err(failed)?;
    Ok((sandbox, admin, admin_client))
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
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    loop {
        if app.find_all_css(css).await?.len() == 1 && app.text_css(css).await? == name {
            let id = app.attr_css(css, "data-testid").await?;
            app.fill("service-account-filter", "").await?;
            return Ok(id.trim_start_matches("sa-open-").to_owned());
        }
        if Instant::now() > deadline {
            return Err(HarnessError::Check(format!(
                "no single service account is named {name}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Organization Access Manager → Service Accounts, with the accounts read.
async fn open_service_accounts(app: &App) -> Result<()> {
    app.click("nav-organization").await?;
    app.click("tab-service-accounts").await?;
    // From an account's details, back to the table.
    if !app
        .find_all_css("[data-testid='sa-details-back']")
        .await?
        .is_empty()
    {
        app.click("sa-details-back").await?;
    }
    app.find("service-accounts-table").await.map(drop)
}

/// Opens the details of the service account with this client id.
async fn open_service_account(app: &App, client_id: &str) -> Result<()> {
    open_service_accounts(app).await?;
    app.fill("service-account-filter", client_id).await?;
    app.click(&format!("sa-open-{client_id}")).await?;
    app.find("sa-details").await.map(drop)
}

/// A client that signs in as this service account, as any program would.
fn through_service_account(base_url: &str, client_id: &str, secret: &str) -> Result<AtlasClient> {
    AtlasClient::for_service_account(
        base_url,
        client_id,
        &SecretString::from(secret.to_owned()),
        atlas_access_core::atlas::ClientOptions::default(),
    )
    .map_err(failed)
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

/// What the Secret Service holds for this connection (empty for nothing).
async fn keychain_entry(profile_id: &str) -> String {
    let lookup = tokio::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            atlas_access_core::credentials::keychain::SERVICE,
            "username",
            profile_id,
        ])
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(10), lookup).await {
        Ok(Ok(output)) => String::from_utf8_lossy(&output.stdout).into_owned(),
        _ => String::new(),
    }
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

#[tokio::test(flavor = "multi_thread")]
async fn flow16_an_edit_appears_in_activity_and_in_the_keys_own_history() -> Result<()> {
    launch().await?.run("flow16-activity", activity).await
}

/// The rows of an activity feed, once it has read its first page.
async fn activity_rows(app: &App, feed: &str) -> Result<Vec<(String, String)>> {
    app.find_css(&format!(
        "[data-testid='{feed}']:not([data-state='reading'])"
    ))
    .await?;
    let rows = app
        .find_all_css(&format!(
            "[data-testid='{feed}'] [data-testid='activity-row']"
        ))
        .await?;
    let mut read = Vec::new();
    for row in rows {
        let kind = row
            .attr("data-event-type")
            .await
            .map_err(HarnessError::WebDriver)?
            .unwrap_or_default();
        read.push((kind, row.text().await.map_err(HarnessError::WebDriver)?));
    }
    Ok(read)
}

async fn activity(app: &App) -> Result<()> {
    let actions = public_key_of(app, "GitHub Actions deploy").await?;
    open_key(app, &actions).await?;
    app.fill("access-input", "203.0.113.7").await?;
    app.click("access-add").await?;
    app.find("access-entry-203.0.113.7").await?;

    // Activity, newest first: the edit, as a sentence.
    app.click("nav-activity").await?;
    let rows = activity_rows(app, "activity-feed").await?;
    let (kind, newest) = rows.first().cloned().unwrap_or_default();
    check(
        kind == "API_KEY_ACCESS_LIST_ENTRY_ADDED",
        format!("newest event: {kind}"),
    )?;
    let expected =
        format!("added 203.0.113.7 to the access list of GitHub Actions deploy ({actions}) from ");
    check(
        newest.starts_with("Sandbox administrator (")
            && newest.contains(&expected)
            && newest.ends_with("just now"),
        format!("the sentence: {newest}"),
    )?;
    // The seeded history goes back about 90 days.
    check(
        rows.iter().any(|(_, text)| text.contains("days ago")),
        "older events are shown",
    )?;
    check(rows.len() > 20, format!("{} rows", rows.len()))?;

    // Filtered by type: only the creations.
    app.click("activity-type").await?;
    app.click("activity-type-API_KEY_CREATED").await?;
    wait_until("the type filter applies", || async {
        let rows = activity_rows(app, "activity-feed").await?;
        Ok(!rows.is_empty() && rows.iter().all(|(kind, _)| kind == "API_KEY_CREATED"))
    })
    .await?;
    app.screenshot("activity").await?;
    // A range that ends before it starts is refused in words.
    app.fill("activity-from", "2026-11-24").await?;
    app.fill("activity-to", "2026-11-01\u{E007}").await?;
    let said = app
        .wait_text("activity-feed-error", |text| {
            text.contains("ends before it starts")
        })
        .await?;
    check(said.contains("\"to\" date"), format!("what to fix: {said}"))?;
    app.click("activity-clear").await?;

    // The key's own Activity tab: its history only, this edit first.
    open_key(app, &actions).await?;
    app.click("details-tab-activity").await?;
    let own = activity_rows(app, "details-activity").await?;
    check(
        own.first()
            .is_some_and(|(_, text)| text.contains(&expected)),
        format!("the key's history starts with the edit: {own:?}"),
    )?;
    check(
        own.iter()
            .all(|(_, text)| text.contains(&format!("({actions})"))),
        "every event is about this key",
    )?;
    check(
        own.last()
            .is_some_and(|(kind, _)| kind == "API_KEY_CREATED"),
        format!("it goes back to the key's creation: {own:?}"),
    )?;
    app.screenshot("key-activity").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow17_access_review_finds_the_risky_keys_and_goes_to_the_fix() -> Result<()> {
    launch()
        .await?
        .run("flow17-access-review", access_review)
        .await
}

/// The credentials (public keys or client ids) a finding lists, all of
/// them shown first.
async fn finding_items(app: &App, kind: &str) -> Result<Vec<String>> {
    let more = format!("[data-testid='finding-{kind}-more']");
    for _ in 0..50 {
        if app.find_all_css(&more).await?.is_empty() {
            break;
        }
        app.click(&format!("finding-{kind}-more")).await?;
    }
    let mut ids = Vec::new();
    for item in app
        .find_all_css(&format!("[data-testid='finding-{kind}-item']"))
        .await?
    {
        ids.push(
            item.attr("data-credential")
                .await
                .map_err(HarnessError::WebDriver)?
                .unwrap_or_default(),
        );
    }
    Ok(ids)
}

async fn access_review(app: &App) -> Result<()> {
    let open = public_key_of(app, "Partner integration").await?;
    let listless = public_key_of(app, "Legacy migration script").await?;
    let unused = public_key_of(app, "Billing export").await?;
    app.click("nav-review").await?;
    // Reviewed once every access list and project list is read.
    app.find_css("[data-testid='access-review'][data-state='reviewed'][data-not-read='0']")
        .await?;
    check(
        app.attr("finding-openToInternet", "data-severity").await? == "high",
        "an open key is a high finding",
    )?;
    let open_items = finding_items(app, "openToInternet").await?;
    check(
        open_items.contains(&open),
        format!("open to the internet: {open_items:?}"),
    )?;
    let no_list = finding_items(app, "noAccessList").await?;
    check(
        no_list.contains(&listless),
        format!("no access list: {no_list:?}"),
    )?;
    let unknown = finding_items(app, "useUnknown").await?;
    check(
        unknown.contains(&listless),
        format!("use that cannot be known: {unknown:?}"),
    )?;
    let never = finding_items(app, "neverUsed").await?;
    check(never.contains(&unused), format!("never used: {never:?}"))?;
    let owners = finding_items(app, "orgOwners").await?;
    check(owners.contains(&listless), format!("owners: {owners:?}"))?;
    // The demo's service accounts: a rotation under way, an expired secret.
    check(
        !finding_items(app, "secretsExpiring").await?.is_empty()
            && !finding_items(app, "expiredSecrets").await?.is_empty(),
        "the secrets findings",
    )?;
    app.screenshot("access-review").await?;

    // Stricter thresholds, kept with the connection: more is unused.
    let before = finding_items(app, "notUsedRecently").await?.len();
    app.fill("review-unused-days", "0").await?;
    app.click("review-save-thresholds").await?;
    let said = app
        .wait_text("review-thresholds-error", |text| {
            text.contains("1 to 3,650")
        })
        .await?;
    check(said.contains("days"), format!("what to fix: {said}"))?;
    app.fill("review-unused-days", "2").await?;
    app.click("review-save-thresholds").await?;
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    loop {
        let title = app
            .text("finding-notUsedRecently-title")
            .await
            .unwrap_or_default();
        if title.contains("not used in 2 days") {
            break;
        }
        check(
            Instant::now() < deadline,
            format!("the threshold applies: {title}"),
        )?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check(
        finding_items(app, "notUsedRecently").await?.len() > before,
        "more keys are unused at 2 days",
    )?;

    // The finding's button goes straight to the key, where it is fixed.
    app.click(&format!("finding-openToInternet-open-{open}"))
        .await?;
    app.find("key-details").await?;
    check(
        app.text("details-public-key").await? == open,
        "the open key is shown",
    )?;
    app.find("access-entry-0.0.0.0/0").await?;
    // Back in the review, the thresholds are still the connection's.
    app.click("nav-review").await?;
    check(
        app.value("review-unused-days").await? == "2",
        "the threshold is kept",
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow18_export_the_inventory_through_the_save_dialog() -> Result<()> {
    launch().await?.run("flow18-export", export_inventory).await
}

async fn xdotool(args: &[&str]) -> Result<String> {
    let run = tokio::process::Command::new("xdotool")
        .args(args)
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(10), run).await {
        Ok(Ok(output)) if output.status.success() => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(Ok(output)) => Err(HarnessError::Check(format!(
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ))),
        Ok(Err(error)) => Err(HarnessError::Check(format!("xdotool {args:?}: {error}"))),
        Err(_) => Err(HarnessError::Check(format!("xdotool {args:?} timed out"))),
    }
}

/// The X window id of a system dialog whose title holds `title`, once it
/// shows.
async fn system_dialog(title: &str) -> Result<String> {
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    loop {
        let found = xdotool(&["search", "--onlyvisible", "--name", title])
            .await
            .unwrap_or_default();
        if let Some(id) = found.lines().next().filter(|id| !id.is_empty()) {
            return Ok(id.to_owned());
        }
        check(
            Instant::now() < deadline,
            format!("the dialog \"{title}\" opens"),
        )?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types `path` into the system's save dialog, as a user would, and saves.
async fn save_in_dialog(app: &App, path: &std::path::Path) -> Result<()> {
    let window = system_dialog("Save").await?;
    // Let it draw its file name before it is replaced.
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.screenshot("export").await?;
    xdotool(&["windowfocus", "--sync", &window]).await?;
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]).await?;
    xdotool(&["type", "--delay", "5", &path.display().to_string()]).await?;
    xdotool(&["key", "Return"]).await?;
    Ok(())
}

/// The export's text once Rust has read the organization from Atlas and
/// written the file whole.
async fn exported(app: &App, path: &std::path::Path) -> Result<String> {
    let deadline = Instant::now() + e2e::UI_TIMEOUT;
    loop {
        if app.attr("export-inventory", "data-busy").await? == "false"
            && let Ok(text) = std::fs::read_to_string(path)
        {
            return Ok(text);
        }
        check(Instant::now() < deadline, "the export is written")?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn export_inventory(app: &App) -> Result<()> {
    let dir = tempfile::tempdir().map_err(HarnessError::Screenshot)?;
    let path = dir.path().join("credentials.csv");
    app.click("nav-organization").await?;
    let keys: usize = app.text("key-count").await?.parse().unwrap_or(0);
    app.click("tab-service-accounts").await?;
    let accounts: usize = app
        .text("service-account-count")
        .await?
        .parse()
        .unwrap_or(0);
    check(
        keys > 0 && accounts > 0,
        format!("{keys} keys, {accounts} accounts"),
    )?;

    app.click("export-inventory-csv").await?;
    save_in_dialog(app, &path).await?;
    let text = exported(app, &path).await?;
    let mut lines = text.lines();
    check(
        lines
            .next()
            .is_some_and(|header| header.starts_with("kind,id,name,organization roles")),
        "the header",
    )?;
    let rows: Vec<&str> = lines.collect();
    check(
        rows.len() == keys + accounts,
        format!(
            "{} rows for {keys} keys and {accounts} accounts",
            rows.len()
        ),
    )?;
    check(
        rows.iter()
            .filter(|row| row.starts_with("API key,"))
            .count()
            == keys,
        "one row per key",
    )?;
    check(
        rows.iter().any(|row| row.contains("0.0.0.0/0")),
        "the access lists are there",
    )?;
    for secret_shape in ["********", "mdb_sa_sk_", "privateKey", "clientSecret"] {
        check(
            !text.contains(secret_shape),
            format!("no secret in the export: {secret_shape}"),
        )?;
    }
    Ok(())
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

#[tokio::test(flavor = "multi_thread")]
async fn flow25_a_connection_to_a_server_that_is_not_atlas_asks_first() -> Result<()> {
    launch().await?.run("flow25-not-atlas", not_atlas).await
}

async fn not_atlas(app: &App) -> Result<()> {
    const SECRET: &str = "6b1e0c3d-2f4a-4d5e-8a9b-0c1d2e3f4a5b";
    app.remember_secret(SECRET);
    // Saving tests the connection: Rust asks first, in a system dialog.
    let id = app
        .add_connection(
            "Elsewhere",
            "https://atlas-proxy.invalid:9",
            "abcdefgh",
            SECRET,
        )
        .await?;
    let dialog = system_dialog("not Atlas").await?;
    xdotool(&["windowfocus", "--sync", &dialog]).await?;
    xdotool(&["key", "Escape"]).await?;
    let message = app
        .wait_text(&format!("connection-test-error-{id}-message"), |text| {
            !text.is_empty()
        })
        .await?;
    check(
        message.contains("Nothing was sent to atlas-proxy.invalid:9"),
        format!("declined in words: {message}"),
    )?;
    app.screenshot("not-atlas-declined").await?;
    Ok(())
}

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
    let dir = tempfile::tempdir().map_err(HarnessError::Screenshot)?;
    let path = dir.path().join("audit.csv");
    app.click("nav-organization").await?;
    app.find("keys-table").await?;
    app.click("export-inventory-csv").await?;
    save_in_dialog(app, &path).await?;
    let text = exported(app, &path).await?;
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
