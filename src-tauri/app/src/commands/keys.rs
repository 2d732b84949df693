//! Organization Access Manager: the keys of an organization, creating one
//! (its private key shown once), editing, deleting, and its access list.

use atlas_access_core::access_list::{self, CheckedEntry};
use atlas_access_core::atlas::{AccessListEntry, ApiKey};
use atlas_access_core::lockout::{self, LockoutCheck};
use atlas_access_core::roles::RoleScope;
use atlas_access_core::usecases::{
    self, INVENTORY_CONCURRENCY, Inventory, NewOrgKey, ProjectRoles, StepOutcome,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;

use super::{check_description, check_roles, progress_sender};
use crate::one_time::{clear_after, fingerprint, fingerprint_text};
use crate::state::AppState;
use crate::{CommandError, ErrorKind};

/// Sent when the clipboard was cleared of a private key.
pub const CLIPBOARD_CLEARED_EVENT: &str = "clipboard-cleared";

#[tauri::command]
pub async fn load_inventory(
    app: AppHandle,
    state: State<'_, AppState>,
    org_id: String,
) -> Result<Inventory, CommandError> {
    let session = state.session().await?;
    let progress = progress_sender(&app, "inventory");
    Ok(
        usecases::load_inventory(&session.client, &org_id, INVENTORY_CONCURRENCY, &progress)
            .await?,
    )
}

/// The organization's keys and projects without their access lists: the
/// keys table shows at once, and `load_inventory` fills the lists in.
#[tauri::command]
pub async fn load_key_list(
    state: State<'_, AppState>,
    org_id: String,
) -> Result<Inventory, CommandError> {
    let session = state.session().await?;
    Ok(usecases::load_key_list(&session.client, &org_id).await?)
}

/// Checks typed or pasted entries against a key's current list, line by line.
#[tauri::command]
pub fn check_access_entries(text: String, existing: Vec<AccessListEntry>) -> Vec<CheckedEntry> {
    access_list::check(&text, &existing)
}

/// Refuses text with any invalid entry, naming each one.
fn valid_requests(
    checked: &[CheckedEntry],
) -> Result<Vec<atlas_access_core::atlas::AccessListRequest>, CommandError> {
    let errors: Vec<String> = checked
        .iter()
        .filter(|entry| entry.error.is_some())
        .map(|entry| entry.messages.join(" "))
        .collect();
    if !errors.is_empty() {
        return Err(CommandError::invalid(format!(
            "Fix the access list first: {}",
            errors.join(" ")
        )));
    }
    Ok(access_list::requests(checked))
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewOrgKeyInput {
    pub desc: String,
    pub roles: Vec<String>,
    /// Entries as typed or pasted; may be empty.
    pub access_list: String,
    pub projects: Vec<ProjectRoles>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOutcome {
    pub project_id: String,
    pub outcome: StepOutcome,
}

/// A new key and its private key, sent to the UI this once for display.
/// No `Debug`: nothing may print it; the private key is zeroed when the
/// view is dropped, right after it is serialized.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatedKeyView {
    pub key: ApiKey,
    #[ts(type = "string")]
    pub private_key: ShownOnce,
    pub access_list: StepOutcome,
    pub invitations: Vec<ProjectOutcome>,
}

/// A new private key on its way to its one-time display: serialized as its
/// text (the one place it is written out), zeroed when dropped.
pub struct ShownOnce(pub SecretString);

impl Serialize for ShownOnce {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

#[tauri::command]
pub async fn create_org_key(
    state: State<'_, AppState>,
    org_id: String,
    input: NewOrgKeyInput,
) -> Result<CreatedKeyView, CommandError> {
    let desc = check_description(&input.desc)?;
    let roles = check_roles(&input.roles, RoleScope::Organization)?;
    let access_list = valid_requests(&access_list::check(&input.access_list, &[]))?;
    let mut projects = Vec::with_capacity(input.projects.len());
    for project in input.projects {
        projects.push(ProjectRoles {
            roles: check_roles(&project.roles, RoleScope::Project)?,
            project_id: project.project_id,
        });
    }
    let session = state.session().await?;
    let plan = NewOrgKey {
        desc,
        roles,
        access_list,
        projects,
    };
    let outcome = usecases::create_org_key_with_setup(&session.client, &org_id, &plan).await?;
    tracing::info!(key = %outcome.created.key.public_key, "organization key created");
    let private_key = ShownOnce(SecretString::from(
        outcome.created.private_key.expose_secret(),
    ));
    state
        .one_time
        .keep(&outcome.created.key.id, outcome.created.private_key);
    Ok(CreatedKeyView {
        key: outcome.created.key,
        private_key,
        access_list: outcome.access_list,
        invitations: outcome
            .invitations
            .into_iter()
            .map(|(project_id, outcome)| ProjectOutcome {
                project_id,
                outcome,
            })
            .collect(),
    })
}

/// Copies a new key's private key through Rust, and clears the clipboard
/// later if it still holds the key. Answers the seconds until then.
#[tauri::command]
pub async fn copy_private_key(
    app: AppHandle,
    state: State<'_, AppState>,
    key_id: String,
) -> Result<u64, CommandError> {
    let (copied, fingerprint) = state.one_time.with(&key_id, |secret| {
        (
            app.clipboard()
                .write_text(secret.expose_secret().to_owned()),
            fingerprint(secret),
        )
    })?;
    copied.map_err(|error| {
        CommandError::internal(format!("The clipboard could not be written: {error}"))
    })?;
    let delay = clear_after();
    let clearing_app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(delay).await;
        let still_there = clearing_app
            .clipboard()
            .read_text()
            .is_ok_and(|text| fingerprint_text(&text) == fingerprint);
        if still_there {
            match clearing_app.clipboard().clear() {
                Ok(()) => tracing::info!("clipboard cleared of a private key"),
                Err(error) => tracing::warn!(%error, "clipboard could not be cleared"),
            }
        }
        let _ = clearing_app.emit(CLIPBOARD_CLEARED_EVENT, key_id);
    });
    Ok(delay.as_secs())
}

/// The one-time dialog closed: the private key is dropped and zeroed.
#[tauri::command]
pub fn forget_private_key(state: State<'_, AppState>, key_id: String) {
    state.one_time.forget(&key_id);
}

#[tauri::command]
pub async fn update_org_key(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
    desc: String,
    roles: Vec<String>,
) -> Result<ApiKey, CommandError> {
    let desc = check_description(&desc)?;
    let roles = check_roles(&roles, RoleScope::Organization)?;
    let session = state.session().await?;
    Ok(session
        .client
        .update_org_key(&org_id, &key_id, Some(&desc), Some(&roles))
        .await?)
}

#[tauri::command]
pub async fn delete_org_key(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
) -> Result<(), CommandError> {
    let session = state.session().await?;
    if key_id == session.key_in_use_id {
        return Err(CommandError::new(
            ErrorKind::Lockout,
            "This is the key this connection uses: deleting it would lock the app out. Use another connection to delete it.",
        ));
    }
    session.client.delete_org_key(&org_id, &key_id).await?;
    tracing::info!(key = %key_id, "organization key deleted");
    Ok(())
}

#[tauri::command]
pub async fn get_access_list(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
) -> Result<Vec<AccessListEntry>, CommandError> {
    let session = state.session().await?;
    Ok(session.client.list_access_list(&org_id, &key_id).await?)
}

/// What adding entries did: every line's check, and the key's list after.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddEntriesReport {
    pub checked: Vec<CheckedEntry>,
    /// How many entries were sent.
    pub added: usize,
    pub entries: Vec<AccessListEntry>,
}

