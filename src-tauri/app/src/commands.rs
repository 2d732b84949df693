//! The `#[tauri::command]`s the UI calls through `ui/src/api.ts`.

use atlas_access_core::keychain::{self, KeychainStatus};
use serde::Serialize;
use ts_rs::TS;

use crate::CommandError;

/// What the app is and whether the things it relies on are there.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub keychain: KeychainStatus,
}

#[tauri::command]
pub async fn app_info() -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        keychain: keychain::probe().await,
    })
}
