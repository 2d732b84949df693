//! The Tauri application: window, commands and state. Thin by design: each
//! command takes the session, calls one use case of `atlas-access-core` and
//! maps its error. The commands are declared once, in `surface.rs`.

mod cli;
mod commands;
mod error;
mod ipc;
mod log;
mod one_time;
mod state;
mod webview;

use atlas_access_core::credentials::profiles::ProfileStore;

pub use commands::AppInfo;
pub use error::{CommandError, ErrorKind};

/// The app's name, as `tauri.conf.json`'s `productName` gives it too (a test
/// checks); its version is the workspace's.
pub const PRODUCT_NAME: &str = "Atlas Access Manager";

/// Starts the app; returns when the last window closes. Call it first thing
/// in `main`: it sets the web engine's environment before any thread starts.
pub fn run() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some((text, status)) = cli::answer(PRODUCT_NAME, env!("CARGO_PKG_VERSION"), &args) {
        if status == 0 {
            println!("{text}");
        } else {
            eprintln!("{text}");
        }
        std::process::exit(status);
    }
    webview::prepare_environment();
    log::init();
    let profiles = match ProfileStore::in_config_dir() {
        Ok(store) => store,
        Err(error) => {
            tracing::error!(%error, "no place for the connections file");
            std::process::exit(1);
        }
    };
    // Beside the connections file: the app keeps one folder of settings.
    let window_state_file = profiles.path().with_file_name("window-state.json");
    let app = tauri::Builder::default()
        // First: a second start hands over to the open app before it builds
        // anything (a window, a sandbox) of its own. The plugin does this on
        // every desktop: D-Bus on Linux, a named mutex and a window message
        // on Windows, a socket on macOS.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("started again: showing the open window");
            show_main_window(app);
        }))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                // An absolute path: the plugin joins it to Tauri's config
                // folder, which it then replaces.
                .with_filename(window_state_file.to_string_lossy())
                .with_state_flags(remembered_window_state())
                .build(),
        )
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(profiles))
        .setup(|app| {
            webview::configure(app);
            use tauri::Manager;
            // An unreadable connections file found here is moved aside and
            // told on the Connections page (the store keeps where it went).
            let profiles = app.state::<state::AppState>().profiles.clone();
            let appearance =
                tauri::async_runtime::block_on(profiles.appearance()).unwrap_or_default();
            webview::apply_appearance(app.handle(), appearance);
            quit_on_signal(app.handle().clone());
            Ok(())
        })
        .invoke_handler(ipc::handler())
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|handle, event| {
            // Not at `Exit`: the clipboard plugin lets go of the clipboard then.
            if let tauri::RunEvent::ExitRequested { .. } = event {
                use tauri::Manager;
                let state = handle.state::<state::AppState>();
                state
                    .one_time
                    .clear_clipboard_on_exit(&ipc::TauriHost(handle.clone()));
                // A service account's token is revoked before the app goes,
                // as when the connection closes; a few seconds at most.
                tauri::async_runtime::block_on(async {
                    let closing = state.close_on_exit();
                    if tokio::time::timeout(EXIT_REVOKE_TIMEOUT, closing)
                        .await
                        .is_err()
                    {
                        tracing::warn!(
                            "the token was not revoked in time; it expires within the hour"
                        );
                    }
                });
            }
        }),
        Err(error) => {
            tracing::error!(%error, "the app could not start");
            std::process::exit(1);
        }
    }
}

/// How long quitting waits for Atlas to revoke a service account's token.
const EXIT_REVOKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Quits as if the window were closed when the session ends (SIGTERM,
/// SIGHUP) or Control+C is pressed in the terminal (SIGINT), so what runs at
/// exit (the clipboard's clear) runs then too.
#[cfg(unix)]
fn quit_on_signal(app: tauri::AppHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut terminate), Ok(mut hangup), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("no signal handler: a signal ends the app at once");
            return;
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = hangup.recv() => {}
            _ = interrupt.recv() => {}
        }
        tracing::info!("quitting on a signal");
        app.exit(0);
    });
}

/// Quits as if the window were closed when Windows tells the process to end:
/// its console is closed, Control+C or Control+Break is pressed in it, the
/// user logs off or the machine shuts down. A release build has no console,
/// and Windows then ends the session through the window, which Tauri turns
/// into `ExitRequested` as a close does.
#[cfg(windows)]
fn quit_on_signal(app: tauri::AppHandle) {
    use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close, ctrl_logoff, ctrl_shutdown};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut interrupt), Ok(mut brk), Ok(mut close), Ok(mut logoff), Ok(mut shutdown)) = (
            ctrl_c(),
            ctrl_break(),
            ctrl_close(),
            ctrl_logoff(),
            ctrl_shutdown(),
        ) else {
            tracing::warn!("no console handler: closing the console ends the app at once");
            return;
        };
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = brk.recv() => {}
            _ = close.recv() => {}
            _ = logoff.recv() => {}
            _ = shutdown.recv() => {}
        }
        tracing::info!("quitting on a console event");
        app.exit(0);
    });
}

#[cfg(not(any(unix, windows)))]
fn quit_on_signal(_app: tauri::AppHandle) {}

/// Where the window was, how large, and whether it filled the screen; not
/// whether it was hidden or had its decorations.
fn remembered_window_state() -> tauri_plugin_window_state::StateFlags {
    use tauri_plugin_window_state::StateFlags;
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED | StateFlags::FULLSCREEN
}

/// Brings the main window to the front, shown and not minimized.
fn show_main_window(app: &tauri::AppHandle) {
    use tauri::Manager;
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(error) = shown {
        tracing::warn!(%error, "the open window could not be shown");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The name and version come from one place each: the name from
    /// `PRODUCT_NAME` (and `productName`), the version from the workspace;
    /// what repeats them for people (the changelog, the metainfo) agrees.
    #[test]
    fn the_name_and_version_are_said_once() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(config["productName"], super::PRODUCT_NAME);
        assert!(
            config.get("version").is_none(),
            "tauri.conf.json takes the version from Cargo.toml: leave it out"
        );
        let version = env!("CARGO_PKG_VERSION");
        let changelog = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../CHANGELOG.md"));
        assert!(
            changelog.contains(&format!("## [{version}]")),
            "CHANGELOG.md has no section for {version}"
        );
        let metainfo = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../packaging/linux/io.github.atlas-access-manager.metainfo.xml"
        ));
        assert!(
            metainfo.contains(&format!("<release version=\"{version}\"")),
            "the AppStream metainfo has no release {version}"
        );
        assert!(metainfo.contains(&format!("<name>{}</name>", super::PRODUCT_NAME)));
    }

    /// WebView2 is Chromium: what Linux sets through WebKitGTK (no JIT, no
    /// GPU; `webview.rs`) it takes as arguments, and setting any replaces
    /// the arguments Tauri gives by default, so those are kept in the list.
    #[test]
    fn webview2_runs_without_a_jit_or_a_gpu_and_keeps_tauris_defaults() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let arguments = config["app"]["windows"][0]["additionalBrowserArgs"]
            .as_str()
            .unwrap();
        let arguments: Vec<&str> = arguments.split_whitespace().collect();
        for expected in [
            "--disable-features=msWebOOUI,msPdfOOUI,msSmartScreenProtection",
            "--js-flags=--jitless",
            "--disable-gpu",
        ] {
            assert!(arguments.contains(&expected), "{expected} in {arguments:?}");
        }
    }
}

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_tests;
