//! What every request passes before its handler, in Atlas's order: simulated
//! latency and faults, the API version, Digest authentication, the key's
//! access list and the organization's access-list requirement, the rate
//! limit. Every response leaves with `RateLimit-*` headers.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use crate::Shared;
use crate::digest::Rejection;
use crate::error::{ApiError, UNAUTHORIZED_BODY};
use crate::faults::Fault;
use crate::model::Grantee;
use crate::oauth::TokenHolder;

/// The connection a request came on: its peer, and a way to drop it.
#[derive(Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    pub abort: Arc<Notify>,
}

/// Who made a request: an API key (by id) or a service account (by client
/// id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Key(String),
    Account(String),
}

/// The authenticated caller, for handlers.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub ip: IpAddr,
}

impl Caller {
    /// True when the caller is this API key.
    pub fn is_key(&self, key_id: &str) -> bool {
        matches!(&self.principal, Principal::Key(id) if id == key_id)
    }

    /// True when the caller is this service account.
    pub fn is_account(&self, client_id: &str) -> bool {
        matches!(&self.principal, Principal::Account(id) if id == client_id)
    }
}

/// Who the headers say made a request, before the access list is checked.
enum Credential {
    /// A right Digest answer, for this public key.
    Digest(String),
    /// A live Bearer token.
    Bearer(TokenHolder),
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, Copy)]
enum AuthFailure {
    Digest(Rejection),
    /// A Bearer token that is unknown, expired, revoked, or whose secret
    /// was deleted or has expired.
    Token,
}

/// The rate limit Atlas reports when none is enforced.
pub const NOMINAL_LIMIT: u32 = 500;
/// Atlas counts its limits per minute.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

/// A fixed window (a minute, unless configured) per public key.
pub struct RateLimiter {
    limit: Option<u32>,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// Requests refused with 429 so far.
    refused: AtomicU64,
}

enum Admission {
    Allowed { remaining: u32 },
    Refused { retry_after: u64 },
}

impl RateLimiter {
    pub fn new(limit: Option<u32>, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
            refused: AtomicU64::new(0),
        }
    }

    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    fn reported_limit(&self) -> u32 {
        self.limit.unwrap_or(NOMINAL_LIMIT)
    }

    fn admit(&self, key: &str) -> Admission {
        let Ok(mut windows) = self.windows.lock() else {
            return Admission::Allowed { remaining: 0 };
        };
        let now = Instant::now();
        let window = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(window.0) >= self.window {
            *window = (now, 0);
        }
        let limit = self.reported_limit();
        if self.limit.is_some() && window.1 >= limit {
            let left = self.window.saturating_sub(now.duration_since(window.0));
            self.refused.fetch_add(1, Ordering::Relaxed);
            // Rounded up: a client that waits this long finds the new window.
            return Admission::Refused {
                retry_after: (left.as_secs_f64().ceil() as u64).max(1),
            };
        }
        window.1 += 1;
        Admission::Allowed {
            remaining: limit.saturating_sub(window.1),
        }
    }
}

pub async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    shared.exchanges.fetch_add(1, Ordering::Relaxed);
    let connection = request.extensions().get::<Connection>().cloned();
    let peer_ip = connection.as_ref().map(|c| c.peer.ip().to_canonical());
    let caller_ip = shared
        .apparent_ip
        .or(peer_ip)
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if request.uri().path().starts_with("/api/oauth/") {
        return oauth_endpoint(&shared, request, caller_ip).await;
    }
    // Authenticate from the headers alone, before any body is read: only a
    // key holder gets a large body read.
    let authenticated = authenticate(&shared, &request);
    let limit = if authenticated.is_ok() {
        MAX_BODY
    } else {
        MAX_UNAUTHENTICATED_BODY
    };
    // Read every body to its end first, whatever happens next: a connection
    // whose request body was left unread must be closed, and a client may
    // already be sending its next request (the authenticated retry of a
    // challenged POST) on it.
    let (parts, body) = request.into_parts();
    let mut request = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Request::from_parts(parts, axum::body::Body::from(bytes)),
        Err(_) => {
            if let Err(failure) = authenticated {
                // The rest of the body stays unread, so the connection ends
                // with this answer.
                let mut response = refusal_response(&shared, Refusal::Auth(failure));
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return response;
            }
            return ApiError::bad_request(
                "REQUEST_TOO_LARGE",
                "The request body is larger than 8 MiB or was cut off.",
            )
            .into_response();
        }
    };
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let fault = shared
        .faults
        .draw(request.method().as_str(), request.uri().path());
    match fault {
        Some(Fault::Status(code)) => return injected_status(code),
        Some(Fault::Slow(extra)) => tokio::time::sleep(extra).await,
        Some(Fault::Reset) | None => {}
    }

    let response = match admit(&shared, &mut request, caller_ip, authenticated) {
        Ok(remaining) => {
            let mut response = next.run(request).await;
            rate_headers(&mut response, shared.rate.reported_limit(), remaining);
            response
        }
        Err(refusal) => refusal_response(&shared, refusal),
    };

    if let (Some(Fault::Reset), Some(connection)) = (fault, connection) {
        connection.abort.notify_one();
        // The connection task drops this future together with the connection.
        std::future::pending::<()>().await;
    }
    response
}

