//! An Atlas-compatible Administration API server for the access-management
//! endpoints: organizations and their settings, projects, organization and
//! project API keys, API key access lists, service accounts and the events
//! every change records, with Digest and OAuth authentication,
//! versioned media types, Atlas's error codes, pagination and rate limits.
//!
//! It is a second, independent implementation of the contract in
//! `tests/fixtures/atlas-api/` (it shares no code with the app's client), used by the
//! app's built-in sandbox profile, by the tests and by the benchmarks.
//!
//! ```no_run
//! # async fn example() -> Result<(), atlas_sandbox::StartError> {
//! let sandbox = atlas_sandbox::Sandbox::start(atlas_sandbox::Config::default()).await?;
//! println!("{} as {}", sandbox.admin().base_url, sandbox.admin().public_key);
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

mod api;
mod contract;
mod digest;
mod error;
mod events;
mod faults;
mod gate;
mod model;
mod oauth;
mod seed;
mod store;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::{delete, get, post};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

pub use api::{Need, OPERATIONS, Operation, operation_for};
pub use contract::nullable_as_json_schema;
pub use faults::{FaultSpec, FaultSpecError};
pub use seed::ADMIN_ACCOUNT_NAME;
pub use seed::{Seed, SeedError};
pub use store::StateFileError;

/// How the sandbox runs. `Default` is an in-memory demo on a free port.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub seed: Seed,
    /// Where the state is kept across restarts; in memory when `None`.
    pub state_file: Option<PathBuf>,
    /// The caller address every request is taken to come from.
    pub apparent_ip: Option<IpAddr>,
    /// Added before every answer, to simulate a wide-area round trip.
    pub latency: Duration,
    pub faults: FaultSpec,
    pub fault_seed: u64,
    /// Requests per window per key; unlimited when `None`.
    pub rate_limit: Option<u32>,
    /// The rate limit's fixed window: a minute, as Atlas counts.
    pub rate_window: Duration,
    /// How long a Digest nonce is accepted before the answer is `stale=true`.
    pub nonce_lifetime: Duration,
    /// How long an OAuth token lasts (an hour at Atlas).
    pub token_lifetime: Duration,
    /// Token requests a minute per client and address (10 at Atlas).
    pub token_requests_per_minute: u32,
    /// The window of that limit: a minute. A benchmark that shortens the
    /// token lifetime shortens this in proportion (Atlas: an hour to a minute).
    pub token_rate_window: Duration,
    /// Who the seeded admin is: the API key alone, or also a service account.
    pub admin: AdminKind,
}

/// The seeded admin: an API key, or a service account beside it with the
/// same roles and access list (`--admin service-account`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AdminKind {
    #[default]
    ApiKey,
    ServiceAccount,
}

impl std::str::FromStr for AdminKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "api-key" => Ok(Self::ApiKey),
            "service-account" => Ok(Self::ServiceAccount),
            other => Err(format!(
                "\"{other}\" is not an admin kind: use api-key or service-account"
            )),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: Seed::Demo,
            state_file: None,
            apparent_ip: None,
            latency: Duration::ZERO,
            faults: FaultSpec::default(),
            fault_seed: 0,
            rate_limit: None,
            rate_window: gate::DEFAULT_WINDOW,
            nonce_lifetime: Duration::from_secs(300),
            token_lifetime: oauth::DEFAULT_TOKEN_LIFETIME,
            token_requests_per_minute: oauth::TOKEN_REQUESTS_PER_MINUTE,
            token_rate_window: Duration::from_secs(60),
            admin: AdminKind::ApiKey,
        }
    }
}

/// The seeded admin key and where to reach the sandbox: the JSON line the
/// binary prints at start.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminCredentials {
    pub base_url: String,
    pub public_key: String,
    pub private_key: String,
    pub org_id: String,
    pub project_ids: Vec<String>,
    /// With `--admin service-account`: the admin service account's client
    /// id and its secret (a new one at every start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    State(#[from] StateFileError),
    #[error("the state file holds no sandbox admin key")]
    NoAdminKey,
    #[error(transparent)]
    Contract(#[from] contract::ContractError),
}

/// What every handler shares.
pub(crate) struct Shared {
    store: store::Store,
    digest: digest::DigestAuth,
    base_url: String,
    apparent_ip: Option<IpAddr>,
    latency: Duration,
    faults: faults::FaultInjector,
    rate: gate::RateLimiter,
    tokens: oauth::Tokens,
    /// HTTP requests received, authenticated or not.
    exchanges: AtomicU64,
    /// Requests checked against the spec's operations, and those refused.
    checked: AtomicU64,
    refused: AtomicU64,
}

