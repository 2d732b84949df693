//! Connection profiles: name, base URL, public key and default organization
//! in a JSON file in the OS config directory; the private key only in the
//! keychain (see [`crate::credentials::keychain`]), under the profile's id. The same file
//! keeps the app's own settings: each connection's review thresholds and the
//! appearance.
//!
//! Writes are atomic (temporary file, fsync, rename) and serialized across
//! processes by a lock file. A file that cannot be read is moved aside as
//! `.bak` and reported, never silently replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::review::ReviewSettings;

/// The id of the built-in sandbox profile, which is always there.
pub const SANDBOX_PROFILE_ID: &str = "sandbox";

/// How a connection proves who it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ConnectionKind {
    /// An API key: public and private key, HTTP Digest.
    #[default]
    ApiKey,
    /// A service account: client id and secret, OAuth tokens.
    ServiceAccount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub base_url: String,
    /// Connections saved before service accounts are API keys.
    #[serde(default)]
    pub kind: ConnectionKind,
    /// The API key's public key, or the service account's client id.
    pub public_key: String,
    #[serde(default)]
    #[ts(optional)]
    pub default_org_id: Option<String>,
}

/// Light or dark: as the desktop says, or the user's own choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfileFile {
    #[serde(default)]
    profiles: Vec<Profile>,
    /// Each connection's access-review thresholds, by profile id (the
    /// built-in sandbox's too). Absent from files written before them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    review_settings: BTreeMap<String, ReviewSettings>,
    #[serde(default, skip_serializing_if = "is_default")]
    appearance: Appearance,
    /// Hosts other than Atlas's own and this computer that the user allowed
    /// a connection's secret to be sent to (`host` or `host:port`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    approved_hosts: BTreeSet<String>,
}

