//! How a request reaches Atlas and its answer comes back: signing (Digest or
//! a Bearer token), retries where they are safe, waiting out a 429, the
//! server's clock, and Atlas's errors in the app's terms.

use std::time::{Duration, Instant};

use super::roles_needed::role_needed;
use diqwest::session::CachedContextGuard;
use diqwest::{DigestAuthCredentials, DigestAuthSession, WithDigestAuth};
use rand::Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use zeroize::Zeroizing;

use super::client::{AtlasClient, Auth, MEDIA_TYPE, now_unix};
use super::error::AtlasError;
use super::models::ErrorBody;

/// The client's key pair as diqwest signs with it. diqwest's own session
/// would keep the private key as a plain `String` for the client's life; this
/// reads it from the zeroizing `SecretString` per request and borrows only
/// the session's cache of challenges.
struct DigestKey<'a> {
    public_key: &'a str,
    private_key: &'a SecretString,
    challenges: &'a DigestAuthSession,
}

impl DigestAuthCredentials for DigestKey<'_> {
    fn username(&self) -> &str {
        self.public_key
    }

    fn password(&self) -> &str {
        self.private_key.expose_secret()
    }

    fn cached_context<'h>(
        &self,
        host: &'h str,
    ) -> diqwest::error::Result<Option<CachedContextGuard<'_, 'h>>> {
        self.challenges.cached_context(host)
    }

    fn store_context(&self, host: &str, www_authenticate: &str) -> diqwest::error::Result<()> {
        self.challenges.store_context(host, www_authenticate)
    }

    fn clear_context(&self, host: &str) -> diqwest::error::Result<()> {
        self.challenges.clear_context(host)
    }
}

/// How far before the request an orphan's id may date: the `Date` header
/// and ObjectIds count whole seconds, and servers behind a balancer differ.
const ORPHAN_CLOCK_SLACK_SECS: u64 = 60;

/// How a request may be repeated when its answer does not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    /// GET, PATCH, DELETE: the same request twice has the same effect.
    Idempotent,
    /// POST: only when it certainly never reached the server.
    OnlyIfNotSent,
}

