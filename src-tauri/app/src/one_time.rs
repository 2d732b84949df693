//! Private keys of newly created API keys, between their creation and the
//! close of the one-time dialog. Copying goes through here so the clipboard
//! can be cleared later, and at the latest when the app quits; closing the
//! dialog drops (and zeroes) the key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::CommandError;
use crate::ipc::Host;

/// How long a copied secret (a private key, a client secret) may stay on the clipboard.
pub const CLIPBOARD_CLEAR_AFTER: Duration = Duration::from_secs(60);
/// Shortens [`CLIPBOARD_CLEAR_AFTER`] (seconds), so the end-to-end test
/// need not wait a whole minute to see the clipboard cleared.
const CLEAR_AFTER_VAR: &str = "AAM_CLIPBOARD_CLEAR_SECS";

/// How long a new secret (a key's private key, an account's client secret) is held if its dialog never closes.
pub const ONE_TIME_KEY_LIFETIME: Duration = Duration::from_secs(15 * 60);

pub struct OneTimeKeys {
    /// Each secret with when it was kept.
    by_key_id: Mutex<HashMap<String, (SecretString, Instant)>>,
    lifetime: Duration,
    /// Fingerprints of the keys copied and not yet cleared from the clipboard.
    on_clipboard: Mutex<Vec<Fingerprint>>,
}

pub type Fingerprint = [u8; 32];

impl Default for OneTimeKeys {
    fn default() -> Self {
        Self::with_lifetime(ONE_TIME_KEY_LIFETIME)
    }
}

impl OneTimeKeys {
    pub fn with_lifetime(lifetime: Duration) -> Self {
        Self {
            by_key_id: Mutex::default(),
            lifetime,
            on_clipboard: Mutex::default(),
        }
    }

    /// Holds a new secret (by its key id or secret id) until [`Self::forget`], or until its
    /// lifetime is over, whichever comes first.
    pub fn keep(self: &Arc<Self>, key_id: &str, private_key: SecretString) {
        if let Ok(mut keys) = self.by_key_id.lock() {
            keys.insert(key_id.to_owned(), (private_key, Instant::now()));
        }
        let keys = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(keys.lifetime).await;
            keys.forget_expired();
        });
    }

    /// Drops the secret; `SecretString` zeroes it.
    pub fn forget(&self, key_id: &str) -> bool {
        self.by_key_id
            .lock()
            .map(|mut keys| keys.remove(key_id).is_some())
            .unwrap_or(false)
    }

    /// Drops every secret held longer than the lifetime.
    pub fn forget_expired(&self) {
        if let Ok(mut keys) = self.by_key_id.lock() {
            let before = keys.len();
            keys.retain(|_, (_, kept)| kept.elapsed() < self.lifetime);
            if keys.len() < before {
                tracing::info!(dropped = before - keys.len(), "one-time secrets expired");
            }
        }
    }

    /// Puts the secret on the clipboard, marked as a secret; answers
    /// its fingerprint, for [`Self::clear_clipboard_of`].
    pub fn copy_to_clipboard(
        &self,
        key_id: &str,
        host: &dyn Host,
    ) -> Result<Fingerprint, CommandError> {
        let (written, copied) = self.with(key_id, |secret| {
            (
                host.write_secret_to_clipboard(secret.expose_secret()),
                fingerprint(secret),
            )
        })?;
        written.map_err(|error| {
            CommandError::internal(format!("The clipboard could not be written: {error}"))
        })?;
        if let Ok(mut pending) = self.on_clipboard.lock() {
            pending.push(copied);
        }
        Ok(copied)
    }

    /// Clears the clipboard if it still holds the secret with this
    /// fingerprint; anything copied since is left alone. Answers whether it
    /// cleared it.
    pub fn clear_clipboard_of(&self, copied: Fingerprint, host: &dyn Host) -> bool {
        if let Ok(mut pending) = self.on_clipboard.lock() {
            pending.retain(|other| *other != copied);
        }
        let still_there = host
            .read_clipboard()
            .is_some_and(|text| fingerprint_text(&text) == copied);
        if !still_there {
            return false;
        }
        match host.clear_clipboard() {
            Ok(()) => {
                tracing::info!("clipboard cleared of a copied secret");
                true
            }
            Err(error) => {
                tracing::warn!(%error, "clipboard could not be cleared");
                false
            }
        }
    }

    /// The app is quitting: no copied key outlives it on the clipboard.
    pub fn clear_clipboard_on_exit(&self, host: &dyn Host) {
        let pending = self
            .on_clipboard
            .lock()
            .map(|pending| pending.clone())
            .unwrap_or_default();
        for copied in pending {
            self.clear_clipboard_of(copied, host);
        }
    }

    /// Runs `use_it` on the secret, if it is still held.
    pub fn with<T>(
        &self,
        key_id: &str,
        use_it: impl FnOnce(&SecretString) -> T,
    ) -> Result<T, CommandError> {
        self.forget_expired();
        let keys = self
            .by_key_id
            .lock()
            .map_err(|_| CommandError::internal("The one-time key store is unusable."))?;
        let (secret, _) = keys.get(key_id).ok_or_else(|| {
            CommandError::invalid(format!(
                "This secret is no longer held: a new private key or client secret is kept only until its dialog closes, and {} minutes at most.",
                self.lifetime.as_secs() / 60
            ))
        })?;
        Ok(use_it(secret))
    }
}

