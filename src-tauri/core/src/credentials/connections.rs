//! Connections as one whole: a profile in the connections file and its
//! private key in the OS keychain, saved and deleted together, so neither is
//! ever left without the other.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use ts_rs::TS;

use crate::credentials::keychain::{self, KeychainError};
use crate::credentials::profiles::{
    self, ConnectionKind, ImportedProfile, Profile, ProfileStore, SANDBOX_PROFILE_ID,
};
use crate::error::CoreError;

/// What the Add/Edit Connection form sends. The private key is write-only:
/// left empty when editing, the stored one is kept.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    #[ts(optional)]
    pub id: Option<String>,
    pub name: String,
    pub base_url: String,
    /// An API key when not given.
    #[ts(optional)]
    pub kind: Option<ConnectionKind>,
    /// The public key, or the service account's client id.
    pub public_key: String,
    #[ts(optional)]
    pub default_org_id: Option<String>,
    /// The private key, or the service account's client secret.
    #[ts(optional, type = "string")]
    pub private_key: Option<SecretString>,
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

fn refuse_built_in(id: &str) -> Result<(), CoreError> {
    if id == SANDBOX_PROFILE_ID {
        return Err(CoreError::invalid(
            "The sandbox connection is built in and cannot be changed or deleted.",
        ));
    }
    Ok(())
}

/// Stores a profile and, if given, its private key, as one transaction: if
/// the profile cannot be written, the keychain is put back as it was (the
/// earlier private key restored, or a new one removed).
pub async fn save(
    store: &ProfileStore,
    profile: Profile,
    private_key: Option<&SecretString>,
) -> Result<Profile, CoreError> {
    refuse_built_in(&profile.id)?;
    let Some(secret) = private_key else {
        store.upsert(profile.clone()).await?;
        return Ok(profile);
    };
    let earlier = match keychain::read_secret(&profile.id).await {
        Ok(earlier) => Some(earlier),
        Err(KeychainError::Missing { .. }) => None,
        Err(error) => return Err(error.into()),
    };
    keychain::store_secret(&profile.id, secret).await?;
    if let Err(error) = store.upsert(profile.clone()).await {
        let restored = match &earlier {
            Some(earlier) => keychain::store_secret(&profile.id, earlier).await,
            None => keychain::delete_secret(&profile.id).await,
        };
        if let Err(restore_error) = restored {
            tracing::error!(profile = %profile.id, error = %restore_error, "keychain not restored after a failed save");
        }
        return Err(error.into());
    }
    Ok(profile)
}

/// Saves what the connection form sent: a new connection needs a private
/// key; an edited one keeps its stored key unless a new one is typed.
pub async fn save_input(store: &ProfileStore, input: ProfileInput) -> Result<Profile, CoreError> {
    let kind = input.kind.unwrap_or_default();
    let public_key = input.public_key.trim().to_owned();
    match kind {
        ConnectionKind::ApiKey => {
            if public_key.is_empty() || public_key.chars().any(char::is_whitespace) {
                return Err(CoreError::invalid(
                    "Enter the public key (for Atlas, 8 lowercase letters such as abcdwxyz).",
                ));
            }
        }
        ConnectionKind::ServiceAccount => {
            crate::access::rules::client_id(&public_key)?;
        }
    }
    let private_key = input
        .private_key
        .map(|secret| SecretString::from(secret.expose_secret().trim()))
        .filter(|secret| !secret.expose_secret().is_empty());
    // Only a connection saved before has a key to keep: an id the file does
    // not know is a new connection, and needs its key as one typed in does.
    let earlier = match &input.id {
        Some(id) => store
            .load()
            .await?
            .profiles
            .into_iter()
            .find(|profile| &profile.id == id),
        None => None,
    };
    if earlier.is_none() && private_key.is_none() {
        return Err(CoreError::invalid(match kind {
            ConnectionKind::ApiKey => {
                "Enter the private key: it is kept in the OS keychain, never in a file."
            }
            ConnectionKind::ServiceAccount => {
                "Enter the client secret: it is kept in the OS keychain, never in a file."
            }
        }));
    }
    let profile = Profile {
        id: input.id.unwrap_or_else(|| new_profile_id(&input.name)),
        name: input.name.trim().to_owned(),
        base_url: input.base_url.trim().trim_end_matches('/').to_owned(),
        kind,
        public_key,
        default_org_id: input
            .default_org_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty()),
    };
    if private_key.is_none()
        && let Some(earlier) = &earlier
        && moves_to_another_host(earlier, &profile)
    {
        return Err(CoreError::invalid(format!(
            "The connection now points at {} instead of {}: enter the private key again, so the stored one is never sent to another host.",
            profile.base_url, earlier.base_url
        )));
    }
    let saved = save(store, profile, private_key.as_ref()).await?;
    tracing::info!(profile = %saved.id, "connection saved");
    Ok(saved)
}

