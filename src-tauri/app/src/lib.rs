//! The Tauri application: window, commands and state. Thin by design: each
//! command validates its input, calls `atlas-access-core` and maps errors.

mod commands;
mod error;
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
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::roles,
            commands::connections::list_profiles,
            commands::connections::save_profile,
            commands::connections::delete_profile,
            commands::connections::test_connection,
            commands::connections::import_atlas_cli,
            commands::connections::connect,
            commands::connections::select_org,
            commands::keys::load_key_list,
            commands::keys::load_inventory,
            commands::keys::check_access_entries,
            commands::keys::create_org_key,
            commands::keys::copy_private_key,
            commands::keys::forget_private_key,
            commands::keys::update_org_key,
            commands::keys::delete_org_key,
            commands::keys::get_access_list,
            commands::keys::add_access_entries,
            commands::keys::current_ip,
            commands::keys::check_entry_removal,
            commands::keys::delete_access_entry,
            commands::organization::org_settings,
            commands::organization::check_require_access_list,
            commands::organization::set_require_access_list,
            commands::projects::list_project_keys,
            commands::projects::invite_key_to_project,
            commands::projects::update_project_roles,
            commands::projects::remove_key_from_project,
            commands::projects::create_project_key,
            commands::projects::invite_to_projects,
        ])
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