/// The largest request body the sandbox reads.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// The largest body read before the request is authenticated: a Digest
/// client sends its first request, body and all, before it has a challenge.
/// 200 access-list entries take about 20 KiB.
const MAX_UNAUTHENTICATED_BODY: usize = 64 * 1024;

fn refusal_response(shared: &Shared, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Auth(AuthFailure::Digest(rejection)) => challenge(shared, rejection),
        Refusal::Auth(AuthFailure::Token) => {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "NOT_AUTHORIZED",
                "The Bearer token is not valid: it expired or was revoked, or its secret was deleted or has expired. Get a new token.",
            )
            .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            response
        }
        Refusal::Error(error) => {
            let rate_limited = error.status == StatusCode::TOO_MANY_REQUESTS;
            let mut response = error.into_response();
            if rate_limited {
                rate_headers(&mut response, shared.rate.reported_limit(), 0);
            }
            response
        }
    }
}

/// Why a request does not reach its handler.
enum Refusal {
    Auth(AuthFailure),
    Error(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self::Error(error)
    }
}

/// Who the request's headers say made it: a right Digest answer (which
/// uses its nonce count, so this is called once per request) or a live
/// Bearer token whose secret still stands.
fn authenticate(shared: &Shared, request: &Request) -> Result<Credential, AuthFailure> {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if let Some(token) = authorization.and_then(|value| value.strip_prefix("Bearer ")) {
        let holder = shared
            .tokens
            .holder(token.trim())
            .ok_or(AuthFailure::Token)?;
        let now = chrono::Utc::now();
        let secret_stands = shared.store.read(|data| {
            data.service_accounts
                .get(&holder.client_id)
                .is_some_and(|account| {
                    account
                        .secrets
                        .iter()
                        .any(|secret| secret.id == holder.secret_id && secret.expires > now)
                })
        });
        return if secret_stands {
            Ok(Credential::Bearer(holder))
        } else {
            Err(AuthFailure::Token)
        };
    }
    let uri = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    shared
        .digest
        .verify(
            request.method().as_str(),
            &uri,
            authorization,
            |public_key| {
                shared
                    .store
                    .read(|data| data.key_by_public(public_key).map(|key| key.ha1.clone()))
            },
        )
        .map(Credential::Digest)
        .map_err(AuthFailure::Digest)
}

/// `/api/oauth/token` and `/api/oauth/revoke`: authenticated by the client
/// id and secret in the request itself, not by the gate.
async fn oauth_endpoint(shared: &Shared, request: Request, caller_ip: IpAddr) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() != axum::http::Method::POST {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "This method is not allowed on this resource.",
        )
        .into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_UNAUTHENTICATED_BODY).await else {
        return ApiError::bad_request("REQUEST_TOO_LARGE", "The request body is too large.")
            .into_response();
    };
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    let answer = match path.as_str() {
        "/api/oauth/token" => shared
            .store
            .touch(|data| shared.tokens.issue(data, &parts.headers, &body, caller_ip)),
        "/api/oauth/revoke" => shared
            .store
            .read(|data| shared.tokens.revoke(data, &parts.headers, &body)),
        _ => return ApiError::resource_not_found("at this path").into_response(),
    };
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// Checks the caller's address against its access list (and the
/// organization's requirement of one), and counts the use on the entry that
/// lets it in.
fn check_access_list(
    entries: &mut [crate::model::AccessEntry],
    org_requires_list: bool,
    caller_ip: IpAddr,
) -> Result<(), ApiError> {
    if entries.is_empty() {
        if org_requires_list {
            return Err(ApiError::forbidden(
                "ORG_REQUIRES_ACCESS_LIST",
                "This organization requires access through an access list of ip ranges.",
            ));
        }
        return Ok(());
    }
    let Some(entry) = entries
        .iter_mut()
        .find(|entry| entry.cidr.contains(&caller_ip))
    else {
        return Err(ApiError::forbidden(
            "IP_ADDRESS_NOT_ON_ACCESS_LIST",
            format!("IP address {caller_ip} is not allowed to access this resource."),
        )
        .with_parameters([caller_ip.to_string()]));
    };
    entry.count += 1;
    entry.last_used = Some(chrono::Utc::now());
    entry.last_used_address = Some(caller_ip);
    Ok(())
}

