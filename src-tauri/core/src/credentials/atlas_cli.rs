//! Handing a new secret straight to the Atlas CLI: a profile in its
//! `config.toml` and the credential in its own keychain entries, as the CLI
//! reads them, so the secret never goes through the clipboard or a shell.
//!
//! The format follows the CLI's source (the CLI cannot be run here):
//! mongodb/atlas-cli-core `config/config.go` and `config/profile.go` (the
//! file's fields: `org_id`, `auth_type` `api_keys` or `service_account`,
//! `ops_manager_url`; profile names lower case, without dots),
//! `config/proxy_store.go` (`public_api_key`, `private_api_key`,
//! `client_id` and `client_secret` are kept in the keychain when there is
//! one) and `config/secure/go_keyring.go` (service `atlascli_<profile>`,
//! one entry per property). The identity is written to the file as well,
//! for a CLI without a keychain; the secret never is.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table, value};
use ts_rs::TS;

use super::keychain::{self, KeychainError};
use super::profiles::{ConnectionKind, parse_atlas_cli_config};
use crate::atlas::DEFAULT_BASE_URL;
use crate::error::CoreError;

/// The properties of one kind of credential: who it is, and its secret.
fn properties(kind: ConnectionKind) -> (&'static str, &'static str) {
    match kind {
        ConnectionKind::ApiKey => ("public_api_key", "private_api_key"),
        ConnectionKind::ServiceAccount => ("client_id", "client_secret"),
    }
}

fn auth_type(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::ApiKey => "api_keys",
        ConnectionKind::ServiceAccount => "service_account",
    }
}

fn other(kind: ConnectionKind) -> ConnectionKind {
    match kind {
        ConnectionKind::ApiKey => ConnectionKind::ServiceAccount,
        ConnectionKind::ServiceAccount => ConnectionKind::ApiKey,
    }
}

/// Where the profile goes and what it signs in with (the secret apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliTarget {
    pub profile: String,
    pub kind: ConnectionKind,
    /// The public key, or the service account's client id.
    pub identity: String,
    pub org_id: String,
    pub base_url: String,
}

/// An Atlas CLI profile that signs in with a given credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CliProfileUse {
    pub name: String,
    /// The public key or client id it signs in with.
    pub identity: String,
}

/// What the save dialog offers: the profiles that already use this
/// credential (or the one it replaces), every name taken, and a name for a
/// new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CliProfileChoices {
    pub config_path: String,
    pub using: Vec<CliProfileUse>,
    pub taken: Vec<String>,
    pub suggested_name: String,
}

/// What saving did, for the dialog to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedToCli {
    pub profile: String,
    pub config_path: String,
    /// The config as it was before, kept beside it; none when there was none.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_path: Option<String>,
    /// True when an existing profile's credential was replaced.
    pub replaced: bool,
    /// The keychain service the credential is under.
    pub keychain_service: String,
}

/// How the dialog asks to save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CliSaveMode {
    /// A profile of this name must not exist yet.
    New,
    /// The profile exists and the person confirmed its credential is replaced.
    ReplaceConfirmed,
}

/// A profile name as the CLI takes it: lower case, letters, digits, `-`
/// and `_` (the CLI refuses dots and lower-cases the rest).
pub fn profile_name(raw: &str) -> Result<String, CoreError> {
    let name = raw.trim().to_lowercase();
    if name.is_empty() || name.len() > 64 {
        return Err(CoreError::invalid(
            "Give the Atlas CLI profile a name of 1 to 64 characters.",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(CoreError::invalid(format!(
            "\"{}\" cannot name an Atlas CLI profile: use letters, digits, - and _ only.",
            raw.trim()
        )));
    }
    Ok(name)
}

/// A profile name made from a description: "Terraform CI (prod)" → "terraform-ci-prod".
pub fn suggested_name(description: &str, taken: &[String]) -> String {
    let mut name = String::new();
    for c in description.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let mut name: String = name.trim_end_matches('-').chars().take(40).collect();
    name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        name = "atlas-access".to_owned();
    }
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}-{n}");
        n += 1;
    }
    candidate
}

fn parse(text: &str) -> Result<DocumentMut, CoreError> {
    // The parser's message may quote a line holding a secret: say only where.
    text.parse::<DocumentMut>().map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        CoreError::invalid(match line {
            Some(line) => format!(
                "The Atlas CLI config is not valid TOML at line {line}; it was left as it is."
            ),
            None => "The Atlas CLI config is not valid TOML; it was left as it is.".to_owned(),
        })
    })
}

