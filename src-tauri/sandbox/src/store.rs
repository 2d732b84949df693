//! The sandbox's data behind one lock, saved atomically to `--state` after
//! every change (temporary file, fsync, rename), so a kill at any moment
//! leaves either the previous or the new state on disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use axum::http::StatusCode;
use rand::Rng;

use crate::error::ApiError;
use crate::model::Data;

#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    #[error("cannot read the state file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the state file {path} is not sandbox state: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write the state file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct Store {
    data: Mutex<Data>,
    state_file: Option<PathBuf>,
}

impl Store {
    pub fn new(data: Data, state_file: Option<PathBuf>) -> Self {
        Self {
            data: Mutex::new(data),
            state_file,
        }
    }

    /// The saved state, if `path` holds one.
    pub fn load(path: &Path) -> Result<Option<Data>, StateFileError> {
        // A write cut short (the process killed) leaves its temporary file
        // behind; the state file itself is whole either way.
        let _ = std::fs::remove_file(temp_path(path));
        match std::fs::read(path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|source| StateFileError::Parse {
                        path: path.to_owned(),
                        source,
                    })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateFileError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // A panic while holding the lock cannot leave half a change: changes
        // validate first and mutate last. Keep serving.
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads under the lock.
    pub fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        f(&self.lock())
    }

    /// Changes under the lock without saving (usage counters).
    pub fn touch<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        f(&mut self.lock())
    }

    /// Changes under the lock, then saves. `f` must check everything before it
    /// changes anything, so an error leaves the data as it was.
    pub fn change<R>(
        &self,
        f: impl FnOnce(&mut Data) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut data = self.lock();
        let result = f(&mut data)?;
        if let Some(path) = &self.state_file {
            save(path, &data).map_err(|error| {
                tracing::error!(%error, "state not saved");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "UNEXPECTED_ERROR",
                    "The change could not be saved.",
                )
            })?;
        }
        Ok(result)
    }

    /// Saves the current data (used once at start-up for a new state file).
    pub fn save_now(&self) -> Result<(), StateFileError> {
        match &self.state_file {
            Some(path) => save(path, &self.lock()),
            None => Ok(()),
        }
    }
}

fn save(path: &Path, data: &Data) -> Result<(), StateFileError> {
    let write_error = |source| StateFileError::Write {
        path: path.to_owned(),
        source,
    };
    let bytes =
        serde_json::to_vec(data).map_err(|error| write_error(std::io::Error::other(error)))?;
    let dir = state_dir(path);
    let temp = temp_path(path);
    let result = (|| {
        // Digest HA1 values are as good as passwords: the file is its user's
        // alone. On Windows a new file takes its folder's ACL: the user's
        // own under the profile, where `--state` files of a developer live;
        // a state file put in a shared folder is as readable as that folder.
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(true).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        #[cfg(unix)]
        file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        // The rename itself is durable once the directory is synced.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(write_error)
}

fn state_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Where a save writes before it renames over the state file: one name, so a
/// write cut short leaves at most one file, which the next save overwrites.
fn temp_path(path: &Path) -> PathBuf {
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    state_dir(path).join(format!(".{file_name}.tmp"))
}

/// A new 24-hex id in the form Atlas uses (a MongoDB ObjectId).
pub fn new_object_id() -> String {
    object_id_at(chrono::Utc::now())
}

/// An id whose time part is `at`, as an ObjectId made then would have.
pub fn object_id_at(at: chrono::DateTime<chrono::Utc>) -> String {
    let seconds = at.timestamp().max(0) as u32;
    let tail: u64 = rand::rng().random();
    format!("{seconds:08x}{tail:016x}")
}

/// Eight lowercase letters, like Atlas public keys.
pub fn new_public_key(rng: &mut impl Rng) -> String {
    (0..8)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}
