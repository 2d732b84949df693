//! A service account's session: OAuth 2.0 client credentials. The token is
//! asked for when first needed, kept in memory only, and replaced shortly
//! before it expires or once when Atlas refuses it; the token endpoint
//! allows 10 requests a minute, so a client asks once per token lifetime.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::time::Instant;
use zeroize::Zeroizing;

use super::client::AtlasClient;
use super::error::AtlasError;
use super::transport::{retry_after, transport_error};

/// How long before its expiry a token is replaced, at most.
const RENEW_BEFORE: Duration = Duration::from_secs(60);
/// The longest a token is kept, whatever its `expires_in` says (Atlas's last
/// an hour): a huge value must neither overflow the clock nor keep a token
/// for ever.
const LONGEST_TOKEN: Duration = Duration::from_secs(24 * 60 * 60);

/// When to ask for a new token, for one that lasts `expires_in` seconds from
/// `now`: a minute before an hour's token ends, in proportion for a shorter one.
fn renewal_time(now: Instant, expires_in: u64) -> Instant {
    let lifetime = Duration::from_secs(expires_in).min(LONGEST_TOKEN);
    now + lifetime - RENEW_BEFORE.min(lifetime / 60)
}

pub(super) struct OAuthSession {
    client_id: String,
    secret: SecretString,
    /// One at a time: requests side by side wait for the one token request.
    token: tokio::sync::Mutex<Option<Token>>,
    /// Set, under the token's lock, when the connection closes: no token is
    /// asked for after, so none outlives the revocation.
    closed: std::sync::atomic::AtomicBool,
}

struct Token {
    value: SecretString,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: SecretString,
    expires_in: u64,
}

/// An OAuth error body (RFC 6749 §5.2).
#[derive(Default, Deserialize)]
struct OAuthError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

impl OAuthSession {
    pub(super) fn new(client_id: &str, secret: &SecretString) -> Self {
        Self {
            client_id: client_id.to_owned(),
            secret: secret.clone(),
            token: tokio::sync::Mutex::new(None),
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(super) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret's last four characters: what Atlas's masked value shows
    /// of it, so the guard can tell which secret this connection uses.
    pub(super) fn secret_tail(&self) -> String {
        let secret = self.secret.expose_secret();
        secret
            .char_indices()
            .rev()
            .nth(3)
            .map_or_else(String::new, |(at, _)| secret[at..].to_owned())
    }

    /// The token to send: the one held, or a new one when it is about to
    /// expire or there is none.
    pub(super) async fn token(&self, client: &AtlasClient) -> Result<SecretString, AtlasError> {
        let mut held = self.token.lock().await;
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(AtlasError::Closed);
        }
        if let Some(token) = held.as_ref()
            && Instant::now() < token.renew_at
        {
            return Ok(token.value.clone());
        }
        let fresh = self.fetch(client).await?;
        let value = fresh.value.clone();
        *held = Some(fresh);
        Ok(value)
    }

    /// Atlas refused the token: the next request gets a new one.
    pub(super) async fn forget_token(&self) {
        *self.token.lock().await = None;
    }

    async fn fetch(&self, client: &AtlasClient) -> Result<Token, AtlasError> {
        let url = format!("{}/api/oauth/token", client.base_url);
        let mut waited = false;
        loop {
            let response = client
                .http
                .post(&url)
                .basic_auth(&self.client_id, Some(self.secret.expose_secret()))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(ACCEPT, "application/json")
                .body(form(&[("grant_type", "client_credentials")]))
                .send()
                .await
                .map_err(|error| transport_error(&url, &error))?;
            let status = response.status();
            let wait = retry_after(response.headers());
            let bytes = Zeroizing::new(Vec::from(
                response
                    .bytes()
                    .await
                    .map_err(|error| transport_error(&url, &error))?,
            ));
            if status.is_success() {
                let answer: TokenAnswer =
                    serde_json::from_slice(&bytes).map_err(|error| AtlasError::Decode {
                        what: "POST /api/oauth/token".to_owned(),
                        reason: error.to_string(),
                    })?;
                let renew_at = renewal_time(Instant::now(), answer.expires_in);
                tracing::debug!(client_id = %self.client_id, expires_in = answer.expires_in, "service account token");
                return Ok(Token {
                    value: answer.access_token,
                    renew_at,
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS
                && !waited
                && let Some(wait) = wait.filter(|wait| *wait <= client.options.max_retry_after)
            {
                // Refused, so not carried out: ask again once, when allowed.
                waited = true;
                tokio::time::sleep(wait).await;
                continue;
            }
            let mut body: OAuthError = serde_json::from_slice(&bytes).unwrap_or_default();
            body.error = super::transport::printable(body.error);
            body.error_description = super::transport::printable(body.error_description);
            return Err(match (status, body.error.as_str()) {
                (StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST, "invalid_client") => {
                    AtlasError::ServiceAccountRefused {
                        client_id: self.client_id.clone(),
                    }
                }
                _ => AtlasError::Api {
                    status: status.as_u16(),
                    code: if body.error.is_empty() {
                        "TOKEN_REFUSED".to_owned()
                    } else {
                        body.error.to_ascii_uppercase()
                    },
                    detail: if body.error_description.is_empty() {
                        format!("The token endpoint answered {status}.")
                    } else {
                        body.error_description
                    },
                    parameters: Vec::new(),
                    role_needed: None,
                },
            });
        }
    }

    /// Revokes the token held, if any (the connection closes). A failure is
    /// only logged: the token expires within the hour anyway.
    pub(super) async fn revoke(&self, client: &AtlasClient) {
        // A token request under way holds the lock: it ends first, and the
        // token it got is the one revoked.
        let token = {
            let mut held = self.token.lock().await;
            self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
            held.take()
        };
        let Some(token) = token else {
            return;
        };
        let url = format!("{}/api/oauth/revoke", client.base_url);
        // The form holding the token is moved into the request, not copied:
        // the one copy left is reqwest's (see the README on its buffers).
        let body = form(&[
            ("token", token.value.expose_secret()),
            ("token_type_hint", "access_token"),
        ]);
        let answer = client
            .http
            .post(&url)
            .basic_auth(&self.client_id, Some(self.secret.expose_secret()))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await;
        match answer {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(client_id = %self.client_id, "token revoked");
            }
            Ok(response) => tracing::warn!(status = %response.status(), "token not revoked"),
            Err(error) => tracing::warn!(%error, "token not revoked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_before_it_ends_and_a_huge_lifetime_is_cut_to_a_day() {
        let now = Instant::now();
        let hour = Duration::from_secs(3600);
        assert_eq!(renewal_time(now, 3600), now + hour - RENEW_BEFORE);
        assert_eq!(renewal_time(now, 600), now + Duration::from_secs(590));
        assert_eq!(renewal_time(now, 0), now);
        assert_eq!(
            renewal_time(now, u64::MAX),
            now + LONGEST_TOKEN - RENEW_BEFORE,
            "no overflow, no token kept for ever"
        );
    }
}