/// A fingerprint of the copied text, so the clearing task can tell whether
/// the clipboard still holds the key without keeping the key itself.
fn fingerprint(secret: &SecretString) -> Fingerprint {
    Sha256::digest(secret.expose_secret().as_bytes()).into()
}

fn fingerprint_text(text: &str) -> Fingerprint {
    Sha256::digest(text.as_bytes()).into()
}

/// The clipboard's lifetime for a key: 60 s unless shortened for tests.
pub fn clear_after() -> Duration {
    clear_after_from(std::env::var(CLEAR_AFTER_VAR).ok().as_deref())
}

/// The delay `setting` asks for, in whole seconds: never longer than
/// [`CLIPBOARD_CLEAR_AFTER`], and that when unset or unreadable.
fn clear_after_from(setting: Option<&str>) -> Duration {
    setting
        .and_then(|secs| secs.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .filter(|delay| *delay <= CLIPBOARD_CLEAR_AFTER)
        .unwrap_or(CLIPBOARD_CLEAR_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_key_is_dropped_after_its_lifetime_even_if_never_forgotten() {
        let keys = Arc::new(OneTimeKeys::with_lifetime(Duration::from_millis(100)));
        keys.keep(
            "k1",
            SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977"),
        );
        assert!(keys.with("k1", |_| ()).is_ok());
        tokio::time::sleep(Duration::from_millis(400)).await;
        // Dropped by the timer, without anyone asking for it.
        assert!(keys.by_key_id.lock().unwrap().is_empty());
        let error = keys.with("k1", |_| ()).unwrap_err();
        assert!(
            error.message.contains("no longer held"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_key_is_held_until_forgotten() {
        let keys = Arc::new(OneTimeKeys::default());
        keys.keep(
            "k1",
            SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977"),
        );
        let tail = keys
            .with("k1", |secret| secret.expose_secret()[24..].to_owned())
            .unwrap();
        assert_eq!(tail, "01bdd56c8977");
        assert!(keys.forget("k1"));
        assert!(!keys.forget("k1"));
        let error = keys.with("k1", |_| ()).unwrap_err();
        assert_eq!(error.kind, crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn quitting_clears_a_copied_key_but_not_what_was_copied_since() {
        let host = crate::command_tests::RecordingHost::default();
        let clipboard = || host.clipboard.lock().unwrap().clone();
        let keys = Arc::new(OneTimeKeys::default());
        keys.keep(
            "k1",
            SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977"),
        );
        keys.keep(
            "k2",
            SecretString::from("0a4f7c3e-59d2-4b1e-9e0b-6f2d1c8a7b35"),
        );

        keys.copy_to_clipboard("k1", &host).unwrap();
        assert_eq!(
            clipboard().as_deref(),
            Some("c8150efd-c7a0-4afd-8c4f-01bdd56c8977")
        );
        keys.forget("k1");
        keys.clear_clipboard_on_exit(&host);
        assert_eq!(clipboard(), None, "the copied key does not outlive the app");

        keys.copy_to_clipboard("k2", &host).unwrap();
        *host.clipboard.lock().unwrap() = Some("something else".to_owned());
        keys.clear_clipboard_on_exit(&host);
        assert_eq!(clipboard().as_deref(), Some("something else"));
    }

    #[test]
    fn the_timed_clear_leaves_nothing_for_the_exit() {
        let host = crate::command_tests::RecordingHost::default();
        let keys = Arc::new(OneTimeKeys::default());
        keys.keep(
            "k1",
            SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977"),
        );
        let copied = keys.copy_to_clipboard("k1", &host).unwrap();
        assert!(keys.clear_clipboard_of(copied, &host), "cleared");
        assert_eq!(*host.clipboard.lock().unwrap(), None);
        assert!(keys.on_clipboard.lock().unwrap().is_empty());
    }

    #[test]
    fn the_timed_clear_says_it_cleared_only_when_it_did() {
        let host = crate::command_tests::RecordingHost::default();
        let keys = Arc::new(OneTimeKeys::default());
        keys.keep(
            "k1",
            SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977"),
        );
        let copied = keys.copy_to_clipboard("k1", &host).unwrap();
        *host.clipboard.lock().unwrap() = Some("copied since".to_owned());
        assert!(!keys.clear_clipboard_of(copied, &host), "left alone");
        assert_eq!(
            host.clipboard.lock().unwrap().as_deref(),
            Some("copied since")
        );
    }

    #[test]
    fn the_fingerprint_matches_only_the_same_text() {
        let secret = SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977");
        assert_eq!(
            fingerprint(&secret),
            fingerprint_text("c8150efd-c7a0-4afd-8c4f-01bdd56c8977")
        );
        assert_ne!(fingerprint(&secret), fingerprint_text(""));
    }

    #[test]
    fn the_clear_delay_can_be_shortened_but_never_lengthened() {
        let secs = |s: u64| Duration::from_secs(s);
        assert_eq!(clear_after_from(None), secs(60));
        assert_eq!(clear_after_from(Some("3")), secs(3));
        assert_eq!(clear_after_from(Some(" 0 ")), secs(0));
        assert_eq!(clear_after_from(Some("60")), secs(60));
        assert_eq!(clear_after_from(Some("61")), secs(60));
        assert_eq!(clear_after_from(Some("3600")), secs(60));
        assert_eq!(clear_after_from(Some("-5")), secs(60));
        assert_eq!(clear_after_from(Some("soon")), secs(60));
        assert_eq!(clear_after_from(Some("")), secs(60));
    }
}
