//! Saved connections: a wrong key, the open connection edited or deleted, the clipboard at quit, a
//! server that is not Atlas.

use super::*;

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
        .map_err(io("run secret-tool"))?;
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
        .map_err(io("run secret-tool"))?;
    check(gone.stdout.is_empty(), "the keychain entry is gone")?;

    // Importing the Atlas CLI's profiles: the private key goes to the
    // keychain, never into the app's files (checked after the run).
    const CLI_SECRET: &str = "8d3e5a0b-41f6-4c2d-9e7a-6b1c0f2d4e93";
    app.remember_secret(CLI_SECRET);
    let cli_dir = app.data_home().join("config/atlascli");
    std::fs::create_dir_all(&cli_dir).map_err(io("make the Atlas CLI's folder"))?;
    std::fs::write(
        cli_dir.join("config.toml"),
        format!(
            "[ci]\n  public_api_key = \"{public_key}\"\n  private_api_key = \"{CLI_SECRET}\"\n  ops_manager_url = \"{base_url}/\"\n"
        ),
    )
    .map_err(io("write the Atlas CLI's config"))?;
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
        .map_err(io("run secret-tool"))?;
    check(
        String::from_utf8_lossy(&stored.stdout) == CLI_SECRET,
        "the imported private key is in the keychain",
    )?;
    // The CLI's own file holds it, as the CLI wrote it: not the app's to check.
    std::fs::remove_file(cli_dir.join("config.toml"))
        .map_err(io("remove the Atlas CLI's config"))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn flow8_editing_or_deleting_the_open_connection_closes_it_and_says_why() -> Result<()> {
    launch()
        .await?
        .run("flow8-session-closed", open_connection_changes)
        .await
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
async fn flow10_a_copied_key_does_not_outlive_the_app() -> Result<()> {
    let _clipboard = CLIPBOARD_TURN.lock().await;
    launch().await?.run("flow10-quit-clears", quit_clears).await
}

/// A clipboard manager as simple ones work: whatever appears on the
/// clipboard, it takes over and keeps serving after its first owner quits.
/// Runs until `stop` is set (failing after a minute); keeps in `taken` what
/// it took over.
async fn clipboard_manager(stop: Arc<AtomicBool>, taken: Arc<Mutex<Vec<String>>>) -> Result<()> {
    wait_until("the clipboard manager to be stopped", || async {
        let text = clipboard().await;
        let new = !text.is_empty() && taken.lock().unwrap().last() != Some(&text);
        if new {
            own_clipboard(&text).await?;
            taken.lock().unwrap().push(text);
        }
        Ok(stop.load(Ordering::SeqCst))
    })
    .await
}

async fn quit_clears(app: &App) -> Result<()> {
    app.click("create-key").await?;
    app.type_into("create-desc", "E2E quit before the clear")
        .await?;
    app.toggle("create-roles-ORG_MEMBER").await?;
    app.click("create-submit").await?;
    let private_key = one_time_secret(app).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let taken = Arc::new(Mutex::new(Vec::new()));
    let manager = tokio::spawn(clipboard_manager(stop.clone(), taken.clone()));
    app.click("one-time-copy").await?;
    // Quit before the clipboard's timed clear: the key must go all the same,
    // even from the manager that took it over.
    let copied = Instant::now();
    wait_until("the clipboard manager to take the key over", || async {
        Ok(taken.lock().unwrap().contains(&private_key))
    })
    .await?;
    app.quit_as_the_session_ends().await?;
    check(
        copied.elapsed() < Duration::from_secs(CLIPBOARD_CLEAR_SECS),
        format!("quit within the clear delay ({:?})", copied.elapsed()),
    )?;
    wait_until("the key to leave the clipboard at quit", || async {
        Ok(clipboard().await != private_key)
    })
    .await?;
    // With the manager stopped, nothing changes the clipboard any more.
    stop.store(true, Ordering::SeqCst);
    manager
        .await
        .map_err(|error| HarnessError::Check(error.to_string()))??;
    check(
        clipboard().await != private_key,
        "the key is not on the clipboard after quit",
    )
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
