//! The app shell: the window opens on the built UI, the side navigation
//! switches sections, and `app_info` answers through every layer.

use e2e::App;

#[tokio::test(flavor = "multi_thread")]
async fn shell_opens_and_reports_app_info() -> e2e::Result<()> {
    App::launch().await?.run("shell", check_shell).await
}

async fn check_shell(app: &App) -> e2e::Result<()> {
    app.find("app-shell").await?;
    assert_eq!(app.client().title().await?, "Atlas Access Manager");
    assert_eq!(app.text("active-connection").await?, "No connection");
    app.find("page-organization").await?;
    app.screenshot("shell").await?;

    for section in ["project", "connections", "organization"] {
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
    app.screenshot("settings").await?;
    Ok(())
}
