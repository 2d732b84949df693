//! `AtlasClient`: every call the app makes to the Atlas Administration API.

use std::time::{Duration, Instant};

use diqwest::DigestAuthSession;
use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::error::AtlasError;
use super::models::{
    AccessListEntry, AccessListRequest, ApiKey, CreatedApiKey, CreatedApiKeyWire, IpInfo,
    OrgSettings, Organization, Page, Project, SystemStatus,
};
use super::oauth::OAuthSession;
use super::paging::MAX_PAGE;
use super::transport::Repeat;

/// The API version this client speaks, as a media type.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
/// Where Atlas lives; Atlas for Government and Ops Manager style deployments differ.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

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
pub(super) enum Auth {
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
    pub(super) auth: Auth,
    pub(super) options: ClientOptions,
    /// Set by a 429: no request of this client starts before then, so the
    /// requests running side by side wait together instead of each being
    /// refused in turn.
    pub(super) paused_until: std::sync::Mutex<Option<tokio::time::Instant>>,
    /// The server's clock as its last `Date` header told it, and when that
    /// was: a lost create's orphan is looked for by the server's time, since
    /// this computer's clock can be off.
    pub(super) server_clock: std::sync::Mutex<Option<(Instant, u64)>>,
}

impl std::fmt::Debug for AtlasClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtlasClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
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
