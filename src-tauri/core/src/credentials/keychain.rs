//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows), reached through `keyring`.

use serde::Serialize;
use ts_rs::TS;

/// The keychain service name every entry of the app is stored under.
pub const SERVICE: &str = "atlas-access-manager";

/// An account name no profile can take, used only to see whether the store answers.
const PROBE_ACCOUNT: &str = "\u{0}keychain-probe";

/// Whether the OS keychain can be used right now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// The store in use on this platform, in words a person knows.
    pub backend: String,
    /// True when a read reached the store (finding nothing counts as reached).
    pub reachable: bool,
    /// What went wrong and what to do about it, when it is not reachable.
    pub problem: Option<String>,
}

/// The name of this platform's credential store.
pub fn backend_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "Secret Service"
    } else if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "unsupported platform"
    }
}

/// Asks the store for an entry that never exists: "no entry" proves it answers.
pub async fn probe() -> KeychainStatus {
    let problem = match read_secret(PROBE_ACCOUNT).await {
        Ok(_) | Err(KeychainError::Missing { .. }) => None,
        Err(error) => {
            tracing::warn!(%error, "keychain unreachable");
            Some(error.advice())
        }
    };
    KeychainStatus {
        backend: backend_name().to_owned(),
        reachable: problem.is_none(),
        problem,
    }
}

/// What can go wrong with the keychain, each with what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    #[error("no {backend} is running")]
    NoStore {
        backend: &'static str,
        detail: String,
    },
    #[error("the {backend} is locked")]
    Locked { backend: &'static str },
    #[error("the keychain holds no private key for {account}")]
    Missing { account: String },
    #[error("the {backend} failed: {detail}")]
    Failed {
        backend: &'static str,
        detail: String,
    },
}

impl KeychainError {
    pub fn advice(&self) -> String {
        match self {
            Self::NoStore { backend, .. } => format!(
                "No {backend} is running, so private keys cannot be kept. On Linux, start GNOME Keyring or KeePassXC (Secret Service) and try again."
            ),
            Self::Locked { backend } => {
                format!("The {backend} is locked. Unlock it and try again.")
            }
            Self::Missing { account } => format!(
                "The connection {account} exists, but its private key is gone from the keychain. Enter the private key again."
            ),
            Self::Failed { backend, detail } => format!("The {backend} failed: {detail}"),
        }
    }

    fn from_keyring(error: keyring::Error, account: &str) -> Self {
        let backend = backend_name();
        match error {
            keyring::Error::NoEntry => Self::Missing {
                account: account.to_owned(),
            },
            keyring::Error::NoStorageAccess(_) => Self::Locked { backend },
            keyring::Error::PlatformFailure(detail) => Self::NoStore {
                backend,
                detail: detail.to_string(),
            },
            other => Self::Failed {
                backend,
                detail: other.to_string(),
            },
        }
    }
}

/// One lock around every keychain call: Secret Service implementations do
/// not like concurrent writers, and reads must not see half a change.
static KEYCHAIN_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn with_entry<T>(
    account: &str,
    f: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
) -> Result<T, KeychainError> {
    let _guard = KEYCHAIN_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = keyring::Entry::new(SERVICE, account)
        .map_err(|error| KeychainError::from_keyring(error, account))?;
    f(&entry).map_err(|error| KeychainError::from_keyring(error, account))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, KeychainError> + Send + 'static,
) -> Result<T, KeychainError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|join_error| {
            Err(KeychainError::Failed {
                backend: backend_name(),
                detail: join_error.to_string(),
            })
        })
}

/// Stores the private key of `account`, replacing any earlier one.
pub async fn store_secret(
    account: &str,
    secret: &secrecy::SecretString,
) -> Result<(), KeychainError> {
    use secrecy::ExposeSecret;
    let account = account.to_owned();
    let secret = secret.clone();
    blocking(move || with_entry(&account, |entry| entry.set_password(secret.expose_secret()))).await
}

