//! What the commands share: the profile store, the built-in sandbox, the open
//! connection and the private keys waiting for their one-time display to close.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use atlas_access_core::access::gate::Caller;
use atlas_access_core::atlas::{
    AtlasClient, ClientOptions, KeychainCredentials, Organization, RoleAssignment, base_url,
};
use atlas_access_core::credentials::keychain;
use atlas_access_core::credentials::profiles::{
    ConnectionKind, Profile, ProfileStore, SANDBOX_PROFILE_ID,
};
use atlas_access_core::credentials::switch::Switched;
use atlas_sandbox::{Config as SandboxConfig, FaultSpec, Sandbox, Seed};
use secrecy::SecretString;
use tokio::sync::{OnceCell, RwLock};

use crate::CommandError;
use crate::ipc::{AppEvent, Host, SessionClosed};
use crate::one_time::OneTimeKeys;
use atlas_access_core::audit::every_org::Stop;

/// The address the built-in sandbox says requests come from: a documentation
/// address, so "Use Current IP Address" adds something Atlas-like, not 127.0.0.1.
const SANDBOX_APPARENT_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));
/// Overrides the built-in sandbox's data (`demo`, `empty`, `scale:K:P`), for
/// trying the app on a large organization.
const SANDBOX_SEED_VAR: &str = "AAM_SANDBOX_SEED";
/// Makes the built-in sandbox fail requests as `atlas-sandbox --faults` does
/// (`500@POST:/accessList=1`: the first access-list POST), to try how the
/// app gets through a failure.
const SANDBOX_FAULTS_VAR: &str = "AAM_SANDBOX_FAULTS";

/// The variable `name`, where the build reads the sandbox's developer
/// settings: a debug build, or one with the `sandbox-env` feature (the
/// benchmarks'). The app as it ships ignores them, so whoever sets a user's
/// environment cannot make its sandbox fail or hold other data.
fn sandbox_setting(name: &str) -> Option<String> {
    if cfg!(any(debug_assertions, feature = "sandbox-env")) {
        return std::env::var(name).ok();
    }
    if std::env::var_os(name).is_some() {
        tracing::warn!(
            name,
            "ignored: this build reads no sandbox setting from the environment"
        );
    }
    None
}

/// Ends a connection that is no longer open: a service account's token is
/// revoked (in the background: nothing waits for it).
fn end(session: Option<Arc<Session>>) {
    if let Some(session) = session {
        tauri::async_runtime::spawn(async move { session.client.close().await });
    }
}

/// An open connection: the client and what the key in use can see.
pub struct Session {
    pub profile: Profile,
    pub client: AtlasClient,
    /// The key this connection uses, which the lockout guard protects.
    pub caller: Caller,
    pub orgs: Vec<Organization>,
    /// Its roles as Atlas answered them when it opened: what the screens offer.
    pub roles: Vec<RoleAssignment>,
}

/// A connection moved onto its new credential is the open one.
impl From<Switched> for Session {
    fn from(switched: Switched) -> Self {
        Self {
            profile: switched.profile,
            client: switched.client,
            caller: switched.caller,
            orgs: switched.orgs,
            roles: switched.roles,
        }
    }
}

pub struct AppState {
    pub profiles: ProfileStore,
    sandbox: OnceCell<Sandbox>,
    session: RwLock<Option<Arc<Session>>>,
    pub one_time: Arc<OneTimeKeys>,
    /// The long run under way that the page may stop (the review of every
    /// organization).
    run: std::sync::Mutex<Option<Stop>>,
}

impl AppState {
    pub fn new(profiles: ProfileStore) -> Self {
        Self {
            profiles,
            sandbox: OnceCell::new(),
            session: RwLock::new(None),
            one_time: Arc::default(),
            run: std::sync::Mutex::default(),
        }
    }

    /// A new stoppable run: the one before, if any, is stopped.
    pub fn start_stoppable_run(&self) -> Stop {
        let stop = Stop::default();
        let mut run = self
            .run
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(earlier) = run.replace(stop.clone()) {
            earlier.stop();
        }
        stop
    }