/// The profile names of a config text.
pub fn profile_names(text: &str) -> Result<Vec<String>, CoreError> {
    Ok(parse(text)?
        .iter()
        .filter(|(_, item)| item.is_table())
        .map(|(name, _)| name.to_owned())
        .collect())
}

/// `text` with `target`'s profile written as the CLI reads it: every other
/// profile, key and comment as it was, and no secret in it (one the file
/// held for this profile, from an older CLI, is taken out).
pub fn edited_config(text: &str, target: &CliTarget) -> Result<String, CoreError> {
    let mut document = parse(text)?;
    let table = document
        .entry(&target.profile)
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| {
            CoreError::invalid(format!(
                "\"{}\" in the Atlas CLI config is a setting, not a profile: choose another name.",
                target.profile
            ))
        })?;
    let (identity, secret) = properties(target.kind);
    let (other_identity, other_secret) = properties(other(target.kind));
    for gone in [secret, other_identity, other_secret] {
        table.remove(gone);
    }
    // A key already there keeps its place and its comments; only its value changes.
    let mut set = |key: &str, new: &str| match table.get_mut(key) {
        Some(item) => *item = value(new),
        None => {
            table.insert(key, value(new));
        }
    };
    set("org_id", &target.org_id);
    set("auth_type", auth_type(target.kind));
    set(identity, &target.identity);
    let base_url = target.base_url.trim_end_matches('/');
    if base_url == DEFAULT_BASE_URL.trim_end_matches('/') {
        table.remove("ops_manager_url");
    } else {
        set("ops_manager_url", &format!("{base_url}/"));
    }
    Ok(document.to_string())
}

/// The identity a profile signs in with: from the file, or (newer CLIs)
/// from its keychain entry.
async fn identity_of(name: &str, kind: ConnectionKind, in_file: Option<String>) -> Option<String> {
    if in_file.is_some() {
        return in_file;
    }
    let (property, _) = properties(kind);
    match keychain::atlas_cli::read(name, property).await {
        Ok(found) => found.map(|id| secrecy::ExposeSecret::expose_secret(&id).trim().to_owned()),
        Err(error) => {
            tracing::warn!(profile = %name, %error, "Atlas CLI keychain entry unreadable");
            None
        }
    }
}

/// The CLI's config text, or "" when it has none yet.
async fn read_config(path: &Path) -> Result<String, CoreError> {
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || std::fs::read_to_string(owned))
        .await
        .map_err(std::io::Error::other)
        .and_then(|read| read);
    match read {
        Ok(text) => Ok(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(error) => Err(CoreError::Internal(format!(
            "The Atlas CLI config at {} could not be read: {error}",
            path.display()
        ))),
    }
}

/// What the dialog offers for a credential signing in as `identities` (the
/// new one, and the one it replaces after a rotation).
pub async fn choices(
    path: &Path,
    identities: &[&str],
    description: &str,
) -> Result<CliProfileChoices, CoreError> {
    let text = read_config(path).await?;
    let taken = profile_names(&text)?;
    let mut using = Vec::new();
    for profile in parse_atlas_cli_config(&text).map_err(CoreError::from)? {
        if let Some(identity) = identity_of(&profile.name, profile.kind, profile.public_key).await
            && identities.contains(&identity.as_str())
        {
            using.push(CliProfileUse {
                name: profile.name,
                identity,
            });
        }
    }
    Ok(CliProfileChoices {
        config_path: path.display().to_string(),
        suggested_name: suggested_name(description, &taken),
        using,
        taken,
    })
}

/// The keychain values a save replaces, to put back if it cannot finish.
struct Previous {
    profile: String,
    values: Vec<(&'static str, Option<SecretString>)>,
}

impl Previous {
    async fn read(profile: &str, kind: ConnectionKind) -> Result<Self, CoreError> {
        let (identity, secret) = properties(kind);
        let mut values = Vec::new();
        for property in [identity, secret] {
            values.push((
                property,
                keychain::atlas_cli::read(profile, property).await?,
            ));
        }
        Ok(Self {
            profile: profile.to_owned(),
            values,
        })
    }

