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
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state::AppState::new(profiles))
        .setup(|app| {
            webview::configure(app);
            Ok(())
        })
        .invoke_handler(ipc::handler())
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the app could not start");
        std::process::exit(1);
    }
}

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
