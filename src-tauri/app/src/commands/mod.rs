//! The handlers of the commands in `surface.rs`. Each takes the open session,
//! calls one use case of `atlas-access-core` and maps its error; nothing more.

pub mod activity;
pub mod atlas_cli;
pub mod connections;
pub mod desktop;
pub mod export;
pub mod keys;
pub mod organization;
pub mod projects;
pub mod review;
pub mod service_accounts;

use atlas_access_core::access::roles::{ROLES, RoleInfo};
use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::access::usecases::Progress;
use atlas_access_core::credentials::keychain::{self, KeychainStatus};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CommandError;
use crate::ipc::{Ctx, NoArgs, ProgressChannel, ProgressEvent};

/// What the app is and whether the things it relies on are there.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub keychain: KeychainStatus,
}

/// An organization, by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgRef {
    pub org_id: AtlasId,
}

pub async fn app_info(_: &Ctx<'_>, _: NoArgs) -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        keychain: keychain::probe().await,
    })
}

/// Every role a key can be given, with the names the Atlas UI shows.
pub async fn roles(_: &Ctx<'_>, _: NoArgs) -> Result<Vec<RoleInfo>, CommandError> {
    Ok(ROLES.to_vec())
}

/// A progress callback that sends [`ProgressEvent`]s on the call's own
/// channel (none: nowhere), at most one per percent: each message is a
/// script the web view evaluates, and 2,000 of them for one inventory cost
/// the page memory it never gives back.
pub fn progress_sender(
    ctx: &Ctx<'_>,
    channel: Option<&ProgressChannel>,
) -> impl Fn(Progress) + Send + Sync {
    let send = channel.map(|channel| ctx.host.progress_to(channel));
    let throttle = PercentThrottle::default();
    move |progress: Progress| {
        if let Some(send) = &send
            && throttle.should_send(progress)
        {
            send(ProgressEvent {
                done: progress.done,
                total: progress.total,
            });
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

#[cfg(test)]
mod tests {
    use super::*;

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
