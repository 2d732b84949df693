//! OAuth 2.0 client credentials for service accounts, as Atlas serves them:
//! `POST /api/oauth/token` with Basic auth (client id and secret) answers a
//! Bearer token; `POST /api/oauth/revoke` ends one. Tokens live in memory
//! only, by their SHA-256, and die with their secret.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::model::Data;

/// How long a token lasts, as Atlas gives it.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// Token requests per minute per client and IP address, as Atlas allows.
pub const TOKEN_REQUESTS_PER_MINUTE: u32 = 10;
/// Live tokens per service account.
pub const MAX_LIVE_TOKENS: usize = 100;

/// A token's holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub client_id: String,
    pub secret_id: String,
}

struct Token {
    holder: TokenHolder,
    expires: Instant,
}

pub struct Tokens {
    lifetime: Duration,
    requests_per_minute: u32,
    /// The limit's window: a minute, unless time is compressed for a test.
    window: Duration,
    /// By the token's SHA-256.
    live: Mutex<HashMap<String, Token>>,
    /// When each (client id, address) asked for a token in the last minute.
    asked: Mutex<HashMap<(String, IpAddr), Vec<Instant>>>,
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Why a token request was refused: an OAuth error (RFC 6749 §5.2), or
/// Atlas's rate limit.
#[derive(Debug)]
pub enum TokenRefusal {
    OAuth {
        status: StatusCode,
        error: &'static str,
        description: String,
    },
    RateLimited {
        retry_after: Duration,
        limit: u32,
    },
}

impl IntoResponse for TokenRefusal {
    fn into_response(self) -> Response {
        match self {
            Self::OAuth {
                status,
                error,
                description,
            } => {
                let mut response = (
                    status,
                    json!({ "error": error, "error_description": description }).to_string(),
                )
                    .into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                if status == StatusCode::UNAUTHORIZED {
                    headers.insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"Atlas\""),
                    );
                }
                response
            }
            Self::RateLimited { retry_after, limit } => {
                let body = json!({
                    "detail": format!(
                        "Resource /api/oauth/token is limited to {limit} requests every 1 minutes."
                    ),
                    "error": 429,
                    "errorCode": "RATE_LIMITED",
                    "parameters": ["/api/oauth/token", limit, 1],
                    "reason": "Too Many Requests",
                });
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, body.to_string()).into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
                response
            }
        }
    }
}

fn oauth(status: StatusCode, error: &'static str, description: &str) -> TokenRefusal {
    TokenRefusal::OAuth {
        status,
        error,
        description: description.to_owned(),
    }
}

/// The client id and secret of a `Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn form(body: &Bytes) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

impl Tokens {
    pub fn new(lifetime: Duration, requests_per_minute: u32, window: Duration) -> Self {
        Self {
            lifetime,
            requests_per_minute,
            window,
            live: Mutex::default(),
            asked: Mutex::default(),
        }
    }

    /// Counts a token request of `client_id` from `ip`; refuses the 11th in
    /// a minute.
    fn admit(&self, client_id: &str, ip: IpAddr) -> Result<(), TokenRefusal> {
        let Ok(mut asked) = self.asked.lock() else {
            return Ok(());
        };
        let minute = self.window;
        let times = asked.entry((client_id.to_owned(), ip)).or_default();
        times.retain(|at| at.elapsed() < minute);
        if times.len() >= self.requests_per_minute as usize {
            let oldest = times.first().copied().unwrap_or_else(Instant::now);
            return Err(TokenRefusal::RateLimited {
                retry_after: minute.saturating_sub(oldest.elapsed()),
                limit: self.requests_per_minute,
            });
        }
        times.push(Instant::now());
        Ok(())
    }

