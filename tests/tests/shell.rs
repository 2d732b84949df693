//! The app shell: the window opens on the built-in sandbox with its demo
//! organization, every section opens, and `app_info` answers through every layer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use e2e::App;

#[tokio::test(flavor = "multi_thread")]
async fn shell_opens_on_the_sandbox_and_reports_app_info() -> e2e::Result<()> {
    App::launch().await?.run("shell", check_shell).await
}

async fn check_shell(app: &App) -> e2e::Result<()> {
    app.find("app-shell").await?;
    // First start: the built-in sandbox is opened and its demo keys listed.
    app.find("keys-table").await?;
    assert_eq!(app.text("active-connection").await?, "Sandbox (built in)");
    let title = app.client().title().await?;
    assert!(
        title.starts_with("Sandbox (built in) · Acme Corp"),
        "window title: {title}"
    );
    app.screenshot("organization-api-keys").await?;

    // The organization switcher: every organization the key sees.
    app.click("org-switcher").await?;
    app.click_text("Acme Research").await?;
    app.wait_text("keys-table", |text| text.contains("ML pipeline trainer"))
        .await?;
    let title = app.client().title().await?;
    assert!(
        title.starts_with("Sandbox (built in) · Acme Research"),
        "window title: {title}"
    );
    app.click("org-switcher").await?;
    app.click_text("Acme Corp").await?;
    app.wait_text("keys-table", |text| text.contains("Terraform CI"))
        .await?;

    for section in ["project", "org-settings", "connections", "organization"] {
        app.click(&format!("nav-{section}")).await?;
        app.find(&format!("page-{section}")).await?;
    }

    app.click("nav-settings").await?;
    app.find("page-settings").await?;
    assert_eq!(app.text("app-version").await?, env!("CARGO_PKG_VERSION"));
    // The test session runs a real, unlocked gnome-keyring: the probe reaches it.
    let keychain = app.text("keychain-status").await?;
    // Badges are uppercased by CSS, and WebDriver reports the rendered text.
    assert!(
        keychain.eq_ignore_ascii_case("reachable"),
        "keychain status: {keychain}"
    );
    app.screenshot("about").await?;

    // The web process runs JavaScript without a JIT: the app set that for it
    // (the harness does not), and it inherits the app's environment.
    let web_process = app
        .app_processes()
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.starts_with("WebKitWebProces"))
        })
        .expect("the app's web process");
    let environment = std::fs::read(format!("/proc/{web_process}/environ"))
        .expect("the web process's environment");
    assert!(
        environment
            .split(|byte| *byte == 0)
            .any(|variable| variable == b"JSC_useJIT=0"),
        "the web process runs with the JIT"
    );
    Ok(())
}
