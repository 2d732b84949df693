//! The Tauri application: window, commands and state. Thin by design: each
//! command takes the session, calls one use case of `atlas-access-core` and
//! maps its error. The commands are declared once, in `surface.rs`.

mod commands;
mod error;
mod ipc;
mod one_time;
mod state;
mod webview;

use atlas_access_core::profiles::ProfileStore;

pub use commands::AppInfo;
pub use error::{CommandError, ErrorKind};

/// Starts the app; returns when the last window closes. Call it first thing
/// in `main`: it sets the web engine's environment before any thread starts.
pub fn run() {
    webview::prepare_environment();
    init_tracing();
    let profiles = match ProfileStore::in_config_dir() {
        Ok(store) => store,
        Err(error) => {
            tracing::error!(%error, "no place for the connections file");
            std::process::exit(1);
        }
    };
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state::AppState::new(profiles))
        .setup(|app| {
            webview::configure(app);
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
            }
        }),
        Err(error) => {
            tracing::error!(%error, "the app could not start");
            std::process::exit(1);
        }
    }
}

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

#[cfg(not(unix))]
fn quit_on_signal(_app: tauri::AppHandle) {}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AAM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_tests;
