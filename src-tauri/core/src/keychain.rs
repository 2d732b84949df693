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
///
/// Runs the blocking keychain call on tokio's blocking pool.
pub async fn probe() -> KeychainStatus {
    let outcome = tokio::task::spawn_blocking(probe_blocking).await;
    let problem = match outcome {
        Ok(problem) => problem,
        Err(join_error) => Some(format!("The keychain check did not finish: {join_error}")),
    };
    KeychainStatus {
        backend: backend_name().to_owned(),
        reachable: problem.is_none(),
        problem,
    }
}

fn probe_blocking() -> Option<String> {
    let entry = match keyring::Entry::new(SERVICE, PROBE_ACCOUNT) {
        Ok(entry) => entry,
        Err(error) => return Some(describe(&error)),
    };
    match entry.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => None,
        Err(error) => Some(describe(&error)),
    }
}

/// A sentence that says what is wrong with the store and what to do.
fn describe(error: &keyring::Error) -> String {
    tracing::warn!(error = %error, "keychain unreachable");
    match error {
        keyring::Error::NoStorageAccess(_) => format!(
            "The {} is locked or refused access. Unlock it and try again.",
            backend_name()
        ),
        keyring::Error::PlatformFailure(_) => format!(
            "No {} answered. On Linux, run a Secret Service such as GNOME Keyring or KeePassXC.",
            backend_name()
        ),
        other => format!("The {} failed: {other}", backend_name()),
    }
}