    /// `POST /api/oauth/token`: the secret's holder gets a token. Marks the
    /// secret used; answers the token or the refusal.
    pub fn issue(
        &self,
        data: &mut Data,
        headers: &HeaderMap,
        body: &Bytes,
        ip: IpAddr,
    ) -> Result<Response, TokenRefusal> {
        let Some((client_id, secret)) = basic_credentials(headers) else {
            return Err(oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: send the client id and secret with HTTP Basic.",
            ));
        };
        self.admit(&client_id, ip)?;
        let params = form(body);
        match params.get("grant_type").map(String::as_str) {
            Some("client_credentials") => {}
            Some(_) => {
                return Err(oauth(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Only grant_type=client_credentials is supported.",
                ));
            }
            None => {
                return Err(oauth(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The grant_type parameter is missing.",
                ));
            }
        }
        let now = chrono::Utc::now();
        let hash = sha256_hex(&secret);
        let secret = data
            .service_accounts
            .get_mut(&client_id)
            .and_then(|account| {
                account
                    .secrets
                    .iter_mut()
                    .find(|candidate| candidate.sha256 == hash && candidate.expires > now)
            })
            .ok_or_else(|| {
                oauth(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "Client authentication failed: the client id is unknown, or the secret is wrong, expired or deleted.",
                )
            })?;
        let holder = TokenHolder {
            client_id: client_id.clone(),
            secret_id: secret.id.clone(),
        };
        let Ok(mut live) = self.live.lock() else {
            return Err(oauth(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "The token store is unusable.",
            ));
        };
        live.retain(|_, token| token.expires > Instant::now());
        let held = live
            .values()
            .filter(|token| token.holder.client_id == client_id)
            .count();
        if held >= MAX_LIVE_TOKENS {
            return Err(oauth(
                StatusCode::FORBIDDEN,
                "access_denied",
                "This service account has too many live tokens: use the one it has until it expires.",
            ));
        }
        secret.last_used = Some(now);
        let token: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(48)
            .map(char::from)
            .collect();
        live.insert(
            sha256_hex(&token),
            Token {
                holder,
                expires: Instant::now() + self.lifetime,
            },
        );
        let mut response = (
            StatusCode::OK,
            json!({
                "access_token": token,
                "expires_in": self.lifetime.as_secs(),
                "token_type": "Bearer",
            })
            .to_string(),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(response)
    }

    /// `POST /api/oauth/revoke`: the client ends one of its tokens. An
    /// unknown token is not an error (RFC 7009 §2.2).
    pub fn revoke(
        &self,
        data: &Data,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<Response, TokenRefusal> {
        let Some((client_id, secret)) = basic_credentials(headers) else {
            return Err(oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: send the client id and secret with HTTP Basic.",
            ));
        };
        let hash = sha256_hex(&secret);
        let authenticated = data
            .service_accounts
            .get(&client_id)
            .is_some_and(|account| account.secrets.iter().any(|s| s.sha256 == hash));
        if !authenticated {
            return Err(oauth(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed: the client id or secret is wrong.",
            ));
        }
        let Some(token) = form(body).remove("token") else {
            return Err(oauth(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The token parameter is missing.",
            ));
        };
        if let Ok(mut live) = self.live.lock() {
            let key = sha256_hex(&token);
            if live
                .get(&key)
                .is_some_and(|held| held.holder.client_id == client_id)
            {
                live.remove(&key);
            }
        }
        Ok(StatusCode::OK.into_response())
    }

    /// Whose a live token is; `None` when it is unknown, expired or revoked.
    pub fn holder(&self, token: &str) -> Option<TokenHolder> {
        let live = self.live.lock().ok()?;
        live.get(&sha256_hex(token))
            .filter(|held| held.expires > Instant::now())
            .map(|held| held.holder.clone())
    }

    /// Ends every token made from this secret (it was deleted).
    pub fn forget_secret(&self, secret_id: &str) {
        if let Ok(mut live) = self.live.lock() {
            live.retain(|_, token| token.holder.secret_id != secret_id);
        }
    }

    /// Ends every token of this account (it was deleted).
    pub fn forget_account(&self, client_id: &str) {
        if let Ok(mut live) = self.live.lock() {
            live.retain(|_, token| token.holder.client_id != client_id);
        }
    }
}