    /// A run over every organization the open connection sees: its Stop,
    /// the connection, and the organizations (deleted ones left out). The
    /// run is registered before the connection is read, so a connection
    /// opened or closed from then on stops it: it never reads through one
    /// that is gone.
    pub async fn start_run_over_every_org(
        &self,
    ) -> Result<(Stop, Arc<Session>, Vec<Organization>), CommandError> {
        let stop = self.start_stoppable_run();
        let session = self.session().await?;
        let orgs = session
            .orgs
            .iter()
            .filter(|org| !org.is_deleted)
            .cloned()
            .collect();
        Ok((stop, session, orgs))
    }

    /// Stops the run under way, if any (Stop, or its connection ended).
    pub fn stop_runs(&self) {
        let run = self
            .run
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(stop) = run.as_ref() {
            stop.stop();
        }
    }

    /// The built-in sandbox, started on first use; in memory only, so it
    /// starts fresh with the demo data on every launch.
    pub async fn sandbox(&self) -> Result<&Sandbox, CommandError> {
        self.sandbox
            .get_or_try_init(|| async {
                let seed = match sandbox_setting(SANDBOX_SEED_VAR) {
                    Some(text) => text.parse::<Seed>().map_err(|error| {
                        CommandError::invalid(format!("{SANDBOX_SEED_VAR}: {error}"))
                    })?,
                    None => Seed::Demo,
                };
                let faults = match sandbox_setting(SANDBOX_FAULTS_VAR) {
                    Some(text) => text.parse::<FaultSpec>().map_err(|error| {
                        CommandError::invalid(format!("{SANDBOX_FAULTS_VAR}: {error}"))
                    })?,
                    None => FaultSpec::default(),
                };
                let config = SandboxConfig {
                    seed,
                    faults,
                    apparent_ip: Some(SANDBOX_APPARENT_IP),
                    ..SandboxConfig::default()
                };
                let sandbox = Sandbox::start(config).await.map_err(|error| {
                    CommandError::internal(format!("The built-in sandbox could not start: {error}"))
                })?;
                tracing::info!(base_url = sandbox.base_url(), "built-in sandbox started");
                Ok(sandbox)
            })
            .await
    }

    /// The built-in sandbox as a profile.
    pub async fn sandbox_profile(&self) -> Result<Profile, CommandError> {
        let sandbox = self.sandbox().await?;
        let admin = sandbox.admin();
        Ok(Profile {
            id: SANDBOX_PROFILE_ID.to_owned(),
            name: "Sandbox (built in)".to_owned(),
            base_url: admin.base_url.clone(),
            kind: ConnectionKind::ApiKey,
            public_key: admin.public_key.clone(),
            default_org_id: Some(admin.org_id.clone()),
        })
    }

    /// Every profile, the built-in sandbox first.
    pub async fn all_profiles(&self) -> Result<(Vec<Profile>, Option<String>), CommandError> {
        let loaded = self.profiles.load().await?;
        let mut profiles = vec![self.sandbox_profile().await?];
        profiles.extend(loaded.profiles);
        let moved_aside = loaded.moved_aside.map(|path| {
            format!(
                "The connections file could not be read and was moved to {}. Add the connections again.",
                path.display()
            )
        });
        Ok((profiles, moved_aside))
    }

    pub async fn profile(&self, id: &str) -> Result<Profile, CommandError> {
        if id == SANDBOX_PROFILE_ID {
            return self.sandbox_profile().await;
        }
        self.profiles
            .load()
            .await?
            .profiles
            .into_iter()
            .find(|profile| profile.id == id)
            .ok_or_else(|| {
                CommandError::invalid(format!("There is no connection with the id {id}."))
            })
    }