/// Adds the valid lines; the invalid ones are reported, not sent.
#[tauri::command]
pub async fn add_access_entries(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
    text: String,
) -> Result<AddEntriesReport, CommandError> {
    let session = state.session().await?;
    let existing = session.client.list_access_list(&org_id, &key_id).await?;
    let checked = access_list::check(&text, &existing);
    if checked.is_empty() {
        return Err(CommandError::invalid(
            "Enter an IP address or a CIDR block, such as 203.0.113.10 or 192.0.2.0/24.",
        ));
    }
    let requests = access_list::requests(&checked);
    if requests.is_empty() {
        return Ok(AddEntriesReport {
            checked,
            added: 0,
            entries: existing,
        });
    }
    let entries = session
        .client
        .add_access_entries(&org_id, &key_id, &requests)
        .await?;
    tracing::info!(key = %key_id, added = requests.len(), "access-list entries added");
    Ok(AddEntriesReport {
        checked,
        added: requests.len(),
        entries,
    })
}

/// The address Atlas sees this computer as.
#[tauri::command]
pub async fn current_ip(state: State<'_, AppState>) -> Result<String, CommandError> {
    let session = state.session().await?;
    Ok(session.client.current_ip().await?)
}

#[tauri::command]
pub async fn check_entry_removal(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
    entry: String,
) -> Result<LockoutCheck, CommandError> {
    let session = state.session().await?;
    Ok(lockout::check_entry_removal(&session.client, &org_id, &key_id, &entry).await?)
}

/// Removes one entry, unless the lockout guard says it would lock out the
/// key in use. Answers the key's list after.
#[tauri::command]
pub async fn delete_access_entry(
    state: State<'_, AppState>,
    org_id: String,
    key_id: String,
    entry: String,
) -> Result<Vec<AccessListEntry>, CommandError> {
    let session = state.session().await?;
    let check = lockout::check_entry_removal(&session.client, &org_id, &key_id, &entry).await?;
    if let Some(blocking) = check.blocking {
        return Err(CommandError::new(ErrorKind::Lockout, blocking));
    }
    session
        .client
        .delete_access_entry(&org_id, &key_id, &entry)
        .await?;
    tracing::info!(key = %key_id, %entry, "access-list entry removed");
    Ok(session.client.list_access_list(&org_id, &key_id).await?)
}
