//! Connections: profiles (the private key write-only, into the keychain),
//! testing one, importing the Atlas CLI's, and opening one.

use std::path::PathBuf;

use atlas_access_core::access::rules::{AtlasId, ClientId};
use atlas_access_core::access::standing::Standing;
use atlas_access_core::atlas::Organization;
use atlas_access_core::credentials::connections::{self, ProfileInput};
use atlas_access_core::credentials::keychain;
use atlas_access_core::credentials::profiles::{ImportedProfile, Profile, SANDBOX_PROFILE_ID};
use atlas_access_core::credentials::switch::{self, NewKey, OpenConnection, Switched};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::OrgRef;
use crate::CommandError;
use crate::ipc::{Ctx, NoArgs};
use crate::state::Session;

/// A connection profile, by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRef {
    pub id: String,
}

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
    /// What the connection may do in each organization it sees.
    pub standings: Vec<Standing>,
    /// The window title, which the page repeats as its own.
    pub title: String,
}

async fn view(profile: Profile) -> ProfileView {
    let built_in = profile.id == SANDBOX_PROFILE_ID;
    let private_key_stored = built_in || keychain::has_secret(&profile.id).await.unwrap_or(false);
    ProfileView {
        profile,
        built_in,
        private_key_stored,
    }
}

pub async fn list_profiles(ctx: &Ctx<'_>, _: NoArgs) -> Result<ProfileList, CommandError> {
    let (profiles, problem) = ctx.state.all_profiles().await?;
    let mut views = Vec::with_capacity(profiles.len());
    for profile in profiles {
        views.push(view(profile).await);
    }
    Ok(ProfileList {
        profiles: views,
        problem,
    })
}

/// Saves a connection. If it is the open one, the session closes: it was
/// opened with what the profile said before.
pub async fn save_profile(ctx: &Ctx<'_>, input: ProfileInput) -> Result<ProfileView, CommandError> {
    let profile = connections::save_input(&ctx.state.profiles, input).await?;
    ctx.state
        .close_if(
            &profile.id,
            "The connection in use was edited: open it again to use what it says now.",
            ctx.host.as_ref(),
        )
        .await;
    Ok(view(profile).await)
}

pub async fn delete_profile(ctx: &Ctx<'_>, args: ProfileRef) -> Result<(), CommandError> {
    connections::delete(&ctx.state.profiles, &args.id).await?;
    ctx.state
        .close_if(
            &args.id,
            "The connection in use was deleted.",
            ctx.host.as_ref(),
        )
        .await;
    Ok(())
}

pub async fn test_connection(
    ctx: &Ctx<'_>,
    args: ProfileRef,
) -> Result<ConnectionReport, CommandError> {
    let profile = ctx.state.profile(&args.id).await?;
    let client = ctx.state.client_for(&profile, ctx.host.as_ref()).await?;
    let probed = switch::probe(&client).await;
    // A test opens nothing: a service account's token is revoked at once.
    client.close().await;
    let probed = probed?;
    Ok(ConnectionReport {
        public_key: probed.caller.public_key,
        orgs: probed.orgs,
    })
}

/// Where the Atlas CLI keeps its profiles on this system.
pub(crate) fn atlas_cli_config() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("atlascli").join("config.toml"))
}

pub async fn import_atlas_cli(
    ctx: &Ctx<'_>,
    _: NoArgs,
) -> Result<Vec<ImportedProfile>, CommandError> {
    let path = atlas_cli_config()
        .ok_or_else(|| CommandError::internal("This system has no config directory."))?;
    let text = tokio::fs::read_to_string(&path).await.map_err(|error| {
        CommandError::invalid(format!(
            "No Atlas CLI config could be read at {}: {error}. Run `atlas config init` first, or add the connection by hand.",
            path.display()
        ))
    })?;
    let imported = connections::import_atlas_cli(&ctx.state.profiles, &text).await?;
    if imported.is_empty() {
        return Err(CommandError::invalid(format!(
            "{} has no profile with an API key or a service account.",
            path.display()
        )));
    }
    Ok(imported)
}

/// Names the profile and organization in the window title; answers the title.
fn set_window_title(ctx: &Ctx<'_>, session: &Session, org_id: Option<&str>) -> String {
    let org = org_id.and_then(|id| session.orgs.iter().find(|org| org.id == id));
    let title = match org {
        Some(org) => format!(
            "{} · {} — Atlas Access Manager",
            session.profile.name, org.name
        ),
        None => format!("{} — Atlas Access Manager", session.profile.name),
    };
    ctx.host.set_window_title(&title);
    title
}

