//! `AtlasClient`: every call the app makes to the Atlas Administration API.

use std::time::{Duration, Instant};

use diqwest::session::CachedContextGuard;
use diqwest::{DigestAuthCredentials, DigestAuthSession, WithDigestAuth};
use futures::stream::{self, StreamExt, TryStreamExt};
use rand::Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::error::AtlasError;
use super::models::{
    AccessListEntry, AccessListRequest, ApiKey, CreatedApiKey, CreatedApiKeyWire, ErrorBody,
    IpInfo, OrgSettings, Organization, Page, Project, SystemStatus,
};
use super::oauth::OAuthSession;

/// The API version this client speaks, as a media type.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
/// Where Atlas lives; Atlas for Government and Ops Manager style deployments differ.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";
/// The largest page Atlas serves.
pub const MAX_PAGE: usize = 500;
/// The most pages one list is read in: a million items. A `totalCount`
/// beyond is refused rather than followed with thousands of requests.
pub const MAX_PAGES: usize = 2_000;

/// How hard to try again, and how many pages to fetch at once.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Tries in all, the first included.
    pub max_tries: u32,
    pub backoff_base: Duration,
    /// The longest `Retry-After` honoured; a longer one is an error.
    pub max_retry_after: Duration,
    pub page_concurrency: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_tries: 3,
            backoff_base: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(30),
            page_concurrency: 4,
        }
    }
}

/// How a client proves who it is.
enum Auth {
    /// An API key: HTTP Digest.
    Digest {
        public_key: String,
        private_key: SecretString,
        /// Caches the Digest challenge: one round trip per request after
        /// the first. Holds no password: requests are signed with `DigestKey`.
        challenges: DigestAuthSession,
    },
    /// A service account: OAuth Bearer tokens.
    OAuth(OAuthSession),
}

/// A client for one API key or one service account.
pub struct AtlasClient {
    pub(super) base_url: String,
    pub(super) http: reqwest::Client,
    auth: Auth,
    pub(super) options: ClientOptions,
    /// Set by a 429: no request of this client starts before then, so the
    /// requests running side by side wait together instead of each being
    /// refused in turn.
    paused_until: std::sync::Mutex<Option<tokio::time::Instant>>,
    /// The server's clock as its last `Date` header told it, and when that
    /// was: a lost create's orphan is looked for by the server's time, since
    /// this computer's clock can be off.
    server_clock: std::sync::Mutex<Option<(Instant, u64)>>,
}

impl std::fmt::Debug for AtlasClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtlasClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

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

/// How a request may be repeated when its answer does not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    /// GET, PATCH, DELETE: the same request twice has the same effect.
    Idempotent,
    /// POST: only when it certainly never reached the server.
    OnlyIfNotSent,
}

impl AtlasClient {
    pub fn new(
        base_url: &str,
        public_key: &str,
        private_key: &SecretString,
    ) -> Result<Self, AtlasError> {
        Self::with_options(base_url, public_key, private_key, ClientOptions::default())
    }

    pub fn with_options(
        base_url: &str,
        public_key: &str,
        private_key: &SecretString,
        options: ClientOptions,
    ) -> Result<Self, AtlasError> {
        let auth = Auth::Digest {
            public_key: public_key.to_owned(),
            private_key: private_key.clone(),
            challenges: DigestAuthSession::new(public_key, ""),
        };
        Self::build(base_url, auth, options)
    }

    /// A client for a service account: it gets a token with the client id
    /// and secret when first needed, keeps it in memory only, and gets a new
    /// one shortly before it expires.
    pub fn for_service_account(
        base_url: &str,
        client_id: &str,
        secret: &SecretString,
        options: ClientOptions,
    ) -> Result<Self, AtlasError> {
        Self::build(
            base_url,
            Auth::OAuth(OAuthSession::new(client_id, secret)),
            options,
        )
    }

    /// The service account this client is, if it is one.
    pub fn service_account(&self) -> Option<&str> {
        match &self.auth {
            Auth::OAuth(session) => Some(session.client_id()),
            Auth::Digest { .. } => None,
        }
    }