    /// A client for the profile: the sandbox's key from memory, any other
    /// profile's private key from the keychain. Before a profile's secret
    /// first goes to a host other than Atlas's own and this computer, the
    /// user is asked, in a system dialog, and the answer kept.
    pub async fn client_for(
        &self,
        profile: &Profile,
        host: &dyn Host,
    ) -> Result<AtlasClient, CommandError> {
        self.approve_host(profile, host).await?;
        if profile.id == SANDBOX_PROFILE_ID {
            let admin = self.sandbox().await?.admin();
            let private_key = SecretString::from(admin.private_key.clone());
            return Ok(AtlasClient::with_options(
                &admin.base_url,
                &admin.public_key,
                &private_key,
                ClientOptions::default(),
            )?);
        }
        match profile.kind {
            ConnectionKind::ApiKey => {
                let credentials = KeychainCredentials {
                    account: profile.id.clone(),
                    public_key: profile.public_key.clone(),
                };
                Ok(
                    AtlasClient::connect(&profile.base_url, &credentials, ClientOptions::default())
                        .await?,
                )
            }
            ConnectionKind::ServiceAccount => {
                let secret = keychain::read_secret(&profile.id).await.map_err(|error| {
                    CommandError::from(atlas_access_core::atlas::AtlasError::Credentials(Arc::new(
                        error,
                    )))
                })?;
                Ok(AtlasClient::for_service_account(
                    &profile.base_url,
                    &profile.public_key,
                    &secret,
                    ClientOptions::default(),
                )?)
            }
        }
    }

    async fn approve_host(&self, profile: &Profile, host: &dyn Host) -> Result<(), CommandError> {
        let Some(name) = base_url::needs_approval(&profile.base_url) else {
            return Ok(());
        };
        if profile.id == SANDBOX_PROFILE_ID || self.profiles.is_host_approved(&name).await? {
            return Ok(());
        }
        let what = match profile.kind {
            ConnectionKind::ApiKey => "API key",
            ConnectionKind::ServiceAccount => "service account",
        };
        let question = format!(
            "The connection \"{}\" points at {name}, which is not MongoDB Atlas (cloud.mongodb.com or cloud.mongodbgov.com). Its {what} will sign in there, and whoever runs {name} can use it against Atlas.\n\nSend it to {name} only if you run or trust that server.",
            profile.name
        );
        let allowed = host
            .confirm(
                "Connect to a server that is not Atlas?",
                &question,
                "Connect",
            )
            .await
            .unwrap_or(false);
        if !allowed {
            tracing::info!(profile = %profile.id, host = %name, "a host that is not Atlas was not allowed");
            return Err(CommandError::invalid(format!(
                "Nothing was sent to {name}: connecting there was not allowed. Point the connection at https://cloud.mongodb.com, or connect again and allow {name}."
            )));
        }
        self.profiles.approve_host(&name).await?;
        tracing::info!(profile = %profile.id, host = %name, "a host that is not Atlas was allowed");
        Ok(())
    }

    /// Opens a connection in place of the open one. A run over every
    /// organization reads through the connection it started with: it stops.
    pub async fn open(&self, session: Session) -> Arc<Session> {
        let session = Arc::new(session);
        let replaced = self.session.write().await.replace(session.clone());
        self.stop_runs();
        end(replaced);
        session
    }

    /// Closes the open connection if it uses this profile, and tells the
    /// page why, so it does not go on showing a connection that is gone.
    pub async fn close_if(&self, profile_id: &str, reason: &str, host: &dyn Host) {
        let mut session = self.session.write().await;
        if session.as_ref().is_some_and(|s| s.profile.id == profile_id) {
            self.stop_runs();
            end(session.take());
            tracing::info!(profile = %profile_id, reason, "connection closed");
            host.emit(AppEvent::SessionClosed(SessionClosed {
                profile_id: profile_id.to_owned(),
                reason: reason.to_owned(),
            }));
        }
    }

    /// Closes the open connection as the app quits, waiting for its token's
    /// revocation (where `close_if` leaves that to the background).
    pub async fn close_on_exit(&self) {
        let session = self.session.write().await.take();
        self.stop_runs();
        if let Some(session) = session {
            session.client.close().await;
            tracing::info!(profile = %session.profile.id, "connection closed: the app quits");
        }
    }

    /// The open connection, if one is open.
    pub async fn open_session(&self) -> Option<Arc<Session>> {
        self.session.read().await.clone()
    }

    /// The open connection, or an error that says to open one.
    pub async fn session(&self) -> Result<Arc<Session>, CommandError> {
        self.session.read().await.clone().ok_or_else(|| {
            CommandError::new(
                crate::ErrorKind::NotConnected,
                "No connection is open. Choose one under Connections.",
            )
        })
    }
}