    /// Best effort: a failure here is logged, the first error is the one told.
    async fn restore(self) {
        for (property, old) in self.values {
            let restored = match &old {
                Some(old) => keychain::atlas_cli::write(&self.profile, property, old).await,
                None => keychain::atlas_cli::delete(&self.profile, property).await,
            };
            if let Err(error) = restored {
                tracing::warn!(profile = %self.profile, property, %error, "Atlas CLI keychain entry not restored");
            }
        }
    }
}

fn backup_path(path: &Path) -> PathBuf {
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{stamp}.bak"));
    path.with_file_name(name)
}

/// Writes `text` to `path` whole or not at all (a temporary file renamed
/// over it), readable by the user alone, as the CLI keeps it.
async fn write_config(path: &Path, text: String) -> std::io::Result<()> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        if let Some(dir) = path.parent() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        let temp = path.with_extension(format!("toml.{}.tmp", std::process::id()));
        let written = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.create(true).truncate(true).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Saves `target` with `secret` as an Atlas CLI profile: the keychain
/// entries first (put back if any fails), then the config, kept first as a
/// backup beside it. An existing profile is changed only when `mode` says
/// the person confirmed it; a new name must be free.
pub async fn save(
    path: &Path,
    target: &CliTarget,
    secret: &SecretString,
    mode: CliSaveMode,
) -> Result<SavedToCli, CoreError> {
    let target = CliTarget {
        profile: profile_name(&target.profile)?,
        ..target.clone()
    };
    let text = read_config(path).await?;
    let exists = profile_names(&text)?.contains(&target.profile);
    match (exists, mode) {
        (true, CliSaveMode::New) => {
            return Err(CoreError::invalid(format!(
                "The Atlas CLI already has a profile \"{}\": choose another name, or replace its credential.",
                target.profile
            )));
        }
        (false, CliSaveMode::ReplaceConfirmed) => {
            return Err(CoreError::invalid(format!(
                "The Atlas CLI has no profile \"{}\" any more: save it as a new one.",
                target.profile
            )));
        }
        _ => {}
    }
    let edited = edited_config(&text, &target)?;

    let previous = Previous::read(&target.profile, target.kind).await?;
    let (identity_property, secret_property) = properties(target.kind);
    let written = async {
        keychain::atlas_cli::write(&target.profile, secret_property, secret).await?;
        keychain::atlas_cli::write(
            &target.profile,
            identity_property,
            &SecretString::from(target.identity.clone()),
        )
        .await?;
        Ok::<(), KeychainError>(())
    }
    .await;
    if let Err(error) = written {
        previous.restore().await;
        return Err(error.into());
    }

    let backup = if text.is_empty() {
        None
    } else {
        let backup = backup_path(path);
        let (from, to) = (path.to_owned(), backup.clone());
        let copied = tokio::task::spawn_blocking(move || std::fs::copy(from, to))
            .await
            .map_err(std::io::Error::other)
            .and_then(|copied| copied);
        if let Err(error) = copied {
            previous.restore().await;
            return Err(CoreError::Internal(format!(
                "The Atlas CLI config could not be backed up to {}: {error}. Nothing was changed.",
                backup.display()
            )));
        }
        Some(backup)
    };
    if let Err(error) = write_config(path, edited).await {
        previous.restore().await;
        return Err(CoreError::Internal(format!(
            "The Atlas CLI config at {} could not be written: {error}. Nothing was changed.",
            path.display()
        )));
    }
    // The other kind's entries would only confuse the CLI now.
    let (old_identity, old_secret) = properties(other(target.kind));
    for property in [old_identity, old_secret] {
        if let Err(error) = keychain::atlas_cli::delete(&target.profile, property).await {
            tracing::warn!(profile = %target.profile, property, %error, "stale Atlas CLI keychain entry left");
        }
    }
    tracing::info!(profile = %target.profile, replaced = exists, "credential saved to an Atlas CLI profile");
    Ok(SavedToCli {
        keychain_service: format!("atlascli_{}", target.profile),
        profile: target.profile,
        config_path: path.display().to_string(),
        backup_path: backup.map(|backup| backup.display().to_string()),
        replaced: exists,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn target(profile: &str, kind: ConnectionKind, identity: &str) -> CliTarget {
        CliTarget {
            profile: profile.to_owned(),
            kind,
            identity: identity.to_owned(),
            org_id: "6a790a000000000000000001".to_owned(),
            base_url: DEFAULT_BASE_URL.to_owned(),
        }
    }

    const CONFIG: &str = r#"# The Atlas CLI's own settings
skip_update_check = true

[default]
  # the team's shared project
  org_id = "5f0000000000000000000001"
  project_id = "5f00000000000000000000aa"
  public_api_key = "oldpublic"
  private_api_key = "an-old-secret-in-the-file"
  output = "json"

[other]
  auth_type = "service_account"
  client_id = "mdb_sa_id_other"
"#;

    #[test]
    fn a_profile_is_written_as_the_cli_reads_it_and_nothing_else_changes() {
        let edited = edited_config(
            CONFIG,
            &target("default", ConnectionKind::ApiKey, "newpublic"),
        )
        .unwrap();
        assert!(!edited.contains("an-old-secret-in-the-file"), "{edited}");
        assert!(!edited.contains("private_api_key"), "{edited}");
        for kept in [
            "# The Atlas CLI's own settings",
            "skip_update_check = true",
            "# the team's shared project",
            "project_id = \"5f00000000000000000000aa\"",
            "output = \"json\"",
            "[other]",
            "client_id = \"mdb_sa_id_other\"",
        ] {
            assert!(edited.contains(kept), "{kept} lost: {edited}");
        }
        let profiles = parse_atlas_cli_config(&edited).unwrap();
        let default = profiles.iter().find(|p| p.name == "default").unwrap();
        assert_eq!(default.kind, ConnectionKind::ApiKey);
        assert_eq!(default.public_key.as_deref(), Some("newpublic"));
        assert_eq!(default.org_id.as_deref(), Some("6a790a000000000000000001"));
        assert_eq!(default.base_url, DEFAULT_BASE_URL);
        assert!(default.private_key.is_none());
        // The other profile reads exactly as before.
        let before = parse_atlas_cli_config(CONFIG).unwrap();
        let other_before = before.iter().find(|p| p.name == "other").unwrap();
        let other_after = profiles.iter().find(|p| p.name == "other").unwrap();
        assert_eq!(other_before.public_key, other_after.public_key);
        assert_eq!(other_before.kind, other_after.kind);
    }

    #[test]
    fn a_service_account_profile_on_another_host_names_its_url_and_drops_the_key() {
        let edited = edited_config(
            CONFIG,
            &CliTarget {
                base_url: "https://cloud.mongodbgov.com".to_owned(),
                ..target("default", ConnectionKind::ServiceAccount, "mdb_sa_id_new")
            },
        )
        .unwrap();
        let table: toml::Table = edited.parse().unwrap();
        let default = table["default"].as_table().unwrap();
        assert_eq!(default["auth_type"].as_str(), Some("service_account"));
        assert_eq!(default["client_id"].as_str(), Some("mdb_sa_id_new"));
        assert_eq!(
            default["ops_manager_url"].as_str(),
            Some("https://cloud.mongodbgov.com/")
        );
        assert!(!default.contains_key("public_api_key"));
        assert!(!default.contains_key("private_api_key"));
        assert!(!default.contains_key("client_secret"));
    }

    #[test]
    fn a_new_profile_goes_into_an_empty_or_missing_config() {
        let edited = edited_config("", &target("ci", ConnectionKind::ApiKey, "abcdefgh")).unwrap();
        let table: toml::Table = edited.parse().unwrap();
        assert_eq!(table["ci"]["public_api_key"].as_str(), Some("abcdefgh"));
        assert_eq!(table["ci"]["auth_type"].as_str(), Some("api_keys"));
    }

    #[test]
    fn names_are_the_clis_and_a_setting_is_not_a_profile() {
        assert_eq!(profile_name(" Prod-CI ").unwrap(), "prod-ci");
        assert!(profile_name("prod.ci").is_err());
        assert!(profile_name("").is_err());
        assert!(profile_name("a b").is_err());
        let refused = edited_config(
            CONFIG,
            &target("skip_update_check", ConnectionKind::ApiKey, "x"),
        )
        .unwrap_err();
        assert!(refused.advice().contains("is a setting"));
        assert_eq!(
            suggested_name("Terraform CI (production)", &[]),
            "terraform-ci-production"
        );
        assert_eq!(
            suggested_name("default", &["default".to_owned()]),
            "default-2"
        );
        assert_eq!(suggested_name("!!!", &[]), "atlas-access");
    }

    #[test]
    fn a_config_that_is_not_toml_is_refused_without_quoting_it() {
        let refused = edited_config(
            "[default]\nprivate_api_key = \"secret-value\n",
            &target("x", ConnectionKind::ApiKey, "x"),
        )
        .unwrap_err()
        .advice();
        assert!(refused.contains("not valid TOML"), "{refused}");
        assert!(!refused.contains("secret-value"), "{refused}");
    }
}