/// A stored private key goes only to the host it was typed in for: whether
/// `edited` points the connection `earlier` at another scheme, host or port.
fn moves_to_another_host(earlier: &Profile, edited: &Profile) -> bool {
    let host = |url: &str| {
        reqwest::Url::parse(url).ok().map(|url| {
            (
                url.scheme().to_owned(),
                url.host_str().map(str::to_owned),
                url.port_or_known_default(),
            )
        })
    };
    host(&earlier.base_url) != host(&edited.base_url)
}

/// Removes a profile and its keychain entry. The file goes first: a
/// keychain entry left behind is harmless, a profile without its key is not.
pub async fn delete(store: &ProfileStore, id: &str) -> Result<(), CoreError> {
    refuse_built_in(id)?;
    store.remove(id).await?;
    keychain::delete_secret(id).await?;
    tracing::info!(profile = %id, "connection deleted");
    Ok(())
}

/// Imports the Atlas CLI's profiles from its config text, each saved as one
/// transaction like a connection typed in by hand. What the file leaves out
/// (newer CLI versions keep credentials in the OS keychain) is read from the
/// CLI's own keychain entries; a profile whose secret cannot be found there
/// is imported without it, and says so.
pub async fn import_atlas_cli(
    store: &ProfileStore,
    text: &str,
) -> Result<Vec<ImportedProfile>, CoreError> {
    let mut imported = Vec::new();
    for cli in profiles::parse_atlas_cli_config(text)? {
        let (identity_property, secret_property) = match cli.kind {
            ConnectionKind::ApiKey => ("public_api_key", "private_api_key"),
            ConnectionKind::ServiceAccount => ("client_id", "client_secret"),
        };
        let from_cli_keychain = async |property: &str| {
            keychain::atlas_cli::read(&cli.name, property)
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(profile = %cli.name, property, %error, "Atlas CLI keychain entry unreadable");
                    None
                })
        };
        let public_key = match cli.public_key {
            Some(public_key) => public_key,
            None => match from_cli_keychain(identity_property).await {
                Some(identity) => identity.expose_secret().trim().to_owned(),
                // Nothing to connect with: not a profile this app can use.
                None => continue,
            },
        };
        let secret = match cli.private_key {
            Some(secret) => Some(secret),
            None => from_cli_keychain(secret_property).await,
        };
        let profile = Profile {
            id: format!("atlascli-{}", cli.name),
            name: format!("{} (Atlas CLI)", cli.name),
            base_url: cli.base_url,
            kind: cli.kind,
            public_key,
            default_org_id: cli.org_id,
        };
        if secret.is_none()
            && let Some(earlier) = store
                .load()
                .await?
                .profiles
                .into_iter()
                .find(|earlier| earlier.id == profile.id)
            && moves_to_another_host(&earlier, &profile)
        {
            // Imported again after the CLI's profile moved to another host:
            // the secret stored for the old one is not sent to the new one.
            keychain::delete_secret(&profile.id).await?;
            tracing::warn!(profile = %profile.id, "imported for another host: its stored secret was removed");
        }
        let profile = save(store, profile, secret.as_ref()).await?;
        let private_key_stored = secret.is_some() || keychain::has_secret(&profile.id).await?;
        imported.push(ImportedProfile {
            profile,
            private_key_stored,
        });
    }
    Ok(imported)
}
