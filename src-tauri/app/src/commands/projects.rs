//! Project Access Manager: a project's keys and their roles, inviting
//! organization keys (one project or many), project keys.

use atlas_access_core::atlas::ApiKey;
use atlas_access_core::roles::RoleScope;
use atlas_access_core::usecases::{self, INVITE_CONCURRENCY, StepOutcome};
use secrecy::{ExposeSecret, SecretString};
use tauri::{AppHandle, State};

use super::keys::{CreatedKeyView, ProjectOutcome, ShownOnce};
use super::{check_description, check_roles, progress_sender};
use crate::state::AppState;
use crate::{CommandError, ErrorKind};

#[tauri::command]
pub async fn list_project_keys(
    state: State<'_, AppState>,
    project_id: String,
) -> Result<Vec<ApiKey>, CommandError> {
    let session = state.session().await?;
    Ok(session.client.list_project_keys(&project_id).await?)
}

/// Gives an organization key roles in a project (Atlas's "Invite to Project").
#[tauri::command]
pub async fn invite_key_to_project(
    state: State<'_, AppState>,
    project_id: String,
    key_id: String,
    roles: Vec<String>,
) -> Result<(), CommandError> {
    let roles = check_roles(&roles, RoleScope::Project)?;
    let session = state.session().await?;
    session
        .client
        .invite_key_to_project(&project_id, &key_id, &roles)
        .await?;
    tracing::info!(project = %project_id, key = %key_id, "key invited to project");
    Ok(())
}

#[tauri::command]
pub async fn update_project_roles(
    state: State<'_, AppState>,
    project_id: String,
    key_id: String,
    roles: Vec<String>,
) -> Result<ApiKey, CommandError> {
    let roles = check_roles(&roles, RoleScope::Project)?;
    let session = state.session().await?;
    Ok(session
        .client
        .update_project_key_roles(&project_id, &key_id, &roles)
        .await?)
}

#[tauri::command]
pub async fn remove_key_from_project(
    state: State<'_, AppState>,
    project_id: String,
    key_id: String,
) -> Result<(), CommandError> {
    let session = state.session().await?;
    session
        .client
        .remove_key_from_project(&project_id, &key_id)
        .await?;
    tracing::info!(project = %project_id, key = %key_id, "key removed from project");
    Ok(())
}

/// Creates a project key; its private key is shown once, like an
/// organization key's. It has no access list yet: the UI goes there next.
#[tauri::command]
pub async fn create_project_key(
    state: State<'_, AppState>,
    org_id: String,
    project_id: String,
    desc: String,
    roles: Vec<String>,
) -> Result<CreatedKeyView, CommandError> {
    let desc = check_description(&desc)?;
    let roles = check_roles(&roles, RoleScope::Project)?;
    let session = state.session().await?;
    let created = session
        .client
        .create_project_key(&org_id, &project_id, &desc, &roles)
        .await?;
    tracing::info!(key = %created.key.public_key, project = %project_id, "project key created");
    let private_key = ShownOnce(SecretString::from(created.private_key.expose_secret()));
    state.one_time.keep(&created.key.id, created.private_key);
    Ok(CreatedKeyView {
        key: created.key,
        private_key,
        access_list: StepOutcome::Skipped,
        invitations: Vec::new(),
    })
}

/// Invites one key to many projects with the same roles; progress goes out
/// as `progress` events (`invite`), and every project gets its own result.
#[tauri::command]
pub async fn invite_to_projects(
    app: AppHandle,
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
    project_ids: Vec<String>,
    roles: Vec<String>,
) -> Result<Vec<ProjectOutcome>, CommandError> {
    if project_ids.is_empty() {
        return Err(CommandError::new(
            ErrorKind::InvalidInput,
            "Choose at least one project.",
        ));
    }
    let roles = check_roles(&roles, RoleScope::Project)?;
    let session = state.session().await?;
    let progress = progress_sender(&app, "invite");
    let results = usecases::invite_to_projects(
        &session.client,
        &org_id,
        &key_id,
        &project_ids,
        &roles,
        INVITE_CONCURRENCY,
        &progress,
    )
    .await?;
    Ok(results
        .into_iter()
        .map(|(project_id, outcome)| ProjectOutcome {
            project_id,
            outcome,
        })
        .collect())
}