/// Reads the private key of `account`.
pub async fn read_secret(account: &str) -> Result<secrecy::SecretString, KeychainError> {
    let account = account.to_owned();
    blocking(move || {
        with_entry(&account, |entry| {
            entry.get_password().map(secrecy::SecretString::from)
        })
    })
    .await
}

/// Whether `account` has a private key stored. On Linux this reads the
/// item's attributes only, never the secret, so listing connections does not
/// copy every private key into memory.
pub async fn has_secret(account: &str) -> Result<bool, KeychainError> {
    let account = account.to_owned();
    blocking(
        move || match with_entry(&account, keyring::Entry::get_attributes) {
            Ok(_) => Ok(true),
            Err(KeychainError::Missing { .. }) => Ok(false),
            Err(other) => Err(other),
        },
    )
    .await
}

/// Removes the private key of `account`; removing a missing one is not an error.
pub async fn delete_secret(account: &str) -> Result<(), KeychainError> {
    let account = account.to_owned();
    blocking(
        move || match with_entry(&account, keyring::Entry::delete_credential) {
            Err(KeychainError::Missing { .. }) => Ok(()),
            other => other,
        },
    )
    .await
}

/// The Atlas CLI's own keychain entries: service `atlascli_<profile>`, one
/// entry per property (`public_api_key`, `private_api_key`, `client_id`,
/// `client_secret`), written by its keyring library (zalando/go-keyring).
pub mod atlas_cli {
    use secrecy::SecretString;

    use super::{KEYCHAIN_LOCK, KeychainError, blocking};

    /// Prefixes go-keyring puts before a value it encodes (macOS).
    const BASE64_PREFIX: &str = "go-keyring-base64:";
    const HEX_PREFIX: &str = "go-keyring-encoded:";

    /// One property of one profile: where it is, and how errors name it.
    struct Slot {
        service: String,
        property: String,
        account: String,
    }

    impl Slot {
        fn failed(&self, error: keyring::Error) -> KeychainError {
            KeychainError::from_keyring(error, &self.account)
        }
    }

