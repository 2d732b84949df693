//! Organization Settings: "Require IP Access List for the Atlas
//! Administration API", guarded against locking out the key in use.

use atlas_access_core::atlas::OrgSettings;
use atlas_access_core::lockout::{self, LockoutCheck};
use tauri::State;

use crate::state::AppState;
use crate::{CommandError, ErrorKind};

#[tauri::command]
pub async fn org_settings(
    state: State<'_, AppState>,
    org_id: String,
) -> Result<OrgSettings, CommandError> {
    let session = state.session().await?;
    Ok(session.client.org_settings(&org_id).await?)
}

/// Which keys turning the requirement on would lock out.
#[tauri::command]
pub async fn check_require_access_list(
    state: State<'_, AppState>,
    org_id: String,
) -> Result<LockoutCheck, CommandError> {
    let session = state.session().await?;
    Ok(lockout::check_require_access_list(&session.client, &org_id).await?)
}

/// Turns the requirement on or off; refuses to turn it on while the key in
/// use has no access list.
#[tauri::command]
pub async fn set_require_access_list(
    state: State<'_, AppState>,
    org_id: String,
    required: bool,
) -> Result<OrgSettings, CommandError> {
    let session = state.session().await?;
    if required {
        let check = lockout::check_require_access_list(&session.client, &org_id).await?;
        if let Some(blocking) = check.blocking {
            return Err(CommandError::new(ErrorKind::Lockout, blocking));
        }
    }
    let settings = session
        .client
        .set_api_access_list_required(&org_id, required)
        .await?;
    tracing::info!(org = %org_id, required, "organization access-list requirement changed");
    Ok(settings)
}
