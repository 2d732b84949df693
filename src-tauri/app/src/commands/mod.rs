//! The `#[tauri::command]`s the UI calls through `ui/src/api.ts`. Each checks
//! its input, calls `atlas-access-core` and maps the error; nothing more.

pub mod connections;
pub mod keys;
pub mod organization;
pub mod projects;

use atlas_access_core::keychain::{self, KeychainStatus};
use atlas_access_core::roles::{ROLES, RoleInfo, RoleScope};
use atlas_access_core::usecases::Progress;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

use crate::CommandError;

/// What the app is and whether the things it relies on are there.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub keychain: KeychainStatus,
}

#[tauri::command]
pub async fn app_info() -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        keychain: keychain::probe().await,
    })
}

/// Every role a key can be given, with the names the Atlas UI shows.
#[tauri::command]
pub fn roles() -> Vec<RoleInfo> {
    ROLES.to_vec()
}

/// The event a long operation sends as it goes, named by `operation`.
pub const PROGRESS_EVENT: &str = "progress";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    pub operation: String,
    pub done: usize,
    pub total: usize,
}

/// A progress callback that sends [`PROGRESS_EVENT`]s for `operation`, at
/// most one per percent: each event is a script the web view evaluates, and
/// 2,000 of them for one inventory cost the page memory it never gives back.
pub fn progress_sender(app: &AppHandle, operation: &str) -> impl Fn(Progress) + Send + Sync {
    let app = app.clone();
    let operation = operation.to_owned();
    let throttle = PercentThrottle::default();
    move |progress: Progress| {
        if !throttle.should_send(progress) {
            return;
        }
        let event = ProgressEvent {
            operation: operation.clone(),
            done: progress.done,
            total: progress.total,
        };
        if let Err(error) = app.emit(PROGRESS_EVENT, event) {
            tracing::debug!(%error, "progress event not sent");
        }
    }
}

/// Lets through the first report of each new whole percent, and the last.
/// Reports may come from several tasks at once, and out of order.
#[derive(Debug, Default)]
struct PercentThrottle {
    /// One more than the highest percent let through; 0 before the first.
    next_percent: AtomicUsize,
}

impl PercentThrottle {
    fn should_send(&self, progress: Progress) -> bool {
        // Nothing to do counts as done.
        let percent = (progress.done.min(progress.total) * 100)
            .checked_div(progress.total)
            .unwrap_or(100);
        self.next_percent.fetch_max(percent + 1, Ordering::Relaxed) <= percent
    }
}

/// A description as Atlas accepts it: 1 to 250 characters.
pub fn check_description(desc: &str) -> Result<String, CommandError> {
    let desc = desc.trim();
    let length = desc.chars().count();
    if length == 0 {
        return Err(CommandError::invalid("Enter a description for the key."));
    }
    if length > 250 {
        return Err(CommandError::invalid(format!(
            "The description is {length} characters long; Atlas accepts at most 250."
        )));
    }
    Ok(desc.to_owned())
}

/// At least one role, each of this scope. A role the app does not know is
/// accepted (Atlas adds roles) if it has this scope's prefix.
pub fn check_roles(roles: &[String], scope: RoleScope) -> Result<Vec<String>, CommandError> {
    let (prefix, what) = match scope {
        RoleScope::Organization => ("ORG_", "organization"),
        RoleScope::Project => ("GROUP_", "project"),
    };
    if roles.is_empty() {
        return Err(CommandError::invalid(format!(
            "Choose at least one {what} role."
        )));
    }
    if let Some(wrong) = roles.iter().find(|role| {
        !role.starts_with(prefix) || !role.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    }) {
        return Err(CommandError::invalid(format!(
            "{wrong} is not an {what} role."
        )));
    }
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(check_description("  CI key ").unwrap(), "CI key");
        assert!(check_description("   ").is_err());
        assert!(check_description(&"x".repeat(250)).is_ok());
        let error = check_description(&"é".repeat(251)).unwrap_err();
        assert!(error.message.contains("251"), "{}", error.message);
    }

    #[test]
    fn roles_must_be_of_the_scope() {
        let org = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_roles(
                &org(&["ORG_READ_ONLY", "ORG_MEMBER", "ORG_MEMBER"]),
                RoleScope::Organization
            )
            .unwrap(),
            org(&["ORG_MEMBER", "ORG_READ_ONLY"])
        );
        assert!(check_roles(&[], RoleScope::Organization).is_err());
        assert!(check_roles(&org(&["GROUP_OWNER"]), RoleScope::Organization).is_err());
        assert!(check_roles(&org(&["GROUP_FUTURE_ROLE"]), RoleScope::Project).is_ok());
        assert!(check_roles(&org(&["group_owner"]), RoleScope::Project).is_err());
    }

    #[test]
    fn progress_goes_out_once_per_percent_and_always_at_the_end() {
        let throttle = PercentThrottle::default();
        let sent: Vec<usize> = (0..=2000)
            .filter(|&done| throttle.should_send(Progress { done, total: 2000 }))
            .collect();
        assert_eq!(sent.len(), 101, "0 %, every percent, 100 %");
        assert_eq!(sent.first(), Some(&0));
        assert_eq!(sent.last(), Some(&2000));

        // A small job reports every step; a late, lower report is dropped.
        let throttle = PercentThrottle::default();
        assert!(throttle.should_send(Progress { done: 2, total: 3 }));
        assert!(!throttle.should_send(Progress { done: 1, total: 3 }));
        assert!(throttle.should_send(Progress { done: 3, total: 3 }));
        assert!(!throttle.should_send(Progress { done: 3, total: 3 }));
        // Nothing to do is at once the end.
        assert!(PercentThrottle::default().should_send(Progress { done: 0, total: 0 }));
    }
}
