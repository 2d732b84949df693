//! The flows of the Access Manager, clicked through as a person would, on
//! the app's built-in sandbox (a fresh one per test). Every test also checks,
//! when the app has quit, that no private key it saw is in any file of the
//! app's or in its log (see `App::run`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_access_core::atlas::AtlasClient;
use e2e::{
    App, CLIPBOARD_CLEAR_SECS, HarnessError, Result, check, clipboard, io, wait_for, wait_until,
    xclip_out,
};
use secrecy::{ExposeSecret, SecretString};

mod atlas_cli;
mod audit;
mod connections;
mod delegation;
mod keys;
mod roles;
mod rotation;
mod service_accounts;

/// The flows that copy, paste or watch the clipboard take turns: the tests
/// run side by side on one X display, which has one clipboard.
static CLIPBOARD_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The address the built-in sandbox says this computer has.
const CURRENT_IP: &str = "198.51.100.7";

/// The formats the clipboard's owner offers.
async fn clipboard_targets() -> String {
    xclip_out(&["-selection", "clipboard", "-t", "TARGETS", "-o"]).await
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
        .map_err(io("start xclip"))?;
    if let Some(mut stdin) = xclip.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .await
            .map_err(io("hand xclip the text"))?;
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
    let css = "[data-testid='keys-table'] [data-testid^='key-open-']";
    wait_until(format!("a single key to match {desc}"), || async {
        Ok(app.find_all_css(css).await?.len() == 1)
    })
    .await?;
    // Read again by selector: the row may have been re-rendered.
    let text = app.text_css(css).await?;
    check(text.starts_with(desc), format!("{text} is not {desc}"))?;
    let id = app.attr_css(css, "data-testid").await?;
    app.fill("key-filter", "").await?;
    Ok(id.trim_start_matches("key-open-").to_owned())
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

/// What the Secret Service holds for this connection (empty for nothing).
async fn keychain_entry(profile_id: &str) -> String {
    secret_service_lookup(
        atlas_access_core::credentials::keychain::SERVICE,
        profile_id,
    )
    .await
}

/// What another client of the Secret Service (`secret-tool`) reads for
/// `service` and `username`; empty for nothing.
async fn secret_service_lookup(service: &str, username: &str) -> String {
    let lookup = tokio::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", username])
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(10), lookup).await {
        Ok(Ok(output)) => String::from_utf8_lossy(&output.stdout).into_owned(),
        _ => String::new(),
    }
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
    wait_for(
        format!("the dialog \"{title}\" to open"),
        e2e::UI_TIMEOUT,
        || async {
            let found = xdotool(&["search", "--onlyvisible", "--name", title])
                .await
                .unwrap_or_default();
            Ok(found
                .lines()
                .next()
                .filter(|id| !id.is_empty())
                .map(str::to_owned))
        },
    )
    .await
}

/// Waits until the X window draws the same picture twice in a row.
async fn window_still(window: &str) -> Result<()> {
    let last = std::sync::Mutex::new(Vec::new());
    wait_until(format!("the window {window} to finish drawing"), || async {
        let capture = tokio::process::Command::new("import")
            .args(["-window", window, "rgb:-"])
            .kill_on_drop(true)
            .output()
            .await
            .map_err(io("capture the window"))?;
        let mut last = last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let still =
            capture.status.success() && !capture.stdout.is_empty() && capture.stdout == *last;
        *last = capture.stdout;
        Ok(still)
    })
    .await
}

/// Types `path` into the system's save dialog, as a user would, and saves.
async fn save_in_dialog(app: &App, path: &std::path::Path) -> Result<()> {
    let window = system_dialog("Save").await?;
    // It draws its file name after it shows: that name is to be replaced.
    window_still(&window).await?;
    app.screenshot("export").await?;
    xdotool(&["windowfocus", "--sync", &window]).await?;
    xdotool(&["key", "--clearmodifiers", "ctrl+a"]).await?;
    xdotool(&["type", "--delay", "5", &path.display().to_string()]).await?;
    xdotool(&["key", "Return"]).await?;
    Ok(())
}

/// Waits until the window shows `words` (a toast's, which has no test id).
async fn wait_for_words(app: &App, words: &str) -> Result<()> {
    wait_until(format!("the words \"{words}\""), || async {
        let text = app
            .client()
            .execute("return document.body.innerText;", vec![])
            .await
            .map_err(failed)?;
        Ok(text.as_str().is_some_and(|text| text.contains(words)))
    })
    .await
}

/// Exports as CSV with the `{export}-csv` button to `path`, as a person
/// would through the save dialog; answers the file's text once Rust has
/// read what it needs from Atlas and written the file whole.
async fn export_csv(app: &App, export: &str, path: &std::path::Path) -> Result<String> {
    app.click(&format!("{export}-csv")).await?;
    save_in_dialog(app, path).await?;
    wait_for("the export to be written", e2e::UI_TIMEOUT, || async {
        Ok((app.attr(export, "data-busy").await? == "false")
            .then(|| std::fs::read_to_string(path).ok())
            .flatten())
    })
    .await
}