/// Opens the connection: the client, the key in use, and its organizations.
pub async fn connect(ctx: &Ctx<'_>, args: ProfileRef) -> Result<SessionView, CommandError> {
    let profile = ctx.state.profile(&args.id).await?;
    let client = ctx.state.client_for(&profile, ctx.host.as_ref()).await?;
    let switch::Probed {
        caller,
        orgs,
        roles,
    } = match switch::probe(&client).await {
        Ok(probed) => probed,
        Err(error) => {
            // Not opened: a token it may have got is revoked.
            client.close().await;
            return Err(error.into());
        }
    };
    let org_id = profile
        .default_org_id
        .clone()
        .filter(|id| orgs.iter().any(|org| &org.id == id))
        .or_else(|| orgs.first().map(|org| org.id.clone()));
    let session = ctx
        .state
        .open(Session {
            profile,
            client,
            caller,
            orgs,
            roles,
        })
        .await;
    tracing::info!(profile = %session.profile.id, "connection opened");
    Ok(session_view(ctx, &session, org_id))
}

fn session_view(ctx: &Ctx<'_>, session: &Session, org_id: Option<String>) -> SessionView {
    let title = set_window_title(ctx, session, org_id.as_deref());
    SessionView {
        profile: session.profile.clone(),
        orgs: session.orgs.clone(),
        org_id,
        key_in_use_id: session.caller.key_id.clone(),
        key_in_use_public_key: session.caller.public_key.clone(),
        standings: session
            .orgs
            .iter()
            .map(|org| Standing::in_org(&session.roles, &org.id))
            .collect(),
        title,
    }
}

/// A key just made (a rotation's), whose private key is still held for its
/// one-time dialog, and the organization the screens show; the connection
/// it is for and the key it replaces, which must be the open ones.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SwitchKey {
    pub profile_id: String,
    pub old_key_id: AtlasId,
    pub key_id: AtlasId,
    pub public_key: String,
    pub org_id: AtlasId,
}

/// Switches the open connection to a key just made: the new key is tried
/// first (it must answer as itself), then its private key replaces the old
/// one in the keychain with the profile's public key, and the connection
/// goes on with it. Nothing is saved if the new key does not work.
pub async fn switch_connection_key(
    ctx: &Ctx<'_>,
    args: SwitchKey,
) -> Result<SessionView, CommandError> {
    let session = ctx.state.session().await?;
    let private_key = ctx
        .state
        .one_time
        .with(&args.key_id, |secret| secret.clone())?;
    let switched = switch::to_new_key(
        &ctx.state.profiles,
        open_connection(&session),
        NewKey {
            profile_id: &args.profile_id,
            old_key_id: &args.old_key_id,
            key_id: &args.key_id,
            public_key: &args.public_key,
        },
        &private_key,
    )
    .await?;
    Ok(go_on_with(ctx, switched, &args.org_id).await)
}

fn open_connection(session: &Session) -> OpenConnection<'_> {
    OpenConnection {
        profile: &session.profile,
        caller: &session.caller,
    }
}

/// The switched connection replaces the open one (whose token, if any, is
/// revoked), on the organization the screens showed if it still sees it.
async fn go_on_with(ctx: &Ctx<'_>, switched: Switched, org_id: &str) -> SessionView {
    let session = ctx.state.open(switched.into()).await;
    let org_id = Some(org_id.to_owned()).filter(|id| session.orgs.iter().any(|org| &org.id == id));
    session_view(ctx, &session, org_id)
}

/// A secret just generated for the service account the open connection
/// signs in with, still held for its one-time dialog; the connection it is
/// for, which must be the open one.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SwitchSecret {
    pub profile_id: String,
    pub client_id: ClientId,
    pub secret_id: AtlasId,
    pub org_id: AtlasId,
}

/// Switches the open service-account connection to the account's new
/// secret: the secret is tried first (a token, then the organizations),
/// then it replaces the old one in the keychain and the connection goes on
/// with it; the old secret's token is revoked. Nothing is saved if the new
/// secret does not work.
pub async fn switch_connection_secret(
    ctx: &Ctx<'_>,
    args: SwitchSecret,
) -> Result<SessionView, CommandError> {
    let session = ctx.state.session().await?;
    let secret = ctx
        .state
        .one_time
        .with(&args.secret_id, |secret| secret.clone())?;
    let switched = switch::to_new_secret(
        &ctx.state.profiles,
        open_connection(&session),
        &args.profile_id,
        &args.client_id,
        &secret,
    )
    .await?;
    Ok(go_on_with(ctx, switched, &args.org_id).await)
}

/// Switches the organization the screens show; answers the new window title.
pub async fn select_org(ctx: &Ctx<'_>, args: OrgRef) -> Result<String, CommandError> {
    let session = ctx.state.session().await?;
    if !session.orgs.iter().any(|org| org.id == *args.org_id) {
        return Err(CommandError::invalid(
            "This connection's key cannot see that organization.",
        ));
    }
    Ok(set_window_title(ctx, &session, Some(&args.org_id)))
}
