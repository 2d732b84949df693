//! The app as a desktop app: one instance, its window where it was left,
//! light or dark as chosen, usable with the keyboard alone, accessible, and
//! diagnostics a user can hand in without a secret in them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use e2e::{App, HarnessError, Result, check, clipboard, wait_until};

/// WebDriver's key codes.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const SPACE: &str = "\u{E00D}";

#[tokio::test(flavor = "multi_thread")]
async fn a_second_start_shows_the_open_window_and_ends() -> Result<()> {
    App::launch()
        .await?
        .run("single-instance", second_start)
        .await
}

async fn second_start(app: &App) -> Result<()> {
    app.find("keys-table").await?;
    let before = app.app_processes().len();
    let second = app.start_again(&[]).await?;
    check(
        second.status.success(),
        format!("the second start ended with {}", second.status),
    )?;
    // The open app heard it and showed its window; nothing more runs.
    wait_until("the open app did not hear of the second start", || async {
        Ok(app.log().contains("started again: showing the open window"))
    })
    .await?;
    check(
        app.app_processes().len() == before,
        "the second start left a process running",
    )?;
    check(
        app.log().matches("built-in sandbox started").count() == 1,
        "a second sandbox started",
    )?;
    // The open window still answers.
    app.click("nav-settings").await?;
    app.find("about-card").await?;

    // `--version` answers without a window, from the workspace's version.
    let version = app.start_again(&["--version"]).await?;
    check(
        String::from_utf8_lossy(&version.stdout).trim()
            == format!("Atlas Access Manager {}", env!("CARGO_PKG_VERSION")),
        format!(
            "--version printed {:?}",
            String::from_utf8_lossy(&version.stdout)
        ),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_opens_where_and_as_large_as_it_was_left() -> Result<()> {
    let (x, y, width, height): (u32, u32, u32, u32) = (48, 36, 1100, 680);
    let home = App::launch()
        .await?
        .run_keeping_home("window-state", async |app: &App| {
            app.find("keys-table").await?;
            app.client().set_window_rect(x, y, width, height).await?;
            let (_, _, set_width, set_height) = app.client().get_window_rect().await?;
            check(
                (set_width, set_height) == (u64::from(width), u64::from(height)),
                format!("the window did not take its new size: {set_width}×{set_height}"),
            )?;
            // Quit as the desktop ends a session: the app saves on its way out.
            app.quit_as_the_session_ends().await
        })
        .await?;
    let saved = std::fs::read_to_string(
        home.path()
            .join("config/atlas-access-manager/window-state.json"),
    )
    .map_err(|error| HarnessError::Check(format!("no window-state.json: {error}")))?;
    check(
        saved.contains(&format!("\"width\": {width}")),
        format!("window-state.json: {saved}"),
    )?;

    App::launch_in(home, &[])
        .await?
        .run("window-state-restored", async |app: &App| {
            app.find("keys-table").await?;
            let (now_x, now_y, now_width, now_height) = app.client().get_window_rect().await?;
            check(
                (now_width, now_height) == (u64::from(width), u64::from(height)),
                format!("opened at {now_width}×{now_height}, left at {width}×{height}"),
            )?;
            check(
                (now_x, now_y) == (u64::from(x), u64::from(y)),
                format!("opened at ({now_x}, {now_y}), left at ({x}, {y})"),
            )
        })
        .await
}

/// Picks System, Light or Dark under About.
async fn choose_appearance(app: &App, appearance: &str) -> Result<()> {
    app.click("appearance").await?;
    app.click(&format!("appearance-{appearance}")).await
}

/// The page's background colour, as the browser computed it.
async fn page_background(app: &App) -> Result<String> {
    let colour = app
        .client()
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await?;
    Ok(colour.as_str().unwrap_or_default().to_owned())
}

async fn desktop_prefers_dark(app: &App) -> Result<bool> {
    let dark = app
        .client()
        .execute(
            "return window.matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    Ok(dark.as_bool().unwrap_or(false))
}

const LIGHT_PAGE: &str = "rgb(249, 251, 250)";
const DARK_PAGE: &str = "rgb(0, 30, 43)";

async fn wait_for_background(app: &App, colour: &str) -> Result<()> {
    wait_until(
        format!("the page's background never became {colour}"),
        || async { Ok(page_background(app).await? == colour) },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn dark_mode_follows_the_desktop_or_the_choice_and_is_kept() -> Result<()> {
    let home = App::launch()
        .await?
        .run_keeping_home("appearance", async |app: &App| {
            app.find("keys-table").await?;
            // Xvfb's desktop asks for nothing: System is light.
            wait_for_background(app, LIGHT_PAGE).await?;
            app.click("nav-settings").await?;
            choose_appearance(app, "dark").await?;
            wait_for_background(app, DARK_PAGE).await?;
            check(
                desktop_prefers_dark(app).await?,
                "the window (GTK) was not made dark",
            )?;
            app.screenshot("about-dark").await?;
            app.check_accessibility("About, dark").await?;
            app.click("nav-organization").await?;
            app.find("keys-table").await?;
            app.screenshot("organization-api-keys-dark").await?;
            app.check_accessibility("Organization Access, dark").await?;
            app.click("nav-review").await?;
            app.find_css("[data-testid^='finding-']").await?;
            app.check_accessibility("Access Review, dark").await?;
            Ok(())
        })
        .await?;

    // Kept: the next start is dark from the first screen; System goes back
    // to the desktop's light.
    let home = App::launch_in(home, &[])
        .await?
        .run_keeping_home("appearance-kept", async |app: &App| {
            app.find("keys-table").await?;
            wait_for_background(app, DARK_PAGE).await?;
            app.click("nav-settings").await?;
            choose_appearance(app, "system").await?;
            wait_for_background(app, LIGHT_PAGE).await?;
            check(
                !desktop_prefers_dark(app).await?,
                "System kept the window dark",
            )
        })
        .await?;

    // A desktop with a dark theme: System is dark, Light is light.
    App::launch_in(home, &[("GTK_THEME", "Adwaita:dark")])
        .await?
        .run("appearance-system-dark", async |app: &App| {
            app.find("keys-table").await?;
            wait_for_background(app, DARK_PAGE).await?;
            app.click("nav-settings").await?;
            choose_appearance(app, "light").await?;
            wait_for_background(app, LIGHT_PAGE).await
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_main_screen_passes_an_accessibility_check_and_tab_reaches_each_control() -> Result<()>
{
    App::launch()
        .await?
        .run("accessibility", async |app: &App| {
            app.find("keys-table").await?;
            app.check_accessibility("Organization Access: API keys")
                .await?;
            app.check_keyboard_reach("Organization Access: API keys")
                .await?;
            app.click_css("[data-testid='keys-table'] [data-testid^='key-open-']")
                .await?;
            app.find("access-list").await?;
            app.check_accessibility("API key details").await?;
            app.check_keyboard_reach("API key details").await?;

            app.click("nav-organization").await?;
            app.click("tab-service-accounts").await?;
            app.find("service-accounts-table").await?;
            app.check_accessibility("Organization Access: service accounts")
                .await?;
            app.check_keyboard_reach("Organization Access: service accounts")
                .await?;
            app.click_css("[data-testid='service-accounts-table'] [data-testid^='sa-open-']")
                .await?;
            app.find("sa-details").await?;
            app.check_accessibility("Service account details").await?;
            app.check_keyboard_reach("Service account details").await?;

            for (section, ready, name) in [
                ("project", "[data-testid='page-project']", "Project Access"),
                ("activity", "[data-testid='activity-row']", "Activity"),
                ("review", "[data-testid^='finding-']", "Access Review"),
                (
                    "org-settings",
                    "[data-testid='page-org-settings']",
                    "Organization Settings",
                ),
                (
                    "connections",
                    "[data-testid='page-connections']",
                    "Connections",
                ),
                ("settings", "[data-testid='about-card']", "About"),
            ] {
                app.click(&format!("nav-{section}")).await?;
                app.find_css(ready).await?;
                app.settled().await?;
                app.check_accessibility(name).await?;
                app.check_keyboard_reach(name).await?;
            }

            app.click("nav-organization").await?;
            app.click("create-key").await?;
            app.find("create-desc").await?;
            app.check_accessibility("Create API Key").await?;
            Ok(())
        })
        .await
}

/// Creates a key with the keyboard alone: Tab to each control, type, Space
/// to tick, Enter to press; the one-time dialog keeps the focus inside it
/// and is closed with keys too.
#[tokio::test(flavor = "multi_thread")]
async fn create_a_key_and_close_its_one_time_dialog_with_the_keyboard_alone() -> Result<()> {
    App::launch()
        .await?
        .run("keyboard", async |app: &App| {
            app.find("keys-table").await?;
            app.tab_to_visibly("create-key", 60).await?;
            app.press(ENTER).await?;
            app.find("create-desc").await?;
            // The dialog puts the focus inside it.
            app.tab_to("create-desc", false, 5).await?;
            app.press("Keyboard-made key").await?;
            app.tab_to_visibly("create-roles-ORG_MEMBER", 10).await?;
            app.press(SPACE).await?;
            app.tab_to("create-access", false, 20).await?;
            app.press("203.0.113.60").await?;
            app.tab_to_visibly("create-submit", 40).await?;
            app.screenshot("keyboard-create-key").await?;
            app.press(ENTER).await?;

            let private_key = app
                .wait_text("one-time-private-key", |text| text.len() == 36)
                .await?;
            app.remember_secret(&private_key);
            // Focus stays in the dialog: Tab many times, it never leaves.
            for _ in 0..15 {
                app.press(TAB).await?;
                let focus = app
                    .client()
                    .execute(
                        "const el = document.activeElement;
                         const inside = el !== null && el.closest('dialog, [role=dialog]') !== null;
                         return inside ? '' : (el ? el.outerHTML.slice(0, 200) : 'nothing');",
                        vec![],
                    )
                    .await?;
                let outside = focus.as_str().unwrap_or_default();
                check(
                    outside.is_empty(),
                    format!("Tab left the one-time dialog for {outside}"),
                )?;
            }
            // Escape does not close it before the confirmation.
            app.press(ESCAPE).await?;
            app.find("one-time-private-key").await?;
            app.tab_to_visibly("one-time-confirm", 15).await?;
            app.press(SPACE).await?;
            app.tab_to_visibly("one-time-close", 15).await?;
            app.press(ENTER).await?;
            app.wait_gone("one-time-private-key").await?;
            app.find_css("[data-testid^='key-row-']").await?;
            let rows = app.text("keys-table").await?;
            check(
                rows.contains("Keyboard-made key"),
                "the new key is in the table",
            )
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn diagnostics_are_copied_and_hold_no_secret() -> Result<()> {
    App::launch()
        .await?
        .run("diagnostics", async |app: &App| {
            app.find("keys-table").await?;
            // A key made in this run: its private key must not be in them.
            app.click("create-key").await?;
            app.type_into("create-desc", "Diagnostics check").await?;
            app.toggle("create-roles-ORG_MEMBER").await?;
            app.click("create-submit").await?;
            let private_key = app
                .wait_text("one-time-private-key", |text| text.len() == 36)
                .await?;
            app.remember_secret(&private_key);
            app.toggle("one-time-confirm").await?;
            app.click("one-time-close").await?;
            app.wait_gone("one-time-private-key").await?;

            app.click("nav-settings").await?;
            app.click("copy-diagnostics").await?;
            let shown = app
                .wait_text("diagnostics-text", |text| !text.is_empty())
                .await?;
            app.screenshot("diagnostics").await?;
            let copied = clipboard().await;
            check(
                copied.trim() == shown.trim(),
                "the page shows what was copied",
            )?;
            for part in [
                format!("Atlas Access Manager {}", env!("CARGO_PKG_VERSION")),
                "OS: ".to_owned(),
                "Web engine: WebKitGTK 2.".to_owned(),
                "Connection: API key at http://127.0.0.1:".to_owned(),
                "Last ".to_owned(),
                "created".to_owned(),
            ] {
                check(copied.contains(&part), format!("no {part:?} in {copied}"))?;
            }
            check(
                !copied.contains(&private_key),
                "the new key's private key is in the diagnostics",
            )?;
            check(
                !copied.contains("mdb_sa_sk_"),
                "a client secret is in the diagnostics",
            )
        })
        .await
}