    /// The last four characters of the service account's secret, as its
    /// masked value shows them; `None` for an API key.
    pub fn service_account_secret_tail(&self) -> Option<String> {
        match &self.auth {
            Auth::OAuth(session) => Some(session.secret_tail()),
            Auth::Digest { .. } => None,
        }
    }

    /// Ends the session: a service account's token is revoked.
    pub async fn close(&self) {
        if let Auth::OAuth(session) = &self.auth {
            session.revoke(self).await;
        }
    }

    fn build(base_url: &str, auth: Auth, options: ClientOptions) -> Result<Self, AtlasError> {
        let checked = super::base_url::check(base_url).map_err(AtlasError::InvalidInput)?;
        let base_url = checked.text;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(MEDIA_TYPE));
        let mut builder = reqwest::Client::builder()
            // Only a local server speaks plain HTTP, and a redirect could
            // take the request (and the next Digest answer) anywhere.
            .https_only(!checked.is_local_http)
            .redirect(reqwest::redirect::Policy::none());
        if checked.is_local_http {
            // A proxy from HTTP_PROXY or ALL_PROXY has no business seeing
            // traffic to this computer.
            builder = builder.no_proxy();
        }
        let http = builder
            .default_headers(headers)
            .user_agent(concat!("AtlasAccessManager/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .build()
            .map_err(|error| AtlasError::Unreachable {
                url: base_url.clone(),
                reason: error.to_string(),
            })?;
        Ok(Self {
            auth,
            base_url,
            http,
            options,
            paused_until: std::sync::Mutex::new(None),
            server_clock: std::sync::Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    // ---------- transport ----------

    /// Sends one request, retrying where that is safe, and returns the
    /// successful answer's body (empty for 204). The body is zeroed when
    /// dropped: a create's answer holds the new private key.
    async fn send(
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
                    let error = api_error(StatusCode::UNAUTHORIZED, &bytes);
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
                    let error = api_error(status, &response.bytes().await.unwrap_or_default());
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

    /// Now by the server's clock, or by this computer's if no answer told it.
    /// The earliest time, by the server's clock, that something a request
    /// started at `started` can have been created at (for a lost create).
    pub(super) fn created_no_earlier_than(&self, started: Instant) -> u64 {
        self.server_now()
            .saturating_sub(started.elapsed().as_secs() + ORPHAN_CLOCK_SLACK_SECS)
    }

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

    async fn json<T: DeserializeOwned>(
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

    async fn patch<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, AtlasError> {
        self.json(Method::PATCH, path, Some(body), Repeat::Idempotent)
            .await
    }

    async fn delete(&self, path: &str) -> Result<(), AtlasError> {
        self.send(Method::DELETE, path, None, Repeat::Idempotent)
            .await
            .map(drop)
    }

    /// Every item of a list: the first page tells the total, the others
    /// are fetched a few at a time and returned in order.
    pub async fn list_all<T: DeserializeOwned + Send>(
        &self,
        path: &str,
    ) -> Result<Vec<T>, AtlasError> {
        self.list_all_as(MEDIA_TYPE, path).await
    }

    /// [`Self::list_all`] in another API version.
    pub(super) async fn list_all_as<T: DeserializeOwned + Send>(
        &self,
        media: &'static str,
        path: &str,
    ) -> Result<Vec<T>, AtlasError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page_path = |page: usize| {
            format!("{path}{separator}itemsPerPage={MAX_PAGE}&pageNum={page}&includeCount=true")
        };
        let get = |path: String| async move {
            self.json_as::<Page<T>>(media, Method::GET, &path, None, Repeat::Idempotent)
                .await
        };
        let first: Page<T> = get(page_path(1)).await?;
        let Some(total) = first.total_count else {
            // No count (includeCount is only a request): follow the pages
            // one at a time while Atlas says there is a next one. Its `href`
            // is not followed; the next page number of this path is asked.
            let mut has_next = first.has_next();
            let mut items = first.results;
            let mut page = 1;
            while has_next {
                page += 1;
                if page > MAX_PAGES {
                    return Err(AtlasError::TooManyItems {
                        what: path.to_owned(),
                        total: items.len() as u64,
                    });
                }
                let next: Page<T> = get(page_path(page)).await?;
                has_next = next.has_next() && !next.results.is_empty();
                items.extend(next.results);
            }
            return Ok(items);
        };
        let total = usize::try_from(total).unwrap_or(usize::MAX);
        let pages = total.div_ceil(MAX_PAGE).max(1);
        if pages > MAX_PAGES {
            return Err(AtlasError::TooManyItems {
                what: path.to_owned(),
                total: total as u64,
            });
        }
        let mut items = first.results;
        let rest: Vec<Page<T>> = stream::iter(2..=pages)
            .map(|page| {
                let path = page_path(page);
                get(path)
            })
            .buffered(self.options.page_concurrency.max(1))
            .try_collect()
            .await?;
        for page in rest {
            items.extend(page.results);
        }
        Ok(items)
    }

    // ---------- system ----------

    /// Who the key in use is (and proof that it works).
    pub async fn system_status(&self) -> Result<SystemStatus, AtlasError> {
        self.get("/api/atlas/v2").await
    }

    /// The public addresses Atlas sees this computer at: one, or an IPv4
    /// and an IPv6 address, as Atlas tells them.
    pub async fn current_addresses(&self) -> Result<Vec<std::net::IpAddr>, AtlasError> {
        let info = self.get::<IpInfo>("/api/private/ipinfo").await?;
        let given: Vec<String> = [info.current_ipv4_address, info.current_ipv6_address]
            .into_iter()
            .flatten()
            .collect();
        let unreadable = |reason: String| AtlasError::Decode {
            what: "GET /api/private/ipinfo".to_owned(),
            reason,
        };
        if given.is_empty() {
            return Err(unreadable("it gave no address".to_owned()));
        }
        given
            .iter()
            .map(|text| {
                text.trim()
                    .parse()
                    .map_err(|_| unreadable(format!("\"{text}\" is not an IP address")))
            })
            .collect()
    }

    // ---------- organizations and projects ----------

    pub async fn list_orgs(&self) -> Result<Vec<Organization>, AtlasError> {
        self.list_all("/api/atlas/v2/orgs").await
    }

    pub async fn list_org_projects(&self, org_id: &str) -> Result<Vec<Project>, AtlasError> {
        self.list_all(&format!("/api/atlas/v2/orgs/{}/groups", segment(org_id)?))
            .await
    }

    pub async fn org_settings(&self, org_id: &str) -> Result<OrgSettings, AtlasError> {
        self.get(&format!("/api/atlas/v2/orgs/{}/settings", segment(org_id)?))
            .await
    }

    pub async fn set_api_access_list_required(
        &self,
        org_id: &str,
        required: bool,
    ) -> Result<OrgSettings, AtlasError> {
        self.patch(
            &format!("/api/atlas/v2/orgs/{}/settings", segment(org_id)?),
            &json!({ "apiAccessListRequired": required }),
        )
        .await
    }

    /// Sets how long a new service-account secret may last at most.
    pub async fn set_max_secret_validity(
        &self,
        org_id: &str,
        hours: u32,
    ) -> Result<OrgSettings, AtlasError> {
        self.patch(
            &format!("/api/atlas/v2/orgs/{}/settings", segment(org_id)?),
            &json!({ "maxServiceAccountSecretValidityInHours": hours }),
        )
        .await
    }

    // ---------- organization API keys ----------

    pub async fn list_org_keys(&self, org_id: &str) -> Result<Vec<ApiKey>, AtlasError> {
        self.list_all(&format!("/api/atlas/v2/orgs/{}/apiKeys", segment(org_id)?))
            .await
    }

    pub async fn get_org_key(&self, org_id: &str, key_id: &str) -> Result<ApiKey, AtlasError> {
        self.get(&format!(
            "/api/atlas/v2/orgs/{}/apiKeys/{}",
            segment(org_id)?,
            segment(key_id)?
        ))
        .await
    }

    /// Creates an organization key. Never sent twice: if the answer is lost,
    /// the keys are listed and the one just made is reported as
    /// [`AtlasError::CreatedButPrivateKeyLost`], so it can be deleted.
    pub async fn create_org_key(
        &self,
        org_id: &str,
        desc: &str,
        roles: &[String],
    ) -> Result<CreatedApiKey, AtlasError> {
        let path = format!("/api/atlas/v2/orgs/{}/apiKeys", segment(org_id)?);
        let body = json!({ "desc": desc, "roles": roles });
        self.create_key(&path, &body, org_id, desc).await
    }

    pub async fn update_org_key(
        &self,
        org_id: &str,
        key_id: &str,
        desc: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<ApiKey, AtlasError> {
        let mut body = serde_json::Map::new();
        if let Some(desc) = desc {
            body.insert("desc".to_owned(), json!(desc));
        }
        if let Some(roles) = roles {
            body.insert("roles".to_owned(), json!(roles));
        }
        let path = format!(
            "/api/atlas/v2/orgs/{}/apiKeys/{}",
            segment(org_id)?,
            segment(key_id)?
        );
        self.patch(&path, &Value::Object(body)).await
    }

    /// Deletes the key; it leaves every project too.
    pub async fn delete_org_key(&self, org_id: &str, key_id: &str) -> Result<(), AtlasError> {
        self.delete(&format!(
            "/api/atlas/v2/orgs/{}/apiKeys/{}",
            segment(org_id)?,
            segment(key_id)?
        ))
        .await
    }

    // ---------- access lists ----------

    fn access_path(org_id: &str, key_id: &str) -> Result<String, AtlasError> {
        Ok(format!(
            "/api/atlas/v2/orgs/{}/apiKeys/{}/accessList",
            segment(org_id)?,
            segment(key_id)?
        ))
    }

    pub async fn list_access_list(
        &self,
        org_id: &str,
        key_id: &str,
    ) -> Result<Vec<AccessListEntry>, AtlasError> {
        self.list_all(&Self::access_path(org_id, key_id)?).await
    }

    /// Adds entries; answers with the key's whole list. Adding an entry that
    /// is already there changes nothing, so this may be repeated safely.
    pub async fn add_access_entries(
        &self,
        org_id: &str,
        key_id: &str,
        entries: &[AccessListRequest],
    ) -> Result<Vec<AccessListEntry>, AtlasError> {
        let body = Value::Array(entries.iter().map(AccessListRequest::to_json).collect());
        let path = format!(
            "{}?itemsPerPage={MAX_PAGE}",
            Self::access_path(org_id, key_id)?
        );
        let page: Page<AccessListEntry> = self
            .json(Method::POST, &path, Some(&body), Repeat::Idempotent)
            .await?;
        Ok(page.results)
    }

    /// Removes one entry, named by its address or its CIDR block.
    pub async fn delete_access_entry(
        &self,
        org_id: &str,
        key_id: &str,
        entry: &str,
    ) -> Result<(), AtlasError> {
        self.delete(&format!(
            "{}/{}",
            Self::access_path(org_id, key_id)?,
            segment(entry)?
        ))
        .await
    }

    // ---------- project API keys ----------

    pub async fn list_project_keys(&self, project_id: &str) -> Result<Vec<ApiKey>, AtlasError> {
        self.list_all(&format!(
            "/api/atlas/v2/groups/{}/apiKeys",
            segment(project_id)?
        ))
        .await
    }

    /// Creates a project key (Atlas makes it an Organization Member too).
    /// Like [`Self::create_org_key`], never sent twice.
    pub async fn create_project_key(
        &self,
        org_id: &str,
        project_id: &str,
        desc: &str,
        roles: &[String],
    ) -> Result<CreatedApiKey, AtlasError> {
        let path = format!("/api/atlas/v2/groups/{}/apiKeys", segment(project_id)?);
        let body = json!({ "desc": desc, "roles": roles });
        self.create_key(&path, &body, org_id, desc).await
    }

    /// Gives an organization key roles in a project. Repeating it sets the
    /// same roles again, so it is safe to retry.
    pub async fn invite_key_to_project(
        &self,
        project_id: &str,
        key_id: &str,
        roles: &[String],
    ) -> Result<(), AtlasError> {
        let path = format!(
            "/api/atlas/v2/groups/{}/apiKeys/{}",
            segment(project_id)?,
            segment(key_id)?
        );
        self.send(
            Method::POST,
            &path,
            Some(&json!([{ "roles": roles }])),
            Repeat::Idempotent,
        )
        .await
        .map(drop)
    }

    pub async fn update_project_key_roles(
        &self,
        project_id: &str,
        key_id: &str,
        roles: &[String],
    ) -> Result<ApiKey, AtlasError> {
        let path = format!(
            "/api/atlas/v2/groups/{}/apiKeys/{}",
            segment(project_id)?,
            segment(key_id)?
        );
        self.patch(&path, &json!({ "roles": roles })).await
    }

    pub async fn remove_key_from_project(
        &self,
        project_id: &str,
        key_id: &str,
    ) -> Result<(), AtlasError> {
        self.delete(&format!(
            "/api/atlas/v2/groups/{}/apiKeys/{}",
            segment(project_id)?,
            segment(key_id)?
        ))
        .await
    }

    /// POSTs a key creation once; on a lost answer, finds the orphan.
    async fn create_key(
        &self,
        path: &str,
        body: &Value,
        org_id: &str,
        desc: &str,
    ) -> Result<CreatedApiKey, AtlasError> {
        let started = Instant::now();
        match self
            .json::<CreatedApiKeyWire>(Method::POST, path, Some(body), Repeat::OnlyIfNotSent)
            .await
        {
            Ok(created) => Ok(created.into()),
            Err(AtlasError::OutcomeUnknown { what }) => {
                tracing::warn!(%what, elapsed = ?started.elapsed(), "key creation outcome unknown; looking for it");
                let keys = match self.list_org_keys(org_id).await {
                    Ok(keys) => keys,
                    Err(error) => {
                        // Still unknown: saying "network error" here would
                        // invite creating the key a second time.
                        tracing::warn!(%error, "could not look for the key");
                        return Err(AtlasError::OutcomeUnknown { what });
                    }
                };
                // A key made by this request has this description and an id
                // (an ObjectId, which starts with its creation time by the
                // server's clock) from no earlier than the request.
                let since = self.created_no_earlier_than(started);
                let orphan = keys
                    .into_iter()
                    .filter(|key| {
                        key.desc == desc && object_id_seconds(&key.id).is_some_and(|at| at >= since)
                    })
                    .max_by(|a, b| a.id.cmp(&b.id));
                match orphan {
                    Some(key) => Err(AtlasError::CreatedButPrivateKeyLost {
                        key_id: key.id,
                        public_key: key.public_key,
                    }),
                    None => Err(AtlasError::OutcomeUnknown { what }),
                }
            }
            Err(other) => Err(other),
        }
    }
}

/// How far before the request an orphan's id may date: the `Date` header
/// and ObjectIds count whole seconds, and servers behind a balancer differ.
const ORPHAN_CLOCK_SLACK_SECS: u64 = 60;

/// One path segment from an id or an entry, percent-encoded (`192.0.2.0/24`
/// becomes `192.0.2.0%2F24`). Refuses what the URL parser would take for a
/// path of its own (`""`, `.`, `..`), so an id can never climb to another
/// resource.
pub(super) fn segment(text: &str) -> Result<String, AtlasError> {
    if matches!(text, "" | "." | "..") {
        return Err(AtlasError::InvalidInput(format!(
            "\"{text}\" is not an id or an access-list entry."
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(text, PATH_SEGMENT).to_string())
}

const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

pub(super) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The creation time an ObjectId starts with.
pub(super) fn object_id_seconds(id: &str) -> Option<u64> {
    id.get(..8)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
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

fn api_error(status: StatusCode, bytes: &[u8]) -> AtlasError {
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
        let AtlasError::Api { detail, code, .. } = api_error(StatusCode::BAD_REQUEST, body) else {
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