    /// Runs `use_it` on the entry of `property` of `profile`, off the async
    /// runtime and under the keychain lock.
    async fn with_entry<T: Send + 'static>(
        profile: &str,
        property: &str,
        use_it: impl FnOnce(&Slot, keyring::Entry) -> Result<T, KeychainError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let service = format!("atlascli_{profile}");
        let slot = Slot {
            account: format!("{property} of the Atlas CLI profile {service}"),
            service,
            property: property.to_owned(),
        };
        blocking(move || {
            let _guard = KEYCHAIN_LOCK
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let entry = entry(&slot.service, &slot.property).map_err(|e| slot.failed(e))?;
            use_it(&slot, entry)
        })
        .await
    }

    /// Reads one property of an Atlas CLI profile; `None` when the CLI keeps
    /// none there.
    pub async fn read(
        profile: &str,
        property: &str,
    ) -> Result<Option<SecretString>, KeychainError> {
        with_entry(profile, property, |slot, entry| {
            // The bytes as go-keyring wrote them: UTF-8 on every system,
            // where `get_password` would read Windows's blob as UTF-16.
            match entry.get_secret() {
                Ok(bytes) => String::from_utf8(bytes)
                    .map(|value| Some(SecretString::from(decode(value))))
                    .map_err(|error| {
                        // The bytes may be the secret: zero them, say nothing of them.
                        zeroize::Zeroize::zeroize(&mut error.into_bytes());
                        KeychainError::Failed {
                            backend: super::backend_name(),
                            detail: format!("{} is not text", slot.account),
                        }
                    }),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(error) => Err(slot.failed(error)),
            }
        })
        .await
    }

    /// Writes one property of an Atlas CLI profile where the CLI reads it
    /// (mongodb/atlas-cli-core, `config/secure/go_keyring.go`: service
    /// `atlascli_<profile>`, username the property, the value as UTF-8),
    /// replacing what is there.
    pub async fn write(
        profile: &str,
        property: &str,
        value: &SecretString,
    ) -> Result<(), KeychainError> {
        let value = value.clone();
        with_entry(profile, property, move |slot, existing| {
            // UTF-8 bytes, as go-keyring writes and reads them everywhere
            // (Windows's `set_password` would write UTF-16).
            let bytes = secrecy::ExposeSecret::expose_secret(&value).as_bytes();
            match existing.get_secret() {
                Ok(mut old) => {
                    zeroize::Zeroize::zeroize(&mut old);
                    existing.set_secret(bytes).map_err(|e| slot.failed(e))
                }
                Err(keyring::Error::NoEntry) => new_entry(&slot.service, &slot.property)
                    .map_err(|e| slot.failed(e))?
                    .set_secret(bytes)
                    .map_err(|e| slot.failed(e)),
                Err(error) => Err(slot.failed(error)),
            }
        })
        .await
    }

    /// Removes one property of an Atlas CLI profile; none there is no error.
    pub async fn delete(profile: &str, property: &str) -> Result<(), KeychainError> {
        with_entry(profile, property, |slot, entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(error) => Err(slot.failed(error)),
            }
        })
        .await
    }

    /// go-keyring's Secret Service items carry only `service` and `username`
    /// attributes, not the `target` keyring adds to its own.
    #[cfg(target_os = "linux")]
    fn entry(service: &str, property: &str) -> keyring::Result<keyring::Entry> {
        let credential =
            keyring::secret_service::SsCredential::new_with_no_target(service, property)?;
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    /// A new item must name a collection: the default one, where go-keyring
    /// puts its own. Its extra attributes do not hide it from a search by
    /// `service` and `username`, which is how go-keyring looks.
    #[cfg(target_os = "linux")]
    fn new_entry(service: &str, property: &str) -> keyring::Result<keyring::Entry> {
        let credential =
            keyring::secret_service::SsCredential::new_with_target(None, service, property)?;
        Ok(keyring::Entry::new_with_credential(Box::new(credential)))
    }

    #[cfg(not(target_os = "linux"))]
    fn new_entry(service: &str, property: &str) -> keyring::Result<keyring::Entry> {
        entry(service, property)
    }

    /// go-keyring names a Windows credential `<service>:<username>`
    /// (zalando/go-keyring, keyring_windows.go), where keyring's own
    /// convention is `<username>.<service>`.
    #[cfg(windows)]
    fn entry(service: &str, property: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new_with_target(&format!("{service}:{property}"), service, property)
    }

    /// macOS: a generic password with the service and account, as keyring's.
    #[cfg(not(any(target_os = "linux", windows)))]
    fn entry(service: &str, property: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(service, property)
    }

    /// The value as the CLI gave it, whichever way go-keyring stored it.
    fn decode(value: String) -> String {
        use base64::Engine;
        if let Some(encoded) = value.strip_prefix(BASE64_PREFIX) {
            if let Some(text) = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
            {
                return text;
            }
        } else if let Some(encoded) = value.strip_prefix(HEX_PREFIX)
            && let Some(text) = hex::decode(encoded)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
        {
            return text;
        }
        value
    }

    #[cfg(test)]
    mod tests {
        use super::decode;

        #[test]
        fn values_go_keyring_encoded_are_decoded() {
            assert_eq!(decode("plain-secret".into()), "plain-secret");
            assert_eq!(
                decode("go-keyring-base64:bWRiX3NhX3NrX2FiYw==".into()),
                "mdb_sa_sk_abc"
            );
            assert_eq!(
                decode("go-keyring-encoded:6d64625f73615f736b5f616263".into()),
                "mdb_sa_sk_abc"
            );
            assert_eq!(
                decode("go-keyring-base64:not base64!".into()),
                "go-keyring-base64:not base64!"
            );
        }
    }
}