/// A running sandbox. Dropping it stops it too; `stop` waits for that.
pub struct Sandbox {
    address: SocketAddr,
    admin: AdminCredentials,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Seeds (or loads `state_file`), binds and starts serving.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        // The spec it keeps is read before anything is served.
        contract::contract()?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Listen {
                    address: config.listen,
                    source,
                })?;
        let address = listener.local_addr().map_err(|source| StartError::Listen {
            address: config.listen,
            source,
        })?;
        let base_url = format!("http://{address}");

        let (data, admin_key_id, admin_private_key) =
            match config.state_file.as_deref().map(store::Store::load) {
                Some(Ok(Some(mut data))) => {
                    // Only HA1 was saved: the admin key gets a new private key, shown below.
                    let admin_id = data
                        .keys
                        .values()
                        .find(|key| key.desc == "Sandbox administrator")
                        .map(|key| key.id.clone())
                        .ok_or(StartError::NoAdminKey)?;
                    let private_key = uuid::Uuid::new_v4().to_string();
                    if let Some(admin) = data.keys.get_mut(&admin_id) {
                        admin.ha1 = digest::ha1(&admin.public_key, &private_key);
                        admin.private_key_tail = private_key[private_key.len() - 12..].to_owned();
                    }
                    (data, admin_id, private_key)
                }
                Some(Err(error)) => return Err(error.into()),
                Some(Ok(None)) | None => {
                    let seeded = seed::build(config.seed, config.apparent_ip);
                    (seeded.data, seeded.admin_key_id, seeded.admin_private_key)
                }
            };
        let mut data = data;
        let account = match config.admin {
            AdminKind::ApiKey => None,
            AdminKind::ServiceAccount => Some(
                seed::admin_service_account(&mut data, &admin_key_id)
                    .ok_or(StartError::NoAdminKey)?,
            ),
        };
        let (client_id, client_secret) = account.unzip();
        let admin_key = data.keys.get(&admin_key_id).ok_or(StartError::NoAdminKey)?;
        let admin_orgs: Vec<String> = model::Grantee::org_ids(admin_key)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let admin = AdminCredentials {
            base_url: base_url.clone(),
            public_key: admin_key.public_key.clone(),
            private_key: admin_private_key,
            org_id: admin_orgs.first().cloned().unwrap_or_default(),
            project_ids: data
                .projects
                .values()
                .filter(|project| admin_orgs.contains(&project.org_id))
                .map(|project| project.id.clone())
                .collect(),
            client_id,
            client_secret,
        };

        let store = store::Store::new(data, config.state_file.clone());
        store.save_now()?;
        let shared = Arc::new(Shared {
            store,
            digest: digest::DigestAuth::new(config.nonce_lifetime),
            base_url,
            apparent_ip: config.apparent_ip,
            latency: config.latency,
            faults: faults::FaultInjector::new(config.faults.clone(), config.fault_seed),
            rate: gate::RateLimiter::new(config.rate_limit, config.rate_window),
            tokens: oauth::Tokens::new(
                config.token_lifetime,
                config.token_requests_per_minute,
                config.token_rate_window,
            ),
            exchanges: AtomicU64::new(0),
            checked: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let server = tokio::spawn(serve(listener, router(shared.clone()), shutdown_rx));
        tracing::info!(%address, "Atlas sandbox listening");
        Ok(Self {
            address,
            admin,
            shared,
            shutdown,
            server: Some(server),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The seeded admin key: Organization Owner of every seeded organization.
    pub fn admin(&self) -> &AdminCredentials {
        &self.admin
    }

    /// HTTP requests received so far, authenticated or not (each Digest
    /// challenge counts as one).
    pub fn exchanges(&self) -> u64 {
        self.shared.exchanges.load(Ordering::Relaxed)
    }

    /// Requests checked against the spec's operations so far.
    pub fn requests_checked(&self) -> u64 {
        self.shared.checked.load(Ordering::Relaxed)
    }

    /// Requests whose body the spec refuses, refused so far.
    pub fn requests_refused(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    /// Requests refused with 429 `RATE_LIMITED` so far.
    pub fn rate_limited(&self) -> u64 {
        self.shared.rate.refused()
    }

    /// Aims more faults while it runs: `STATUS@METHOD:/PATH-END=COUNT`
    /// entries, as `--faults` takes them (`500@POST:/accessList=1`: the
    /// next access-list POST fails).
    pub fn aim_faults(&self, spec: &str) -> Result<(), FaultSpecError> {
        self.shared.faults.aim(spec.parse()?)
    }

    /// Stops accepting, drops open connections and waits for the server.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

fn router(shared: Arc<Shared>) -> Router {
    use api::*;
    let v2 = Router::new()
        .route("/api/atlas/v2", get(system_status))
        .route("/api/atlas/v2/groups", get(list_groups).post(create_group))
        .route(
            "/api/atlas/v2/groups/byName/{groupName}",
            get(get_group_by_name),
        )
        .route("/api/atlas/v2/groups/{groupId}", get(get_group))
        .route(
            "/api/atlas/v2/groups/{groupId}/apiKeys",
            get(list_group_keys).post(create_group_key),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
            axum::routing::post(invite_group_key)
                .patch(update_group_key_roles)
                .delete(remove_group_key),
        )
        .route("/api/atlas/v2/eventTypes", get(list_event_types))
        .route(
            "/api/atlas/v2/groups/{groupId}/events",
            get(list_group_events),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/events/{eventId}",
            get(get_group_event),
        )
        .route("/api/atlas/v2/orgs/{orgId}/events", get(list_org_events))
        .route(
            "/api/atlas/v2/orgs/{orgId}/events/{eventId}",
            get(get_org_event),
        )
        .route("/api/atlas/v2/orgs", get(list_orgs))
        .route("/api/atlas/v2/orgs/{orgId}", get(get_org))
        .route("/api/atlas/v2/orgs/{orgId}/groups", get(org_groups))
        .route(
            "/api/atlas/v2/orgs/{orgId}/settings",
            get(get_settings).patch(update_settings),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/delegationSettings",
            get(get_delegation).patch(update_delegation),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/apiKeys",
            get(list_org_keys).post(create_org_key),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}",
            get(get_org_key)
                .patch(update_org_key)
                .delete(delete_org_key),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
            get(list_access).post(create_access),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}",
            get(get_access).delete(delete_access),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts",
            get(list_org_accounts).post(create_org_account),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}",
            get(get_org_account)
                .patch(update_org_account)
                .delete(delete_org_account),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
            post(create_org_secret),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
            delete(delete_org_secret),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
            get(list_org_account_access).post(create_org_account_access),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
            delete(delete_org_account_access),
        )
        .route(
            "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups",
            get(list_account_groups),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/serviceAccounts",
            get(list_group_accounts).post(create_group_account),
        )
        .route(
            // `POST …/{clientId}:invite` arrives here too: see invite_group_account.
            "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}",
            get(get_group_account)
                .patch(update_group_account)
                .delete(remove_group_account)
                .post(invite_group_account),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets",
            post(create_group_secret),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
            delete(delete_group_secret),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList",
            get(list_group_account_access).post(create_group_account_access),
        )
        .route(
            "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
            delete(delete_group_account_access),
        )
        .route("/api/private/ipinfo", get(current_ip))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            contract::keep,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            authorize,
        ))
        .method_not_allowed_fallback(method_not_allowed);
    v2.fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            gate::gate,
        ))
        .with_state(shared)
}

