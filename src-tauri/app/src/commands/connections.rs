//! Connections: profiles (the private key write-only, into the keychain),
//! testing one, importing the Atlas CLI's, and opening one.

use std::path::PathBuf;

use atlas_access_core::atlas::{AtlasClient, Organization};
use atlas_access_core::keychain::{self, KeychainError};
use atlas_access_core::profiles::{self, ImportedProfile, Profile, SANDBOX_PROFILE_ID};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use crate::CommandError;
use crate::state::{AppState, Session};

/// A profile as the Connections screen shows it. Never the private key:
/// only whether the keychain holds one.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    pub profile: Profile,
    pub built_in: bool,
    pub private_key_stored: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    pub profiles: Vec<ProfileView>,
    /// Set when the connections file was unreadable and moved aside.
    #[ts(optional)]
    pub problem: Option<String>,
}

/// What the Add/Edit Connection form sends. The private key is write-only:
/// left empty when editing, the stored one is kept.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    #[ts(optional)]
    pub id: Option<String>,
    pub name: String,
    pub base_url: String,
    pub public_key: String,
    #[ts(optional)]
    pub default_org_id: Option<String>,
    #[ts(optional, type = "string")]
    pub private_key: Option<SecretString>,
}

/// What a successful connection test found.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub public_key: String,
    pub orgs: Vec<Organization>,
}

/// An open connection as the UI needs it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub profile: Profile,
    pub orgs: Vec<Organization>,
    #[ts(optional)]
    pub org_id: Option<String>,
    pub key_in_use_id: String,
    pub key_in_use_public_key: String,
    /// The window title, which the page repeats as its own.
    pub title: String,
}

async fn view(profile: Profile) -> ProfileView {
    let built_in = profile.id == SANDBOX_PROFILE_ID;
    let private_key_stored = built_in || keychain::read_secret(&profile.id).await.is_ok();
    ProfileView {
        profile,
        built_in,
        private_key_stored,
    }
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, CommandError> {
    let (profiles, problem) = state.all_profiles().await?;
    let mut views = Vec::with_capacity(profiles.len());
    for profile in profiles {
        views.push(view(profile).await);
    }
    Ok(ProfileList {
        profiles: views,
        problem,
    })
}

fn new_profile_id(name: &str) -> String {
    let slug: String = name
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() || c == '-' || c == '_' {
                Some('-')
            } else {
                None
            }
        })
        .take(24)
        .collect();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    format!("{}-{:x}", slug.trim_matches('-'), nanos % 0xffff_ffff)
}

#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> Result<ProfileView, CommandError> {
    let public_key = input.public_key.trim().to_owned();
    if public_key.is_empty() || public_key.chars().any(char::is_whitespace) {
        return Err(CommandError::invalid(
            "Enter the public key (for Atlas, 8 lowercase letters such as abcdwxyz).",
        ));
    }
    let private_key = input
        .private_key
        .filter(|secret| !secret.expose_secret().trim().is_empty());
    let is_new = input.id.is_none();
    if is_new && private_key.is_none() {
        return Err(CommandError::invalid(
            "Enter the private key: it is kept in the OS keychain, never in a file.",
        ));
    }
    let profile = Profile {
        id: input.id.unwrap_or_else(|| new_profile_id(&input.name)),
        name: input.name.trim().to_owned(),
        base_url: input.base_url.trim().trim_end_matches('/').to_owned(),
        public_key,
        default_org_id: input
            .default_org_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty()),
    };
    if profile.id == SANDBOX_PROFILE_ID {
        return Err(CommandError::invalid(
            "The sandbox connection is built in and cannot be changed.",
        ));
    }
    if let Some(secret) = &private_key {
        let trimmed = SecretString::from(secret.expose_secret().trim());
        keychain::store_secret(&profile.id, &trimmed).await?;
    }
    if let Err(error) = state.profiles.upsert(profile.clone()) {
        if is_new {
            // Nothing half-done: a profile that was not saved keeps no secret.
            let _ = keychain::delete_secret(&profile.id).await;
        }
        return Err(error.into());
    }
    state.close_if(&profile.id).await;
    tracing::info!(profile = %profile.id, "connection saved");
    Ok(view(profile).await)
}