impl AtlasClient {
    /// Sends one request, retrying where that is safe, and returns the
    /// successful answer's body (empty for 204). The body is zeroed when
    /// dropped: a create's answer holds the new private key.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Zeroizing<Vec<u8>>, AtlasError> {
        self.send_as(MEDIA_TYPE, method, path, body, repeat).await
    }

    /// [`Self::send`] in another API version (`media`), as the
    /// service-account endpoints need.
    pub(super) async fn send_as(
        &self,
        media: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<Zeroizing<Vec<u8>>, AtlasError> {
        let url = format!("{}{path}", self.base_url);
        // A token refused once is replaced once: it may have been revoked.
        let mut token_renewed = false;
        let mut try_number = 1;
        // An earlier try may have been carried out though its answer was
        // lost: then a DELETE's 404 means it is done.
        let mut earlier_try_may_have_landed = false;
        loop {
            self.wait_while_paused().await;
            let mut request = self
                .http
                .request(method.clone(), &url)
                .header(ACCEPT, media);
            if let Some(body) = body {
                request = request.header(CONTENT_TYPE, media).body(body.to_string());
            }
            // Each failure is an error, and a wait when another try is safe.
            let answer = match &self.auth {
                Auth::Digest {
                    public_key,
                    private_key,
                    challenges,
                } => {
                    let key = DigestKey {
                        public_key,
                        private_key,
                        challenges,
                    };
                    request.send_digest_auth(key).await
                }
                Auth::OAuth(session) => {
                    let token = session.token(self).await?;
                    request
                        .bearer_auth(token.expose_secret())
                        .send()
                        .await
                        .map_err(diqwest::error::Error::Reqwest)
                }
            };
            if let Ok(response) = &answer {
                self.note_server_clock(response.headers());
            }
            let answer = match (answer, &self.auth) {
                (Ok(response), Auth::OAuth(session))
                    if response.status() == StatusCode::UNAUTHORIZED =>
                {
                    let bytes = response.bytes().await.unwrap_or_default();
                    let error =
                        api_error(StatusCode::UNAUTHORIZED, &bytes, role_needed(&method, path));
                    // The token itself refused (revoked with its secret,
                    // expired): replaced once, and the request, refused
                    // before it was carried out, sent again. A refusal for
                    // want of a role keeps the token: a new one would be
                    // refused the same, and token requests are rationed.
                    if matches!(error, AtlasError::BadCredentials) && !token_renewed {
                        token_renewed = true;
                        session.forget_token().await;
                        continue;
                    }
                    return Err(error);
                }
                (answer, _) => answer,
            };
            let (error, retry_in) = match answer {
                Ok(response) if response.status().is_success() => {
                    let bytes = response
                        .bytes()
                        .await
                        .map_err(|error| transport_error(&url, &error))?;
                    // Takes the buffer over where reqwest holds the only
                    // reference, so no unzeroed copy is left behind then.
                    return Ok(Zeroizing::new(Vec::from(bytes)));
                }
                Ok(response)
                    if repeat == Repeat::OnlyIfNotSent && response.status().is_server_error() =>
                {
                    // A server error says nothing of whether the create was
                    // carried out before it: the same as no answer at all.
                    let what = format!("{method} {path} (answered {})", response.status());
                    (AtlasError::OutcomeUnknown { what }, None)
                }
                Ok(response)
                    if earlier_try_may_have_landed
                        && method == Method::DELETE
                        && response.status() == StatusCode::NOT_FOUND =>
                {
                    tracing::info!(path, "already gone after a retried DELETE");
                    return Ok(Zeroizing::new(Vec::new()));
                }
                Ok(response) => {
                    let status = response.status();
                    let wait = retry_after(response.headers());
                    let error = api_error(
                        status,
                        &response.bytes().await.unwrap_or_default(),
                        role_needed(&method, path),
                    );
                    // Atlas refused the request, so it was not carried out.
                    let retry_in = match status {
                        StatusCode::TOO_MANY_REQUESTS => match wait {
                            Some(wait) if wait > self.options.max_retry_after => None,
                            wait => {
                                let wait = wait.unwrap_or_else(|| self.backoff(try_number));
                                self.pause_for(wait);
                                Some(wait)
                            }
                        },
                        StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                            if repeat == Repeat::Idempotent =>
                        {
                            earlier_try_may_have_landed = true;
                            Some(
                                wait.unwrap_or_else(|| self.backoff(try_number))
                                    .min(self.options.max_retry_after),
                            )
                        }
                        _ => None,
                    };
                    (error, retry_in)
                }
                Err(diqwest::error::Error::Reqwest(error)) => {
                    let never_sent = error.is_connect();
                    earlier_try_may_have_landed |= !never_sent;
                    if never_sent || (repeat == Repeat::Idempotent && !error.is_timeout()) {
                        (
                            transport_error(&url, &error),
                            Some(self.backoff(try_number)),
                        )
                    } else if repeat == Repeat::OnlyIfNotSent {
                        // Sent, and no answer: it may have happened. Never send it again.
                        let what = format!("{method} {path}");
                        (AtlasError::OutcomeUnknown { what }, None)
                    } else {
                        (transport_error(&url, &error), None)
                    }
                }
                Err(other) => {
                    let reason = other.to_string();
                    (
                        AtlasError::Unreachable {
                            url: url.clone(),
                            reason,
                        },
                        None,
                    )
                }
            };
            match retry_in {
                Some(wait) if try_number < self.options.max_tries => {
                    tracing::debug!(%method, path, try_number, ?wait, %error, "retrying Atlas request");
                    tokio::time::sleep(wait).await;
                    try_number += 1;
                }
                _ => return Err(error),
            }
        }
    }

    fn note_server_clock(&self, headers: &HeaderMap) {
        let server_time = headers
            .get(DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| httpdate::parse_http_date(text).ok())
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok());
        if let (Some(server_time), Ok(mut clock)) = (server_time, self.server_clock.lock()) {
            *clock = Some((Instant::now(), server_time.as_secs()));
        }
    }

    /// The earliest time, by the server's clock, that something a request
    /// started at `started` can have been created at (for a lost create).
    pub(super) fn created_no_earlier_than(&self, started: Instant) -> u64 {
        self.server_now()
            .saturating_sub(started.elapsed().as_secs() + ORPHAN_CLOCK_SLACK_SECS)
    }

    /// Now by the server's clock, or by this computer's if no answer told it.
    fn server_now(&self) -> u64 {
        self.server_clock
            .lock()
            .ok()
            .and_then(|clock| *clock)
            .map_or_else(now_unix, |(at, seconds)| seconds + at.elapsed().as_secs())
    }

    /// Waits out a pause a 429 asked for.
    async fn wait_while_paused(&self) {
        let until = self.paused_until.lock().ok().and_then(|until| *until);
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Holds every request of this client for `wait`.
    fn pause_for(&self, wait: Duration) {
        let until = tokio::time::Instant::now() + wait;
        if let Ok(mut paused) = self.paused_until.lock()
            && paused.is_none_or(|current| current < until)
        {
            *paused = Some(until);
        }
    }

    /// Exponential backoff with full jitter.
    fn backoff(&self, try_number: u32) -> Duration {
        let ceiling = self
            .options
            .backoff_base
            .saturating_mul(1 << (try_number - 1).min(6));
        let millis = ceiling.as_millis().max(1) as u64;
        Duration::from_millis(rand::rng().random_range(millis / 2..=millis))
    }

    pub(super) async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<T, AtlasError> {
        self.json_as(MEDIA_TYPE, method, path, body, repeat).await
    }

    pub(super) async fn json_as<T: DeserializeOwned>(
        &self,
        media: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        repeat: Repeat,
    ) -> Result<T, AtlasError> {
        let bytes = self
            .send_as(media, method.clone(), path, body, repeat)
            .await?;
        serde_json::from_slice(&bytes).map_err(|error| AtlasError::Decode {
            what: format!("{method} {path}"),
            reason: error.to_string(),
        })
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, AtlasError> {
        self.json(Method::GET, path, None, Repeat::Idempotent).await
    }

    pub(super) async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, AtlasError> {
        self.json(Method::PATCH, path, Some(body), Repeat::Idempotent)
            .await
    }

    pub(super) async fn delete(&self, path: &str) -> Result<(), AtlasError> {
        self.send(Method::DELETE, path, None, Repeat::Idempotent)
            .await
            .map(drop)
    }
}

pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// Text from the server as it may be logged and shown: control characters
/// (a line break that would forge a log line, a terminal's escape
/// sequence) written out as escapes.
pub(super) fn printable(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Atlas's refusal as an error; `role_needed` is the role the refused
/// operation needs, for a refusal for want of a role.
fn api_error(status: StatusCode, bytes: &[u8], role_needed: Option<&'static str>) -> AtlasError {
    let mut body: ErrorBody = serde_json::from_slice(bytes).unwrap_or_default();
    body.detail = printable(body.detail);
    body.error_code = printable(body.error_code);
    match (status, body.error_code.as_str()) {
        (_, "IP_ADDRESS_NOT_ON_ACCESS_LIST") => AtlasError::IpNotOnAccessList {
            detail: body.detail,
        },
        (_, "ORG_REQUIRES_ACCESS_LIST") => AtlasError::OrgRequiresAccessList,
        // A 401 with a role code is a weak key; any other 401 is a wrong key.
        (StatusCode::UNAUTHORIZED, code) if code != "USER_UNAUTHORIZED" => {
            AtlasError::BadCredentials
        }
        (_, code) => AtlasError::Api {
            status: status.as_u16(),
            code: if code.is_empty() {
                "UNKNOWN".to_owned()
            } else {
                code.to_owned()
            },
            detail: if body.detail.is_empty() {
                status.canonical_reason().unwrap_or("error").to_owned()
            } else {
                body.detail
            },
            parameters: body.parameters,
            role_needed,
        },
    }
}

pub(super) fn transport_error(url: &str, error: &reqwest::Error) -> AtlasError {
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason = format!("{reason}: {inner}");
        source = inner.source();
    }
    if error.is_timeout() {
        AtlasError::Timeout {
            url: url.to_owned(),
        }
    } else if reason.to_ascii_lowercase().contains("certificate")
        || reason.contains("tls")
        || reason.contains("TLS")
    {
        AtlasError::Tls {
            url: url.to_owned(),
            reason,
        }
    } else {
        AtlasError::Unreachable {
            url: url.to_owned(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_server_cannot_forge_a_log_line_or_a_terminal_escape() {
        let body = br#"{"detail":"denied\n2026-12-05T00:00:00Z  INFO atlas: all good \u001b[2J","errorCode":"X\rY"}"#;
        let AtlasError::Api { detail, code, .. } = api_error(StatusCode::BAD_REQUEST, body, None)
        else {
            panic!("an Atlas error");
        };
        assert!(
            !detail.contains('\n') && !detail.contains('\u{1b}'),
            "{detail}"
        );
        assert!(
            detail.contains("\\n2026") && detail.contains("\\u{1b}[2J"),
            "{detail}"
        );
        assert_eq!(code, "X\\rY");
        assert_eq!(printable("plain é text".to_owned()), "plain é text");
    }
}