/// Version, authentication, access lists and the rate limit. On success the
/// caller is in the request's extensions and the remaining rate is returned.
fn admit(
    shared: &Shared,
    request: &mut Request,
    caller_ip: IpAddr,
    authenticated: Result<Credential, AuthFailure>,
) -> Result<u32, Refusal> {
    let private_api = request.uri().path().starts_with("/api/private/");
    if !private_api {
        check_version(request)?;
    }
    let credential = authenticated.map_err(Refusal::Auth)?;

    let principal = shared.store.touch(|data| -> Result<Principal, ApiError> {
        let requires_list = |data: &crate::model::Data, org_ids: Vec<&str>| {
            org_ids
                .into_iter()
                .filter_map(|org| data.orgs.get(org))
                .any(|org| org.settings.api_access_list_required)
        };
        match &credential {
            Credential::Digest(public_key) => {
                let key = data.key_by_public(public_key).ok_or_else(unknown_key)?;
                let org_requires_list = requires_list(data, key.org_ids());
                let key_id = key.id.clone();
                if !private_api && let Some(key) = data.keys.get_mut(&key_id) {
                    check_access_list(&mut key.access_list, org_requires_list, caller_ip)?;
                }
                Ok(Principal::Key(key_id))
            }
            Credential::Bearer(holder) => {
                let account = data
                    .service_accounts
                    .get(&holder.client_id)
                    .ok_or_else(unknown_key)?;
                let org_requires_list = requires_list(data, account.org_ids());
                if let Some(account) = data.service_accounts.get_mut(&holder.client_id) {
                    // Checked when the token is used, as Atlas does.
                    if !private_api {
                        check_access_list(&mut account.access_list, org_requires_list, caller_ip)?;
                    }
                    let now = chrono::Utc::now();
                    if let Some(secret) = account
                        .secrets
                        .iter_mut()
                        .find(|secret| secret.id == holder.secret_id)
                    {
                        secret.last_used = Some(now);
                    }
                }
                Ok(Principal::Account(holder.client_id.clone()))
            }
        }
    })?;

    let rate_key = match &principal {
        Principal::Key(id) | Principal::Account(id) => id.clone(),
    };
    let remaining = match shared.rate.admit(&rate_key) {
        Admission::Allowed { remaining } => remaining,
        Admission::Refused { retry_after } => {
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                format!(
                    "Too many requests: this key may make {} requests a minute.",
                    shared.rate.reported_limit()
                ),
            );
            error.retry_after = Some(retry_after);
            return Err(error.into());
        }
    };
    request.extensions_mut().insert(Caller {
        principal,
        ip: caller_ip,
    });
    Ok(remaining)
}

fn unknown_key() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "UNEXPECTED_ERROR",
        "You are not authorized for this resource.",
    )
}

fn check_version(request: &Request) -> Result<(), ApiError> {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let versions: Vec<&str> = accept
        .split(',')
        .map(|part| part.split(';').next().unwrap_or("").trim())
        .filter(|media| media.starts_with("application/vnd.atlas."))
        .collect();
    // Each operation answers in the versions the spec gives it (the
    // service-account endpoints in their own, later one); a path the spec
    // does not have is left to the router's 404.
    let Some(operation) = crate::contract::contract()
        .ok()
        .and_then(|contract| contract.operation(request.method(), request.uri().path()))
    else {
        return Ok(());
    };
    if operation
        .media_types
        .iter()
        .any(|wanted| versions.contains(&wanted.as_str()))
    {
        return Ok(());
    }
    let asked = versions.first().copied().unwrap_or(accept);
    Err(ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        "INVALID_VERSION_DATE",
        format!(
            "The version in the Accept header is missing or not supported: \"{asked}\". Send Accept: {}.",
            operation.media_types.join(" or ")
        ),
    )
    .with_parameters([asked]))
}

fn challenge(shared: &Shared, rejection: Rejection) -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("X-Error-Code", HeaderValue::from_static("UNEXPECTED_ERROR"));
    let challenge = shared.digest.challenge(rejection == Rejection::Stale);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        headers.insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

fn injected_status(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (error_code, detail) = match code {
        429 => ("RATE_LIMITED", "Too many requests (injected fault)."),
        503 => (
            "SERVICE_UNAVAILABLE",
            "The service is unavailable (injected fault).",
        ),
        _ => ("UNEXPECTED_ERROR", "Unexpected error (injected fault)."),
    };
    let mut error = ApiError::new(status, error_code, detail);
    if code == 429 || code == 503 {
        error.retry_after = Some(1);
    }
    error.into_response()
}

fn rate_headers(response: &mut Response, limit: u32, remaining: u32) {
    let headers = response.headers_mut();
    headers.insert("RateLimit-Limit", HeaderValue::from(limit));
    headers.insert("RateLimit-Remaining", HeaderValue::from(remaining));
}