#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    if id == SANDBOX_PROFILE_ID {
        return Err(CommandError::invalid(
            "The sandbox connection is built in and cannot be deleted.",
        ));
    }
    state.profiles.remove(&id)?;
    match keychain::delete_secret(&id).await {
        Ok(()) | Err(KeychainError::Missing { .. }) => {}
        Err(error) => return Err(error.into()),
    }
    state.close_if(&id).await;
    tracing::info!(profile = %id, "connection deleted");
    Ok(())
}

/// Who the key is and which organizations it sees: the two calls that tell
/// a working connection from a broken one.
async fn probe(client: &AtlasClient) -> Result<(String, String, Vec<Organization>), CommandError> {
    let status = client.system_status().await?;
    let orgs = client
        .list_orgs()
        .await?
        .into_iter()
        .filter(|org| !org.is_deleted)
        .collect();
    Ok((status.api_key.id, status.api_key.public_key, orgs))
}

#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionReport, CommandError> {
    let profile = state.profile(&id).await?;
    let client = state.client_for(&profile).await?;
    let (_, public_key, orgs) = probe(&client).await?;
    Ok(ConnectionReport { public_key, orgs })
}

/// Where the Atlas CLI keeps its profiles on this system.
fn atlas_cli_config() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("atlascli").join("config.toml"))
}

#[tauri::command]
pub async fn import_atlas_cli(
    state: State<'_, AppState>,
) -> Result<Vec<ImportedProfile>, CommandError> {
    let path = atlas_cli_config()
        .ok_or_else(|| CommandError::internal("This system has no config directory."))?;
    let text = tokio::fs::read_to_string(&path).await.map_err(|error| {
        CommandError::invalid(format!(
            "No Atlas CLI config could be read at {}: {error}. Run `atlas config init` first, or add the connection by hand.",
            path.display()
        ))
    })?;
    let imported = profiles::import_atlas_cli(&state.profiles, &text).await?;
    if imported.is_empty() {
        return Err(CommandError::invalid(format!(
            "{} has no profile with an API key.",
            path.display()
        )));
    }
    Ok(imported)
}

/// Names the profile and organization in the window title; answers the title.
fn set_window_title(app: &AppHandle, session: &Session, org_id: Option<&str>) -> String {
    let org = org_id.and_then(|id| session.orgs.iter().find(|org| org.id == id));
    let title = match org {
        Some(org) => format!(
            "{} · {} — Atlas Access Manager",
            session.profile.name, org.name
        ),
        None => format!("{} — Atlas Access Manager", session.profile.name),
    };
    if let Some(window) = app.get_webview_window("main")
        && let Err(error) = window.set_title(&title)
    {
        tracing::debug!(%error, "window title not set");
    }
    title
}

/// Opens the connection: the client, the key in use, and its organizations.
#[tauri::command]
pub async fn connect(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<SessionView, CommandError> {
    let profile = state.profile(&id).await?;
    let client = state.client_for(&profile).await?;
    let (key_in_use_id, key_in_use_public_key, orgs) = probe(&client).await?;
    let org_id = profile
        .default_org_id
        .clone()
        .filter(|id| orgs.iter().any(|org| &org.id == id))
        .or_else(|| orgs.first().map(|org| org.id.clone()));
    let session = state
        .open(Session {
            profile,
            client,
            key_in_use_id,
            orgs,
        })
        .await;
    let title = set_window_title(&app, &session, org_id.as_deref());
    tracing::info!(profile = %session.profile.id, "connection opened");
    Ok(SessionView {
        profile: session.profile.clone(),
        orgs: session.orgs.clone(),
        org_id,
        key_in_use_id: session.key_in_use_id.clone(),
        key_in_use_public_key,
        title,
    })
}

/// Switches the organization the screens show; answers the new window title.
#[tauri::command]
pub async fn select_org(
    app: AppHandle,
    state: State<'_, AppState>,
    org_id: String,
) -> Result<String, CommandError> {
    let session = state.session().await?;
    if !session.orgs.iter().any(|org| org.id == org_id) {
        return Err(CommandError::invalid(
            "This connection's key cannot see that organization.",
        ));
    }
    Ok(set_window_title(&app, &session, Some(&org_id)))
}
