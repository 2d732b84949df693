//! The Tauri application: window, commands and state. Thin by design: each
//! command validates its input, calls `atlas-access-core` and maps errors.

mod commands;
mod error;

pub use commands::AppInfo;
pub use error::{CommandError, ErrorKind};

/// Starts the app; returns when the last window closes.
pub fn run() {
    init_tracing();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
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