fn is_default(appearance: &Appearance) -> bool {
    *appearance == Appearance::default()
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no config directory could be found for this user")]
    NoConfigDir,
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no profile with id {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub profiles: Vec<Profile>,
    /// Set when the file was found unreadable (by this or any earlier call
    /// since the app started) and was moved here; told until a connection
    /// is saved again.
    pub moved_aside: Option<PathBuf>,
}

/// The profiles file. Cheap to clone; every call runs its file I/O (the
/// cross-process lock, the fsync) on a blocking thread, never on the async
/// runtime.
#[derive(Clone)]
pub struct ProfileStore {
    file: Arc<StoreFile>,
}

impl ProfileStore {
    /// The store in the OS config directory: `~/.config/atlas-access-manager`
    /// on Linux, `%APPDATA%\atlas-access-manager\atlas-access-manager\config`
    /// on Windows, `~/Library/Application Support/io.github.atlas-access-manager.atlas-access-manager`
    /// on macOS.
    pub fn in_config_dir() -> Result<Self, ProfileError> {
        let dirs = directories::ProjectDirs::from(
            "io.github",
            "atlas-access-manager",
            "atlas-access-manager",
        )
        .ok_or(ProfileError::NoConfigDir)?;
        Ok(Self::at(dirs.config_dir().join("profiles.json")))
    }

    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            file: Arc::new(StoreFile {
                path: path.into(),
                moved_aside: Mutex::new(None),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.file.path
    }

    async fn blocking<T: Send + 'static>(
        &self,
        operation: impl FnOnce(&StoreFile) -> Result<T, ProfileError> + Send + 'static,
    ) -> Result<T, ProfileError> {
        let file = Arc::clone(&self.file);
        tokio::task::spawn_blocking(move || operation(&file))
            .await
            .unwrap_or_else(|join_error| Err(self.file.io(std::io::Error::other(join_error))))
    }

    /// The saved profiles. An unreadable file is moved aside and reported.
    pub async fn load(&self) -> Result<Loaded, ProfileError> {
        self.blocking(|file| {
            let _lock = file.lock()?;
            let profiles = file.read_locked()?.profiles;
            Ok(Loaded {
                profiles,
                moved_aside: file.moved_aside(),
            })
        })
        .await
    }

    /// Adds or replaces the profile with this id.
    pub async fn upsert(&self, profile: Profile) -> Result<(), ProfileError> {
        validate(&profile)?;
        self.blocking(move |file| {
            file.edit(|contents| {
                match contents
                    .profiles
                    .iter_mut()
                    .find(|existing| existing.id == profile.id)
                {
                    Some(existing) => *existing = profile,
                    None => contents.profiles.push(profile),
                }
                Ok(())
            })?;
            // The user has begun adding the connections again.
            file.forget_moved_aside();
            Ok(())
        })
        .await
    }

    /// Removes a profile from the file. Its keychain entry is the caller's to delete.
    pub async fn remove(&self, id: &str) -> Result<Profile, ProfileError> {
        let id = id.to_owned();
        self.blocking(move |file| {
            file.edit(|contents| {
                let index = contents
                    .profiles
                    .iter()
                    .position(|profile| profile.id == id)
                    .ok_or_else(|| ProfileError::NotFound(id.clone()))?;
                contents.review_settings.remove(&id);
                Ok(contents.profiles.remove(index))
            })
        })
        .await
    }

    /// The access-review thresholds of a connection (the defaults until set).
    pub async fn review_settings(&self, id: &str) -> Result<ReviewSettings, ProfileError> {
        let id = id.to_owned();
        self.blocking(move |file| {
            Ok(file
                .read()?
                .review_settings
                .get(&id)
                .copied()
                .unwrap_or_default())
        })
        .await
    }

    /// Keeps a connection's access-review thresholds, after checking them.
    pub async fn set_review_settings(
        &self,
        id: &str,
        settings: ReviewSettings,
    ) -> Result<(), ProfileError> {
        settings.check().map_err(ProfileError::Invalid)?;
        let id = id.to_owned();
        self.blocking(move |file| {
            file.edit(|contents| {
                if id != SANDBOX_PROFILE_ID
                    && !contents.profiles.iter().any(|profile| profile.id == id)
                {
                    return Err(ProfileError::NotFound(id.clone()));
                }
                contents.review_settings.insert(id, settings);
                Ok(())
            })
        })
        .await
    }

    /// Whether the user allowed secrets to be sent to this host.
    pub async fn is_host_approved(&self, host: &str) -> Result<bool, ProfileError> {
        let host = host.to_owned();
        self.blocking(move |file| Ok(file.read()?.approved_hosts.contains(&host)))
            .await
    }

    /// Remembers that the user allowed secrets to be sent to this host.
    pub async fn approve_host(&self, host: &str) -> Result<(), ProfileError> {
        let host = host.to_owned();
        self.blocking(move |file| {
            file.edit(|contents| {
                contents.approved_hosts.insert(host);
                Ok(())
            })
        })
        .await
    }

    /// Light, dark or as the desktop says (until chosen).
    pub async fn appearance(&self) -> Result<Appearance, ProfileError> {
        self.blocking(|file| Ok(file.read()?.appearance)).await
    }

    pub async fn set_appearance(&self, appearance: Appearance) -> Result<(), ProfileError> {
        self.blocking(move |file| {
            file.edit(|contents| {
                contents.appearance = appearance;
                Ok(())
            })
        })
        .await
    }
}

/// The file itself, its lock, and what this process found of it.
struct StoreFile {
    path: PathBuf,
    /// Where an unreadable file was moved, by whichever call found it.
    moved_aside: Mutex<Option<PathBuf>>,
}

impl StoreFile {
    fn io(&self, source: std::io::Error) -> ProfileError {
        ProfileError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn moved_aside(&self) -> Option<PathBuf> {
        self.moved_aside
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn forget_moved_aside(&self) {
        *self
            .moved_aside
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }

    /// Holds the store's lock file until dropped (one writer across processes).
    fn lock(&self) -> Result<File, ProfileError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| self.io(e))?;
        let lock = private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("lock"))
            .map_err(|e| self.io(e))?;
        lock.lock().map_err(|e| self.io(e))?;
        Ok(lock)
    }

    fn read(&self) -> Result<ProfileFile, ProfileError> {
        let _lock = self.lock()?;
        self.read_locked()
    }

    /// Reads, changes and saves the file under one lock; nothing is saved
    /// when `change` fails.
    fn edit<T>(
        &self,
        change: impl FnOnce(&mut ProfileFile) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        let _lock = self.lock()?;
        let mut contents = self.read_locked()?;
        let answer = change(&mut contents)?;
        self.save_locked(&contents)?;
        Ok(answer)
    }

    /// The whole file. An unreadable one is moved aside, and where it went
    /// is kept for [`ProfileStore::load`] to tell, whichever call found it.
    fn read_locked(&self) -> Result<ProfileFile, ProfileError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProfileFile::default());
            }
            Err(error) => return Err(self.io(error)),
        };
        match serde_json::from_slice::<ProfileFile>(&bytes) {
            Ok(contents) => Ok(contents),
            Err(error) => {
                let backup = self.path.with_extension("json.bak");
                tracing::warn!(%error, backup = %backup.display(), "profile file unreadable; moved aside");
                std::fs::rename(&self.path, &backup).map_err(|e| self.io(e))?;
                *self
                    .moved_aside
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(backup);
                Ok(ProfileFile::default())
            }
        }
    }

    fn save_locked(&self, contents: &ProfileFile) -> Result<(), ProfileError> {
        let bytes =
            serde_json::to_vec_pretty(contents).map_err(|e| self.io(std::io::Error::other(e)))?;
        let temp = self
            .path
            .with_extension(format!("json.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = private_file_options()
                .create(true)
                .truncate(true)
                .write(true)
                .open(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, &self.path)?;
            // The rename itself is durable once the folder is synced.
            if let Some(dir) = self.path.parent()
                && let Ok(dir) = File::open(dir)
            {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(|e| self.io(e))
    }
}

fn validate(profile: &Profile) -> Result<(), ProfileError> {
    if profile.id == SANDBOX_PROFILE_ID {
        return Err(ProfileError::Invalid(
            "The sandbox profile is built in and cannot be changed.".into(),
        ));
    }
    if profile.name.trim().is_empty() {
        return Err(ProfileError::Invalid("Give the connection a name.".into()));
    }
    crate::atlas::base_url::check(&profile.base_url).map_err(ProfileError::Invalid)?;
    if profile.public_key.trim().is_empty() {
        return Err(ProfileError::Invalid(
            "Enter the API key's public key.".into(),
        ));
    }
    Ok(())
}

/// The app's own config folder: readable by its user alone (0700 on Unix),
/// whatever the umask. Only the last folder is made private, never a parent.
/// On Windows the folder is under `%APPDATA%`, which inherits the user
/// profile's ACL (the user, SYSTEM and Administrators, as for every file
/// the user keeps), and the file holds no secret: those stay in the
/// Credential Manager. A narrower ACL would keep no one out: SYSTEM and
/// Administrators can take any file.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A file only its user may read or write (0600 on Unix) when it is created;
/// on Windows, what its folder's ACL gives it (see `create_private_dir`).
fn private_file_options() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str) -> Profile {
        Profile {
            id: id.to_owned(),
            name: format!("Profile {id}"),
            base_url: "https://cloud.mongodb.com".to_owned(),
            kind: ConnectionKind::ApiKey,
            public_key: "abcdefgh".to_owned(),
            default_org_id: None,
        }
    }

    #[test]
    fn a_profile_saved_before_kinds_is_an_api_key() {
        let old: Profile = serde_json::from_str(
            r#"{"id":"a","name":"A","baseUrl":"https://cloud.mongodb.com","publicKey":"abcdefgh"}"#,
        )
        .unwrap();
        assert_eq!(old.kind, ConnectionKind::ApiKey);
    }

    #[tokio::test]
    #[cfg(unix)]
    async fn the_folder_and_files_are_their_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("atlas-access-manager");
        let path = dir.join("profiles.json");
        // A file left by an older version, readable by everyone.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(&path, br#"{"profiles":[]}"#).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

        let store = ProfileStore::at(path.clone());
        store.upsert(profile("a")).await.unwrap();
        assert_eq!(mode(&dir), 0o700, "the config folder");
        assert_eq!(mode(&path), 0o600, "profiles.json");
        assert_eq!(mode(&path.with_extension("lock")), 0o600, "its lock");
    }

    #[tokio::test]
    async fn the_appearance_is_kept_beside_the_connections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        let store = ProfileStore::at(path.clone());
        assert_eq!(store.appearance().await.unwrap(), Appearance::System);
        store.upsert(profile("a")).await.unwrap();
        store.set_appearance(Appearance::Dark).await.unwrap();
        store.upsert(profile("b")).await.unwrap();
        assert_eq!(store.appearance().await.unwrap(), Appearance::Dark);
        assert_eq!(store.load().await.unwrap().profiles.len(), 2);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains(r#""appearance": "dark""#)
        );
        // Back to the default, the file says nothing of it.
        store.set_appearance(Appearance::System).await.unwrap();
        assert!(
            !std::fs::read_to_string(&path)
                .unwrap()
                .contains("appearance")
        );
    }

    #[tokio::test]
    async fn review_settings_are_kept_per_connection_and_go_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("profiles.json"));
        assert_eq!(
            store.review_settings("a").await.unwrap(),
            ReviewSettings::default()
        );
        store.upsert(profile("a")).await.unwrap();
        let strict = ReviewSettings {
            unused_days: 30,
            expiry_warning_days: 14,
        };
        store.set_review_settings("a", strict).await.unwrap();
        store
            .set_review_settings(SANDBOX_PROFILE_ID, ReviewSettings::default())
            .await
            .unwrap();
        // Saving the profile again keeps them.
        store.upsert(profile("a")).await.unwrap();
        assert_eq!(store.review_settings("a").await.unwrap(), strict);
        assert!(matches!(
            store.set_review_settings("nobody", strict).await,
            Err(ProfileError::NotFound(_))
        ));
        let nonsense = ReviewSettings {
            unused_days: 0,
            expiry_warning_days: 7,
        };
        assert!(matches!(
            store.set_review_settings("a", nonsense).await,
            Err(ProfileError::Invalid(_))
        ));
        store.remove("a").await.unwrap();
        assert_eq!(
            store.review_settings("a").await.unwrap(),
            ReviewSettings::default()
        );
    }

    #[tokio::test]
    async fn round_trip_replace_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("profiles.json"));
        assert!(store.load().await.unwrap().profiles.is_empty());
        store.upsert(profile("a")).await.unwrap();
        store.upsert(profile("b")).await.unwrap();
        let mut renamed = profile("a");
        renamed.name = "Production".into();
        store.upsert(renamed.clone()).await.unwrap();
        assert_eq!(
            store.load().await.unwrap().profiles,
            vec![renamed, profile("b")]
        );
        assert_eq!(store.remove("b").await.unwrap(), profile("b"));
        assert!(matches!(
            store.remove("b").await,
            Err(ProfileError::NotFound(_))
        ));
        assert!(matches!(
            store.upsert(profile(SANDBOX_PROFILE_ID)).await,
            Err(ProfileError::Invalid(_))
        ));
        let mut bad = profile("c");
        bad.base_url = "cloud.mongodb.com".into();
        assert!(matches!(
            store.upsert(bad).await,
            Err(ProfileError::Invalid(_))
        ));
    }

    #[tokio::test]
    async fn a_corrupt_file_is_moved_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        std::fs::write(&path, b"{ not json").unwrap();
        let store = ProfileStore::at(&path);
        let loaded = store.load().await.unwrap();
        assert!(loaded.profiles.is_empty());
        let backup = loaded.moved_aside.expect("reported");
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            b"{ not json",
            "kept as it was"
        );
        store.upsert(profile("a")).await.unwrap();
        assert_eq!(store.load().await.unwrap().profiles.len(), 1);
    }

    #[tokio::test]
    async fn a_file_moved_aside_by_any_call_is_told_by_the_next_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        std::fs::write(&path, b"{ not json").unwrap();
        let store = ProfileStore::at(&path);
        // At start-up the app reads the appearance before anything else.
        assert_eq!(store.appearance().await.unwrap(), Appearance::System);
        let loaded = store.load().await.unwrap();
        let backup = loaded
            .moved_aside
            .expect("told after the appearance found it");
        assert_eq!(std::fs::read(&backup).unwrap(), b"{ not json");
        assert!(
            store.load().await.unwrap().moved_aside.is_some(),
            "still told on the next visit"
        );
        // Once a connection is added again, the notice has done its work.
        store.upsert(profile("a")).await.unwrap();
        assert!(store.load().await.unwrap().moved_aside.is_none());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn waiting_for_the_file_lock_leaves_the_runtime_free() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        let store = ProfileStore::at(&path);
        store.upsert(profile("a")).await.unwrap();
        // Another process holds the lock until told (or 5 s have passed).
        let (held_tx, held_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let lock_path = path.with_extension("lock");
        let holder = std::thread::spawn(move || {
            let lock = OpenOptions::new().write(true).open(lock_path).unwrap();
            lock.lock().unwrap();
            held_tx.send(()).unwrap();
            let _ = release_rx.recv_timeout(std::time::Duration::from_secs(5));
        });
        held_rx.recv().unwrap();
        let load = tokio::spawn({
            let store = store.clone();
            async move { store.load().await }
        });
        // One runtime thread: this sleep ends on time only if the load
        // waits off the runtime.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(
            !load.is_finished(),
            "the load blocked the runtime until the lock was let go"
        );
        release_tx.send(()).unwrap();
        assert_eq!(load.await.unwrap().unwrap().profiles.len(), 1);
        holder.join().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.json");
        // Separate stores, as separate app processes would be.
        let writers: Vec<_> = (0..8)
            .map(|writer| {
                let store = ProfileStore::at(path.clone());
                tokio::spawn(async move {
                    for n in 0..10 {
                        store
                            .upsert(profile(&format!("w{writer}-{n}")))
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        let loaded = ProfileStore::at(&path).load().await.unwrap();
        assert_eq!(loaded.profiles.len(), 80);
        assert!(loaded.moved_aside.is_none());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// One profile read from an Atlas CLI config file (`~/.config/atlascli/config.toml`).
#[derive(Debug)]
pub struct CliProfile {
    pub name: String,
    pub kind: ConnectionKind,
    /// The public key, or the service account's client id. Newer Atlas CLI
    /// versions keep it in their own keyring entry, not in the file.
    pub public_key: Option<String>,
    /// The private key or client secret, when the file has it.
    pub private_key: Option<secrecy::SecretString>,
    pub org_id: Option<String>,
    pub base_url: String,
}

/// Reads the profiles of an Atlas CLI config file that have an API key or
/// a service account (`auth_type`); user-account profiles are left out:
/// their login is the CLI's own. What the file does not hold may be in the
/// CLI's keyring entries ([`crate::credentials::keychain::atlas_cli`]).
pub fn parse_atlas_cli_config(text: &str) -> Result<Vec<CliProfile>, ProfileError> {
    // The parser's own message quotes the offending line, which may be a
    // `private_api_key` line: say only where it is.
    let table: toml::Table = text.parse().map_err(|error: toml::de::Error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        ProfileError::Invalid(match line {
            Some(line) => format!("The Atlas CLI config is not valid TOML at line {line}."),
            None => "The Atlas CLI config is not valid TOML.".to_owned(),
        })
    })?;
    let field = |section: &toml::Table, name: &str| {
        section
            .get(name)
            .and_then(toml::Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut profiles = Vec::new();
    for (name, value) in &table {
        let Some(section) = value.as_table() else {
            continue;
        };
        let auth_type = field(section, "auth_type");
        let (kind, public_key, private_key) = match auth_type.as_deref() {
            Some("service_account") => (
                ConnectionKind::ServiceAccount,
                field(section, "client_id"),
                field(section, "client_secret"),
            ),
            Some("api_keys") | None => (
                ConnectionKind::ApiKey,
                field(section, "public_api_key"),
                field(section, "private_api_key"),
            ),
            Some(_) => continue,
        };
        profiles.push(CliProfile {
            name: name.clone(),
            kind,
            public_key,
            private_key: private_key.map(secrecy::SecretString::from),
            org_id: field(section, "org_id"),
            base_url: field(section, "ops_manager_url")
                .map(|url| url.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| crate::atlas::DEFAULT_BASE_URL.to_owned()),
        });
    }
    Ok(profiles)
}

/// What importing one Atlas CLI profile did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportedProfile {
    pub profile: Profile,
    /// False when neither the file nor the CLI's keyring entry gave the
    /// private key or client secret: it must be entered by hand.
    pub private_key_stored: bool,
}

#[cfg(test)]
mod cli_tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a_parse_error_names_the_line_and_never_quotes_it() {
        let secret = "c8150efd-c7a0-4afd-8c4f-01bdd56c8977";
        let text = format!(
            "[default]\n  public_api_key = \"abcdefgh\"\n  private_api_key = \"{secret}\" oops\n"
        );
        let error = parse_atlas_cli_config(&text).unwrap_err().to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(
            !error.contains(secret) && !error.contains("c8150efd"),
            "{error}"
        );
    }

    #[test]
    fn reads_service_account_profiles_and_leaves_user_accounts_out() {
        let text = r#"
[robot]
  auth_type = "service_account"
  client_id = "mdb_sa_id_6a790d000000000000000001"
  org_id = "6a790a000000000000000001"
[person]
  auth_type = "user_account"
[keys]
  auth_type = "api_keys"
  public_api_key = "abcdefgh"
"#;
        let profiles = parse_atlas_cli_config(text).unwrap();
        let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["keys", "robot"]);
        let robot = &profiles[1];
        assert_eq!(robot.kind, ConnectionKind::ServiceAccount);
        assert_eq!(
            robot.public_key.as_deref(),
            Some("mdb_sa_id_6a790d000000000000000001")
        );
        assert!(
            robot.private_key.is_none(),
            "the CLI keeps it in its keyring"
        );
        assert_eq!(profiles[0].kind, ConnectionKind::ApiKey);
    }

    #[test]
    fn reads_profiles_with_keys_and_their_urls() {
        let text = r#"
[default]
  org_id = "a0123456789abcdef012345a"
  public_api_key = "abcdefgh"
  private_api_key = "c8150efd-c7a0-4afd-8c4f-01bdd56c8977"
  service = "cloud"

[onprem]
  public_api_key = "zyxwvuts"
  ops_manager_url = "https://opsmanager.example.com/"

[no_keys]
  service = "cloud"
"#;
        let profiles = parse_atlas_cli_config(text).unwrap();
        let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "no_keys", "onprem"]);
        assert!(
            profiles[1].public_key.is_none(),
            "to be looked for in the keyring"
        );
        assert_eq!(profiles[0].name, "default");
        assert_eq!(profiles[0].base_url, "https://cloud.mongodb.com");
        assert_eq!(
            profiles[0].private_key.as_ref().unwrap().expose_secret(),
            "c8150efd-c7a0-4afd-8c4f-01bdd56c8977"
        );
        assert_eq!(profiles[2].base_url, "https://opsmanager.example.com");
        assert!(profiles[2].private_key.is_none());
        assert!(matches!(
            parse_atlas_cli_config("[x\n"),
            Err(ProfileError::Invalid(_))
        ));
    }

    #[test]
    #[cfg(windows)]
    fn the_connections_file_is_in_the_users_roaming_app_data() {
        let appdata = std::path::PathBuf::from(std::env::var_os("APPDATA").unwrap());
        let store = ProfileStore::in_config_dir().unwrap();
        assert!(store.path().starts_with(&appdata), "{:?}", store.path());
        assert!(store.path().ends_with("profiles.json"));
    }
}
