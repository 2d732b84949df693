//! HTTP Digest authentication as Atlas does it: realm "MMS Public API", MD5,
//! qop "auth". Nonces expire (a late one gets `stale=true`), and each nonce
//! count may be used once.
//!
//! A nonce carries its own proof: when it was issued and an HMAC of that
//! under a secret of this process. Issuing one keeps nothing, so a flood of
//! unauthenticated requests costs no memory and cannot push out the nonces
//! real clients hold. Only a nonce used by a right answer is remembered, for
//! its counts.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::Sha256;

pub const REALM: &str = "MMS Public API";
/// How many used nonces are remembered at most. When full, the oldest are
/// forgotten, and every nonce issued up to them is stale from then on, so
/// forgetting one never lets its counts be used again.
const MAX_NONCES: usize = 100_000;
/// How many counts one nonce may serve; then it is stale and a new one is issued.
const MAX_COUNTS_PER_NONCE: usize = 100_000;

pub fn md5_hex(text: &str) -> String {
    format!("{:x}", Md5::digest(text.as_bytes()))
}

/// HA1 for a key pair: the only thing about a private key the server keeps.
pub fn ha1(public_key: &str, private_key: &str) -> String {
    md5_hex(&format!("{public_key}:{REALM}:{private_key}"))
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No or unusable credentials: challenge afresh.
    Missing,
    /// Right credentials, expired nonce: challenge with `stale=true`.
    Stale,
    /// Wrong key, wrong response or a replayed nonce count.
    Refused,
}

struct NonceState {
    issued_ms: u64,
    /// Counts already used. Concurrent requests arrive out of order, so a
    /// replay is a count seen before, not one lower than the highest.
    used_counts: HashSet<u32>,
}

pub struct DigestAuth {
    /// The nonces used by a right answer, with their counts.
    used: Mutex<UsedNonces>,
    lifetime: Duration,
    /// Signs nonces; made at start, never leaves the process.
    secret: [u8; 32],
    started: Instant,
}

#[derive(Default)]
struct UsedNonces {
    by_nonce: HashMap<String, NonceState>,
    /// Nonces issued at or before this (ms since start) are stale.
    stale_up_to_ms: Option<u64>,
}

/// The parameters of an `Authorization: Digest …` header.
#[derive(Debug, Default)]
struct Credentials {
    username: String,
    realm: String,
    nonce: String,
    uri: String,
    response: String,
    qop: String,
    nc: String,
    cnonce: String,
    algorithm: Option<String>,
}