/// Accepts connections until shut down. Each connection knows its peer (the
/// caller's IP) and can be dropped with a TCP reset by the `reset` fault.
async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let abort = Arc::new(Notify::new());
        let connection = gate::Connection {
            peer,
            abort: abort.clone(),
        };
        let Ok((socket_handle, stream)) = with_second_handle(stream) else {
            continue;
        };
        let router = router.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(
                move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(connection.clone());
                    router.clone().oneshot(request.map(axum::body::Body::new))
                },
            );
            let builder = auto::Builder::new(TokioExecutor::new());
            let serving = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = serving => {}
                _ = abort.notified() => {
                    let _ = socket2::SockRef::from(&socket_handle).set_linger(Some(Duration::ZERO));
                }
            }
        });
    }
    connections.shutdown().await;
}

/// The stream, and a second handle on its socket with which its close can be
/// made a reset (linger zero) after hyper has taken the stream.
fn with_second_handle(
    stream: tokio::net::TcpStream,
) -> std::io::Result<(std::net::TcpStream, tokio::net::TcpStream)> {
    let std_stream = stream.into_std()?;
    let handle = std_stream.try_clone()?;
    std_stream.set_nonblocking(true)?;
    Ok((handle, tokio::net::TcpStream::from_std(std_stream)?))
}