impl DigestAuth {
    pub fn new(lifetime: Duration) -> Self {
        Self {
            used: Mutex::default(),
            lifetime,
            secret: rand::rng().random(),
            started: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The nonce's signature: 16 hex digits of HMAC-SHA-256 over its issue
    /// time and salt.
    fn signature(&self, issued_and_salt: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            return String::new();
        };
        mac.update(issued_and_salt.as_bytes());
        mac.finalize().into_bytes()[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// When a nonce this process signed was issued; `None` for any other.
    /// Its 32 characters: the issue time (10 hex digits of ms since start),
    /// a 6-character salt, the signature.
    fn issued_ms(&self, nonce: &str) -> Option<u64> {
        if nonce.len() != 32 || !nonce.is_ascii() {
            return None;
        }
        let (issued_and_salt, signature) = nonce.split_at(16);
        let expected = self.signature(issued_and_salt);
        if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
            return None;
        }
        u64::from_str_radix(&issued_and_salt[..10], 16).ok()
    }

    /// A `WWW-Authenticate` value with a new nonce.
    pub fn challenge(&self, stale: bool) -> String {
        let salt: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(6)
            .map(char::from)
            .collect();
        let issued_and_salt = format!("{:010x}{salt}", self.now_ms() & 0xff_ffff_ffff);
        let nonce = format!("{issued_and_salt}{}", self.signature(&issued_and_salt));
        format!(
            "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale={stale}"
        )
    }

    /// Checks an `Authorization` header for `method` on `uri` (path and query).
    /// `ha1_of` finds a public key's HA1. On success, the public key.
    pub fn verify(
        &self,
        method: &str,
        uri: &str,
        header: Option<&str>,
        ha1_of: impl Fn(&str) -> Option<String>,
    ) -> Result<String, Rejection> {
        let header = header.ok_or(Rejection::Missing)?;
        let credentials = parse(header).ok_or(Rejection::Missing)?;
        if credentials.realm != REALM
            || credentials.qop != "auth"
            || credentials
                .algorithm
                .as_deref()
                .is_some_and(|alg| !alg.eq_ignore_ascii_case("MD5"))
        {
            return Err(Rejection::Missing);
        }
        if credentials.uri != uri {
            return Err(Rejection::Refused);
        }
        let count = u32::from_str_radix(&credentials.nc, 16).map_err(|_| Rejection::Refused)?;
        let ha1 = ha1_of(&credentials.username).ok_or(Rejection::Refused)?;
        let ha2 = md5_hex(&format!("{method}:{}", credentials.uri));
        let expected = md5_hex(&format!(
            "{ha1}:{}:{}:{}:{}:{ha2}",
            credentials.nonce, credentials.nc, credentials.cnonce, credentials.qop
        ));
        if !constant_time_eq(
            expected.as_bytes(),
            credentials.response.to_ascii_lowercase().as_bytes(),
        ) {
            return Err(Rejection::Refused);
        }
        let issued_ms = self.issued_ms(&credentials.nonce).ok_or(Rejection::Stale)?;
        let now_ms = self.now_ms();
        let lifetime_ms = u64::try_from(self.lifetime.as_millis()).unwrap_or(u64::MAX);
        if now_ms.saturating_sub(issued_ms) >= lifetime_ms {
            return Err(Rejection::Stale);
        }
        let mut used = self.used.lock().map_err(|_| Rejection::Missing)?;
        if used.stale_up_to_ms.is_some_and(|floor| issued_ms <= floor) {
            return Err(Rejection::Stale);
        }
        if !used.by_nonce.contains_key(&credentials.nonce) {
            used.make_room(now_ms, lifetime_ms);
        }
        let state = used
            .by_nonce
            .entry(credentials.nonce.clone())
            .or_insert_with(|| NonceState {
                issued_ms,
                used_counts: HashSet::new(),
            });
        if state.used_counts.len() >= MAX_COUNTS_PER_NONCE {
            used.by_nonce.remove(&credentials.nonce);
            return Err(Rejection::Stale);
        }
        if count == 0 || !state.used_counts.insert(count) {
            return Err(Rejection::Refused);
        }
        Ok(credentials.username)
    }
}

impl UsedNonces {
    /// Keeps the table under [`MAX_NONCES`]: expired nonces go first, then
    /// the oldest, which become stale with every nonce issued before them.
    fn make_room(&mut self, now_ms: u64, lifetime_ms: u64) {
        if self.by_nonce.len() < MAX_NONCES {
            return;
        }
        self.by_nonce
            .retain(|_, state| now_ms.saturating_sub(state.issued_ms) < lifetime_ms);
        if self.by_nonce.len() < MAX_NONCES {
            return;
        }
        let mut issued: Vec<u64> = self.by_nonce.values().map(|s| s.issued_ms).collect();
        issued.sort_unstable();
        let floor = issued[issued.len() / 2];
        self.by_nonce.retain(|_, state| state.issued_ms > floor);
        self.stale_up_to_ms = Some(self.stale_up_to_ms.map_or(floor, |old| old.max(floor)));
    }
}

fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Parses `Digest k=v, k="v, with commas", …`.
fn parse(header: &str) -> Option<Credentials> {
    let rest = header.trim_start();
    let (scheme, params) = rest.split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("Digest") {
        return None;
    }
    let mut credentials = Credentials::default();
    let mut chars = params.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if name.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut escaped = false;
            for c in chars.by_ref() {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => break,
                    _ => {
                        value.push(c);
                        escaped = false;
                    }
                }
            }
        } else {
            while let Some(c) = chars.peek() {
                if *c == ',' {
                    break;
                }
                value.push(*c);
                chars.next();
            }
            value = value.trim().to_owned();
        }
        match name.trim().to_ascii_lowercase().as_str() {
            "username" => credentials.username = value,
            "realm" => credentials.realm = value,
            "nonce" => credentials.nonce = value,
            "uri" => credentials.uri = value,
            "response" => credentials.response = value,
            "qop" => credentials.qop = value,
            "nc" => credentials.nc = value,
            "cnonce" => credentials.cnonce = value,
            "algorithm" => credentials.algorithm = Some(value),
            _ => {}
        }
    }
    let complete = [
        &credentials.username,
        &credentials.nonce,
        &credentials.uri,
        &credentials.response,
        &credentials.nc,
        &credentials.cnonce,
    ]
    .iter()
    .all(|field| !field.is_empty());
    complete.then_some(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authorization(auth: &DigestAuth, nonce: &str, nc: &str, private_key: &str) -> String {
        let _ = auth;
        let ha1 = ha1("abcdefgh", private_key);
        let ha2 = md5_hex("GET:/api/atlas/v2");
        let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:cnonce1:auth:{ha2}"));
        format!(
            "Digest username=\"abcdefgh\", realm=\"MMS Public API\", nonce=\"{nonce}\", uri=\"/api/atlas/v2\", \
             algorithm=MD5, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"cnonce1\""
        )
    }

    fn nonce_of(challenge: &str) -> String {
        challenge
            .split("nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    }

    fn lookup(user: &str) -> Option<String> {
        (user == "abcdefgh").then(|| ha1("abcdefgh", "secret"))
    }

    #[test]
    fn challenge_has_atlas_form() {
        let auth = DigestAuth::new(Duration::from_secs(60));
        let challenge = auth.challenge(false);
        let nonce = nonce_of(&challenge);
        assert_eq!(nonce.len(), 32);
        assert_eq!(
            challenge,
            format!(
                "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\", stale=false"
            )
        );
    }

    #[test]
    fn accepts_right_key_and_refuses_replay_and_wrong_key() {
        let auth = DigestAuth::new(Duration::from_secs(60));
        let nonce = nonce_of(&auth.challenge(false));
        let good = authorization(&auth, &nonce, "00000001", "secret");
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&good), lookup),
            Ok("abcdefgh".to_owned())
        );
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&good), lookup),
            Err(Rejection::Refused)
        );
        let next = authorization(&auth, &nonce, "00000002", "secret");
        assert!(
            auth.verify("GET", "/api/atlas/v2", Some(&next), lookup)
                .is_ok()
        );
        let wrong = authorization(&auth, &nonce, "00000004", "not-the-secret");
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&wrong), lookup),
            Err(Rejection::Refused)
        );
        assert_eq!(
            auth.verify("GET", "/other", Some(&next), lookup),
            Err(Rejection::Refused)
        );
    }

    #[test]
    fn a_flood_of_challenges_leaves_the_nonces_clients_hold() {
        let auth = DigestAuth::new(Duration::from_secs(60));
        let held = nonce_of(&auth.challenge(false));
        // Unauthenticated requests, each answered with a challenge.
        for _ in 0..=MAX_NONCES {
            auth.challenge(false);
        }
        let header = authorization(&auth, &held, "00000001", "secret");
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&header), lookup),
            Ok("abcdefgh".to_owned())
        );
        assert_eq!(auth.used.lock().unwrap().by_nonce.len(), 1);
    }

    #[test]
    fn a_full_table_forgets_the_oldest_and_never_lets_their_counts_again() {
        let mut used = UsedNonces::default();
        for index in 0..MAX_NONCES as u64 {
            used.by_nonce.insert(
                format!("n{index}"),
                NonceState {
                    issued_ms: index,
                    used_counts: HashSet::from([1]),
                },
            );
        }
        used.make_room(1_000, 60_000);
        assert!(used.by_nonce.len() <= MAX_NONCES / 2);
        let floor = used.stale_up_to_ms.expect("a floor");
        assert!(!used.by_nonce.contains_key("n0"));
        assert!(floor >= 1, "nonces up to the forgotten ones are stale");
    }

    #[test]
    fn expired_and_unknown_nonces_are_stale() {
        let auth = DigestAuth::new(Duration::ZERO);
        let nonce = nonce_of(&auth.challenge(false));
        let header = authorization(&auth, &nonce, "00000001", "secret");
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&header), lookup),
            Err(Rejection::Stale)
        );
        let unknown = authorization(
            &auth,
            "0123456789abcdef0123456789abcdef",
            "00000001",
            "secret",
        );
        assert_eq!(
            auth.verify("GET", "/api/atlas/v2", Some(&unknown), lookup),
            Err(Rejection::Stale)
        );
    }

    #[test]
    fn garbage_headers_are_missing_credentials() {
        let auth = DigestAuth::new(Duration::from_secs(60));
        for header in [
            "",
            "Basic abc",
            "Digest",
            "Digest username",
            "Digest =,,,\"",
            "Digest a=\"unterminated",
        ] {
            assert_eq!(
                auth.verify("GET", "/", Some(header), lookup),
                Err(Rejection::Missing),
                "{header}"
            );
        }
    }
}
