//! The guard's promises as state invariants, checked after every step of
//! random sequences of edits made through core's use cases by the
//! connection's own credential (an API key or a service account), against
//! the in-process sandbox:
//!
//! - I1: the connection still authenticates and reads its organization;
//! - I2: it keeps Organization Owner if it had it, and, when it is not an
//!   owner, the Project Owner roles it had;
//! - I3: no credential goes from "only from its list" to "from every
//!   address" unless the step carried the person's acknowledgement for
//!   exactly that credential (a last entry removed, the requirement lifted);
//!   a credential a rotation or a move makes from one with a list ends
//!   without a list only when the use case said its list step failed;
//! - I4: the connection's saved profile and its keychain secret still
//!   sign in, as the credential the connection uses;
//! - I5: no private key, client secret or token is in the log.
//!
//! Steps: entries added and removed (own, other keys', other accounts',
//! the key the last rotation replaces), organization and project roles,
//! invitations one and many, removal from a project, the requirement on
//! and off, secrets generated and deleted, rotations started and
//! completed, the connection switched to a rotated key or a new secret
//! (the right one or another's), moves to a service account, deletions,
//! and faults aimed at the next access-list or create request through the
//! sandbox's fault hook. An observer (the sandbox's admin key, which no
//! step touches) reads the state.
//!
//! `make test` runs 200 sequences of up to 30 steps from a fixed seed, each
//! through an API key or a service account, an Organization Owner or a
//! member that owns one project; `AAM_MODEL_CASES` and `AAM_MODEL_SEED` run
//! more or others. A failure prints its seed and the shrunk sequence.
//! The keychain is the system's (`make test` runs the suites with a Secret
//! Service).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use atlas_access_core::access::edits;
use atlas_access_core::access::gate::Caller;
use atlas_access_core::access::lockout;
use atlas_access_core::access::rotation::{self, RotationKeys};
use atlas_access_core::access::usecases::StepOutcome;
use atlas_access_core::atlas::{AccessListRequest, AccountScope, AtlasClient, NewServiceAccount};
use atlas_access_core::credentials::profiles::{ConnectionKind, Profile, ProfileStore};
use atlas_access_core::credentials::switch::{self, NewKey, OpenConnection};
use atlas_access_core::credentials::{connections, keychain};
use atlas_sandbox::{Config, Sandbox};
use common::CapturedLog;
use proptest::prelude::*;
use proptest::test_runner::{
    Config as RunConfig, RngAlgorithm, TestCaseError, TestRng, TestRunner,
};
use secrecy::{ExposeSecret, SecretString};

/// Where the sandbox says every request comes from.
const APPARENT: &str = "198.51.100.7";
/// Entries a step may add: one letting this computer in, others not.
const ENTRIES: [&str; 4] = [APPARENT, "198.51.100.0/24", "203.0.113.5", "2001:db8::1"];
/// The other keys and service accounts a step may act on.
const OTHER_KEYS: usize = 3;
const OTHER_ACCOUNTS: usize = 2;
/// Projects a step may act in, by index into the organization's projects.
const PROJECTS: usize = 2;
/// The faults a step may aim at the next request of its kind.
const FAULTS: [&str; 3] = [
    "500@POST:/accessList=1",
    "500@POST:/apiKeys=1",
    "503@POST:/serviceAccounts=1",
];

/// What the connection signs in with.
#[derive(Debug, Clone, Copy)]
enum Connection {
    ApiKey,
    ServiceAccount,
}

/// Whose credential a step acts on: the connection's own, another key,
/// another service account, or the key the last rotation replaces (after
/// a switch, no longer the connection's).
#[derive(Debug, Clone, Copy)]
enum Target {
    Own,
    Key(usize),
    Account(usize),
    Replaced,
}

#[derive(Debug, Clone)]
enum Step {
    AddEntry {
        target: Target,
        entry: usize,
    },
    /// `entry`: one of the credential's entries now, by index (wrapping);
    /// one of `ENTRIES` when it has none.
    DeleteEntry {
        target: Target,
        entry: usize,
        acknowledged: bool,
    },
    OrgRoles {
        target: Target,
        owner: bool,
    },
    ProjectRoles {
        target: Target,
        project: usize,
        owner: bool,
    },
    Invite {
        target: Target,
        project: usize,
        owner: bool,
    },
    BulkInvite {
        target: Target,
        owner: bool,
    },
    RemoveFromProject {
        target: Target,
        project: usize,
    },
    Require {
        on: bool,
        acknowledged: bool,
    },
    /// `switch`: then the connection moves onto the secret, as the page
    /// offers for the account the connection signs in with.
    NewSecret {
        target: Target,
        switch: bool,
    },
    /// `secret`: one of the account's secrets now, by index (wrapping).
    DeleteSecret {
        target: Target,
        secret: usize,
    },
    /// `switch`: the connection is named for the switch, as the rotation
    /// page does for the key the connection signs in with.
    Rotate {
        target: Target,
        switch: bool,
    },
    /// Completes the last rotation started, if any.
    CompleteRotation {
        switch: bool,
    },
    Move {
        target: Target,
    },
    /// Switches the connection to the last rotation's new key (an API-key
    /// connection) or to the last secret generated (a service-account
    /// one), whoever's it was.
    Switch,
    Fault {
        fault: usize,
    },
    Delete {
        target: Target,
    },
}

/// A target, with the weights of the connection's own credential, another
/// key, another account, and the key the last rotation replaces.
fn weighted_target(
    own: u32,
    key: u32,
    account: u32,
    replaced: u32,
) -> impl Strategy<Value = Target> {
    prop_oneof![
        own => Just(Target::Own),
        key => (0..OTHER_KEYS).prop_map(Target::Key),
        account => (0..OTHER_ACCOUNTS).prop_map(Target::Account),
        replaced => Just(Target::Replaced),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    weighted_target(2, 2, 1, 1)
}

/// For the steps that can lead to a switch, which only the connection's
/// own credential can take.
fn own_mostly() -> impl Strategy<Value = Target> {
    weighted_target(3, 1, 1, 0)
}

/// For the roles: the key a rotation replaces is the one whose roles a
/// resumed rotation copies onto the connection's new key.
fn replaced_often() -> impl Strategy<Value = Target> {
    weighted_target(2, 2, 1, 3)
}

fn step() -> impl Strategy<Value = Step> {
    let entry = 0..ENTRIES.len();
    let project = 0..PROJECTS;
    // Weighted toward what changes access: entries and the requirement.
    prop_oneof![
        2 => (target(), entry.clone())
            .prop_map(|(target, entry)| Step::AddEntry { target, entry }),
        3 => (target(), entry, any::<bool>()).prop_map(|(target, entry, acknowledged)| {
            Step::DeleteEntry { target, entry, acknowledged }
        }),
        2 => (replaced_often(), any::<bool>())
            .prop_map(|(target, owner)| Step::OrgRoles { target, owner }),
        1 => (target(), project.clone(), any::<bool>())
            .prop_map(|(target, project, owner)| Step::ProjectRoles { target, project, owner }),
        1 => (target(), project.clone(), any::<bool>())
            .prop_map(|(target, project, owner)| Step::Invite { target, project, owner }),
        1 => (target(), any::<bool>()).prop_map(|(target, owner)| Step::BulkInvite { target, owner }),
        1 => (target(), project)
            .prop_map(|(target, project)| Step::RemoveFromProject { target, project }),
        2 => (any::<bool>(), any::<bool>())
            .prop_map(|(on, acknowledged)| Step::Require { on, acknowledged }),
        3 => (own_mostly(), any::<bool>())
            .prop_map(|(target, switch)| Step::NewSecret { target, switch }),
        1 => (target(), 0..2usize).prop_map(|(target, secret)| Step::DeleteSecret { target, secret }),
        3 => (own_mostly(), any::<bool>())
            .prop_map(|(target, switch)| Step::Rotate { target, switch }),
        2 => any::<bool>().prop_map(|switch| Step::CompleteRotation { switch }),
        1 => target().prop_map(|target| Step::Move { target }),
        1 => Just(Step::Switch),
        1 => (0..FAULTS.len()).prop_map(|fault| Step::Fault { fault }),
        1 => target().prop_map(|target| Step::Delete { target }),
    ]
}

/// A sequence: what the connection signs in with, whether it starts as an
/// Organization Owner (else a member that owns the first project), and its
/// steps.
fn sequence() -> impl Strategy<Value = (Connection, bool, Vec<Step>)> {
    (
        prop_oneof![Just(Connection::ApiKey), Just(Connection::ServiceAccount)],
        any::<bool>(),
        proptest::collection::vec(step(), 1..=30),
    )
}

/// What a step answered that the invariants judge.
#[derive(Default)]
struct Report {
    /// The credentials the person acknowledged the step may open.
    acknowledged: BTreeSet<String>,
    /// New credentials a rotation or a move made whose list step the use
    /// case said failed (or had nothing to copy): they may be open.
    said_open: BTreeSet<String>,
}

/// The connection as it is now: a switch replaces it.
#[derive(Clone)]
struct Open {
    client: Arc<AtlasClient>,
    caller: Caller,
    profile: Profile,
}

impl Open {
    /// The open connection as core's switch takes it.
    fn connection(&self) -> OpenConnection<'_> {
        OpenConnection {
            profile: &self.profile,
            caller: &self.caller,
        }
    }
}

/// A credential just made, with its secret, for a switch.
#[derive(Clone)]
struct Fresh {
    /// For a rotation's new key, the key it replaces.
    old_key_id: Option<String>,
    id: String,
    public_key: String,
    secret: SecretString,
}

/// One run's world: the observer, the connection and the other credentials.
struct World {
    sandbox: Sandbox,
    observer: AtlasClient,
    open: Mutex<Open>,
    /// The connection's saved profile (its secret in the keychain).
    profiles: ProfileStore,
    _profiles_dir: tempfile::TempDir,
    kind: Connection,
    org: String,
    projects: Vec<String>,
    /// The project a member connection reaches service accounts' access
    /// lists through (the one it owns); an Owner goes through the
    /// organization.
    through_project: Option<String>,
    keys: Vec<String>,
    accounts: Vec<String>,
    /// Every secret this run saw, for I5.
    secrets: Mutex<Vec<String>>,
    /// The last rotation started: old key, new key.
    rotation: Mutex<Option<RotationKeys>>,
    /// The last key a rotation made, or the last secret generated.
    fresh: Mutex<Option<Fresh>>,
}

fn request(entry: &str) -> AccessListRequest {
    if entry.contains('/') {
        AccessListRequest::CidrBlock(entry.to_owned())
    } else {
        AccessListRequest::IpAddress(entry.to_owned())
    }
}

fn roles(owner: bool, project: bool) -> Vec<String> {
    vec![
        match (owner, project) {
            (true, false) => "ORG_OWNER",
            (false, false) => "ORG_MEMBER",
            (true, true) => "GROUP_OWNER",
            (false, true) => "GROUP_READ_ONLY",
        }
        .to_owned(),
    ]
}

impl World {
    async fn new(kind: Connection, owner: bool) -> World {
        let sandbox = Sandbox::start(Config {
            apparent_ip: Some(APPARENT.parse().unwrap()),
            // I4 signs in afresh after every step: more tokens than the
            // ten a minute Atlas gives a client.
            token_requests_per_minute: u32::MAX,
            ..Config::default()
        })
        .await
        .unwrap();
        let admin = sandbox.admin().clone();
        let observer = AtlasClient::new(
            &admin.base_url,
            &admin.public_key,
            &SecretString::from(admin.private_key.clone()),
        )
        .unwrap();
        let org = admin.org_id.clone();
        let projects: Vec<String> = admin.project_ids.iter().take(PROJECTS).cloned().collect();
        assert_eq!(projects.len(), PROJECTS, "the demo has projects");
        let role = roles(owner, false);
        let mut secrets = vec![admin.private_key.clone()];
        let (connection, caller, secret) = match kind {
            Connection::ApiKey => {
                let created = observer
                    .create_org_key(&org, "model connection", &role)
                    .await
                    .unwrap();
                let own = created.key.id.clone();
                observer
                    .add_access_entries(&org, &own, &[request(APPARENT)])
                    .await
                    .unwrap();
                observer
                    .invite_key_to_project(&projects[0], &own, &roles(true, true))
                    .await
                    .unwrap();
                secrets.push(created.private_key.expose_secret().to_owned());
                let connection = AtlasClient::new(
                    &admin.base_url,
                    &created.key.public_key,
                    &created.private_key,
                )
                .unwrap();
                let caller = Caller {
                    key_id: own,
                    public_key: created.key.public_key.clone(),
                };
                (connection, caller, created.private_key)
            }
            Connection::ServiceAccount => {
                let created = observer
                    .create_org_service_account(&org, &account("model connection", role))
                    .await
                    .unwrap();
                let own = created.account.client_id.clone();
                observer
                    .add_service_account_entries(
                        AccountScope::Org(&org),
                        &own,
                        &[request(APPARENT)],
                    )
                    .await
                    .unwrap();
                observer
                    .invite_service_account_to_project(&projects[0], &own, &roles(true, true))
                    .await
                    .unwrap();
                secrets.push(created.secret.expose_secret().to_owned());
                let connection = AtlasClient::for_service_account(
                    &admin.base_url,
                    &own,
                    &created.secret,
                    Default::default(),
                )
                .unwrap();
                let caller = Caller {
                    key_id: own.clone(),
                    public_key: own,
                };
                (connection, caller, created.secret)
            }
        };
        // Others: with no list, one entry, two entries.
        let lists = [
            &[][..],
            &["203.0.113.5"][..],
            &["203.0.113.5", "198.51.100.0/24"][..],
        ];
        let mut keys = Vec::new();
        for (n, entries) in lists.iter().take(OTHER_KEYS).enumerate() {
            let other = observer
                .create_org_key(&org, &format!("model other {n}"), &roles(false, false))
                .await
                .unwrap();
            let requests: Vec<_> = entries.iter().map(|entry| request(entry)).collect();
            if !requests.is_empty() {
                observer
                    .add_access_entries(&org, &other.key.id, &requests)
                    .await
                    .unwrap();
            }
            secrets.push(other.private_key.expose_secret().to_owned());
            keys.push(other.key.id);
        }
        let mut accounts = Vec::new();
        for (n, entries) in lists.iter().take(OTHER_ACCOUNTS).enumerate() {
            let other = observer
                .create_org_service_account(
                    &org,
                    &account(&format!("model other {n}"), roles(false, false)),
                )
                .await
                .unwrap();
            let requests: Vec<_> = entries.iter().map(|entry| request(entry)).collect();
            if !requests.is_empty() {
                observer
                    .add_service_account_entries(
                        AccountScope::Org(&org),
                        &other.account.client_id,
                        &requests,
                    )
                    .await
                    .unwrap();
            }
            secrets.push(other.secret.expose_secret().to_owned());
            accounts.push(other.account.client_id);
        }
        let profiles_dir = tempfile::tempdir().unwrap();
        let profiles = ProfileStore::at(profiles_dir.path().join("profiles.json"));
        let profile = connections::save(
            &profiles,
            Profile {
                id: profile_id(),
                name: "model connection".to_owned(),
                base_url: admin.base_url.clone(),
                kind: match kind {
                    Connection::ApiKey => ConnectionKind::ApiKey,
                    Connection::ServiceAccount => ConnectionKind::ServiceAccount,
                },
                public_key: caller.public_key.clone(),
                default_org_id: Some(org.clone()),
            },
            Some(&secret),
        )
        .await
        .unwrap();
        World {
            sandbox,
            observer,
            open: Mutex::new(Open {
                client: Arc::new(connection),
                caller,
                profile,
            }),
            profiles,
            _profiles_dir: profiles_dir,
            kind,
            org,
            through_project: (!owner).then(|| projects[0].clone()),
            projects,
            keys,
            accounts,
            secrets: Mutex::new(secrets),
            rotation: Mutex::new(None),
            fresh: Mutex::new(None),
        }
    }

    fn open(&self) -> Open {
        self.open.lock().unwrap().clone()
    }

    fn caller(&self) -> Caller {
        self.open().caller
    }

    /// The key a target names, if it names one.
    fn key_of(&self, target: Target) -> Option<String> {
        match (target, self.kind) {
            (Target::Own, Connection::ApiKey) => Some(self.caller().key_id),
            (Target::Key(n), _) => Some(self.keys[n].clone()),
            (Target::Replaced, _) => self
                .rotation
                .lock()
                .unwrap()
                .as_ref()
                .map(|keys| keys.old_key_id.clone()),
            _ => None,
        }
    }

    /// The service account a target names, if it names one.
    fn account_of(&self, target: Target) -> Option<String> {
        match (target, self.kind) {
            (Target::Own, Connection::ServiceAccount) => Some(self.caller().key_id),
            (Target::Account(n), _) => Some(self.accounts[n].clone()),
            _ => None,
        }
    }

    /// The standalone switch: onto the credential made last, whoever's.
    async fn switch(&self, open: &Open) -> Result<(), atlas_access_core::CoreError> {
        let fresh = self.fresh.lock().unwrap().clone();
        match (self.kind, fresh) {
            (Connection::ApiKey, Some(fresh)) => match &fresh.old_key_id {
                Some(old) => {
                    self.to_new_key(open, old, &fresh.id, &fresh.public_key, &fresh.secret)
                        .await
                }
                None => Ok(()),
            },
            (Connection::ServiceAccount, Some(fresh)) if fresh.old_key_id.is_none() => {
                self.to_new_secret(open, &fresh.id, &fresh.secret).await
            }
            _ => Ok(()),
        }
    }

    /// The open connection moved onto a rotation's new key, as the app
    /// moves it.
    async fn to_new_key(
        &self,
        open: &Open,
        old_key_id: &str,
        key_id: &str,
        public_key: &str,
        private_key: &SecretString,
    ) -> Result<(), atlas_access_core::CoreError> {
        let switched = switch::to_new_key(
            &self.profiles,
            open.connection(),
            NewKey {
                profile_id: &open.profile.id,
                old_key_id,
                key_id,
                public_key,
            },
            private_key,
        )
        .await?;
        self.go_on_with(open, switched).await;
        Ok(())
    }

    /// The open connection moved onto a new secret, as the app moves it.
    async fn to_new_secret(
        &self,
        open: &Open,
        client_id: &str,
        secret: &SecretString,
    ) -> Result<(), atlas_access_core::CoreError> {
        let switched = switch::to_new_secret(
            &self.profiles,
            open.connection(),
            &open.profile.id,
            client_id,
            secret,
        )
        .await?;
        self.go_on_with(open, switched).await;
        Ok(())
    }

    async fn go_on_with(&self, open: &Open, switched: switch::Switched) {
        open.client.close().await;
        SWITCHES.fetch_add(1, Ordering::Relaxed);
        *self.open.lock().unwrap() = Open {
            client: Arc::new(switched.client),
            caller: switched.caller,
            profile: switched.profile,
        };
    }

    /// I4: the saved profile and the keychain's secret sign in, as the
    /// credential the connection uses.
    async fn signs_in_as_saved(&self) -> Result<(), String> {
        let open = self.open();
        let saved = self
            .profiles
            .load()
            .await
            .map_err(|error| format!("the profiles cannot be read: {error}"))?
            .profiles
            .into_iter()
            .find(|profile| profile.id == open.profile.id)
            .ok_or("the connection's profile is gone")?;
        let secret = keychain::read_secret(&saved.id)
            .await
            .map_err(|error| format!("the keychain has no secret for the connection: {error}"))?;
        let client = match saved.kind {
            ConnectionKind::ApiKey => AtlasClient::new(&saved.base_url, &saved.public_key, &secret),
            ConnectionKind::ServiceAccount => AtlasClient::for_service_account(
                &saved.base_url,
                &saved.public_key,
                &secret,
                Default::default(),
            ),
        }
        .map_err(|error| error.to_string())?;
        let probed = switch::probe(&client).await;
        client.close().await;
        let caller = probed
            .map_err(|error| format!("the saved connection does not sign in: {error}"))?
            .caller;
        if caller != open.caller {
            return Err(format!(
                "the saved connection signs in as {}, the open one as {}",
                caller.public_key, open.caller.public_key
            ));
        }
        Ok(())
    }

    fn remember(&self, secret: &str) {
        self.secrets.lock().unwrap().push(secret.to_owned());
    }

    /// Runs one step through core as the connection.
    async fn run(&self, step: &Step) -> Report {
        let open = self.open();
        let (client, caller, org) = (&open.client, &open.caller, self.org.as_str());
        let mut report = Report::default();
        let key = |target| self.key_of(target);
        let account = |target| self.account_of(target);
        // Refusals are expected: only what a step changes is judged.
        let _ = match *step {
            Step::AddEntry { target, entry } => {
                if let Some(key) = key(target) {
                    edits::add_access_entries(client, org, &key, ENTRIES[entry])
                        .await
                        .map(drop)
                } else if let Some(account) = account(target) {
                    edits::add_service_account_entries(
                        client,
                        org,
                        self.through_project.as_deref(),
                        &account,
                        ENTRIES[entry],
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::DeleteEntry {
                target,
                entry,
                acknowledged,
            } => {
                let pick = |names: Vec<String>| match names.get(entry % names.len().max(1)) {
                    Some(name) => name.clone(),
                    None => ENTRIES[entry].to_owned(),
                };
                if let Some(key) = key(target) {
                    if acknowledged {
                        report.acknowledged.insert(key.clone());
                    }
                    let names = self
                        .observer
                        .list_access_list(org, &key)
                        .await
                        .unwrap_or_default()
                        .iter()
                        .map(|entry| entry.path_name().to_owned())
                        .collect();
                    edits::delete_access_entry(
                        client,
                        caller,
                        org,
                        &key,
                        &pick(names),
                        acknowledged,
                    )
                    .await
                    .map(drop)
                } else if let Some(account) = account(target) {
                    if acknowledged {
                        report.acknowledged.insert(account.clone());
                    }
                    let names = self
                        .observer
                        .list_service_account_access_list(AccountScope::Org(org), &account)
                        .await
                        .unwrap_or_default()
                        .iter()
                        .map(|entry| entry.path_name().to_owned())
                        .collect();
                    edits::delete_service_account_entry(
                        client,
                        caller,
                        org,
                        self.through_project.as_deref(),
                        &account,
                        &pick(names),
                        acknowledged,
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::OrgRoles { target, owner } => {
                if let Some(key) = key(target) {
                    edits::update_org_key(
                        client,
                        caller,
                        org,
                        &key,
                        "model key",
                        &roles(owner, false),
                    )
                    .await
                    .map(drop)
                } else if let Some(account) = account(target) {
                    edits::update_service_account(
                        client,
                        caller,
                        org,
                        &account,
                        "model account",
                        "changed by the model",
                        &roles(owner, false),
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::ProjectRoles {
                target,
                project,
                owner,
            } => {
                let project = &self.projects[project];
                if let Some(key) = key(target) {
                    edits::update_project_roles(
                        client,
                        caller,
                        org,
                        project,
                        &key,
                        &roles(owner, true),
                    )
                    .await
                    .map(drop)
                } else if let Some(account) = account(target) {
                    edits::set_service_account_project_roles(
                        client,
                        caller,
                        project,
                        &account,
                        &roles(owner, true),
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::Invite {
                target,
                project,
                owner,
            } => {
                let project = &self.projects[project];
                if let Some(key) = key(target) {
                    edits::invite_key_to_project(
                        client,
                        caller,
                        org,
                        project,
                        &key,
                        &roles(owner, true),
                    )
                    .await
                    .map(drop)
                } else if let Some(account) = account(target) {
                    edits::invite_service_account_to_projects(
                        client,
                        caller,
                        org,
                        &account,
                        std::slice::from_ref(project),
                        &roles(owner, true),
                        &|_| {},
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::BulkInvite { target, owner } => {
                if let Some(key) = key(target) {
                    edits::invite_to_projects(
                        client,
                        caller,
                        org,
                        &key,
                        &self.projects,
                        &roles(owner, true),
                        &|_| {},
                    )
                    .await
                    .map(drop)
                } else if let Some(account) = account(target) {
                    edits::invite_service_account_to_projects(
                        client,
                        caller,
                        org,
                        &account,
                        &self.projects,
                        &roles(owner, true),
                        &|_| {},
                    )
                    .await
                    .map(drop)
                } else {
                    Ok(())
                }
            }
            Step::RemoveFromProject { target, project } => {
                let project = &self.projects[project];
                if let Some(key) = key(target) {
                    edits::remove_key_from_project(client, caller, org, project, &key)
                        .await
                        .map(drop)
                } else if let Some(account) = account(target) {
                    edits::remove_service_account_from_project(client, caller, project, &account)
                        .await
                } else {
                    Ok(())
                }
            }
            Step::Require { on, acknowledged } => {
                // As the page does: the check names what would open, and
                // the person's confirmation carries those names.
                let mut names = Vec::new();
                if !on
                    && acknowledged
                    && let Ok(check) =
                        lockout::check_lift_access_list_requirement(client, org).await
                {
                    names = check.ids().map(str::to_owned).collect();
                    report.acknowledged.extend(names.iter().cloned());
                }
                edits::set_access_list_requirement(client, caller, org, on, &names)
                    .await
                    .map(drop)
            }
            Step::NewSecret { target, switch } => match account(target) {
                Some(account) => {
                    match edits::rotate_service_account_secret(client, org, &account, 24 * 30).await
                    {
                        Ok(rotation) => {
                            let secret = rotation.new_secret.value;
                            self.remember(secret.expose_secret());
                            *self.fresh.lock().unwrap() = Some(Fresh {
                                old_key_id: None,
                                id: account.clone(),
                                public_key: account.clone(),
                                secret: secret.clone(),
                            });
                            if switch {
                                self.to_new_secret(&open, &account, &secret).await
                            } else {
                                Ok(())
                            }
                        }
                        Err(error) => Err(error),
                    }
                }
                None => Ok(()),
            },
            Step::DeleteSecret { target, secret } => match account(target) {
                Some(account) => {
                    let secrets = self
                        .observer
                        .get_org_service_account(org, &account)
                        .await
                        .map(|account| account.secrets)
                        .unwrap_or_default();
                    match secrets.get(secret % secrets.len().max(1)) {
                        Some(chosen) => edits::delete_service_account_secret(
                            client, caller, org, &account, &chosen.id,
                        )
                        .await
                        .map(drop),
                        None => Ok(()),
                    }
                }
                None => Ok(()),
            },
            Step::Rotate { target, switch } => match key(target) {
                Some(old) => match rotation::start_rotation(client, org, &old).await {
                    Ok(started) => {
                        self.remember(started.created.private_key.expose_secret());
                        if !matches!(started.access_list, StepOutcome::Done) {
                            report.said_open.insert(started.created.key.id.clone());
                        }
                        *self.fresh.lock().unwrap() = Some(Fresh {
                            old_key_id: Some(old.clone()),
                            id: started.created.key.id.clone(),
                            public_key: started.created.key.public_key.clone(),
                            secret: started.created.private_key.clone(),
                        });
                        *self.rotation.lock().unwrap() = Some(RotationKeys {
                            old_key_id: old.clone(),
                            new_key_id: started.created.key.id.clone(),
                        });
                        // As the rotation command does: the named
                        // connection moves only onto a complete new key.
                        if switch && started.is_complete() {
                            let new = &started.created;
                            self.to_new_key(
                                &open,
                                &old,
                                &new.key.id,
                                &new.key.public_key,
                                &new.private_key,
                            )
                            .await
                        } else {
                            Ok(())
                        }
                    }
                    Err(error) => Err(error),
                },
                None => Ok(()),
            },
            Step::CompleteRotation { switch } => {
                let keys = self.rotation.lock().unwrap().clone();
                let secret = self.fresh.lock().unwrap().as_ref().and_then(|fresh| {
                    keys.as_ref()
                        .filter(|keys| fresh.id == keys.new_key_id)
                        .map(|_| fresh.secret.clone())
                });
                match keys {
                    Some(keys) => {
                        match rotation::complete_rotation(client, caller, org, &keys).await {
                            Ok(setup) => match secret {
                                Some(secret) if switch && setup.complete => {
                                    self.to_new_key(
                                        &open,
                                        &keys.old_key_id,
                                        &keys.new_key_id,
                                        &setup.key.public_key,
                                        &secret,
                                    )
                                    .await
                                }
                                _ => Ok(()),
                            },
                            Err(error) => Err(error),
                        }
                    }
                    None => Ok(()),
                }
            }
            Step::Move { target } => match key(target) {
                Some(old) => rotation::move_to_service_account(client, org, &old, 24 * 30)
                    .await
                    .map(|moved| {
                        self.remember(moved.created.secret.expose_secret());
                        if !matches!(moved.access_list, StepOutcome::Done) {
                            report
                                .said_open
                                .insert(moved.created.account.client_id.clone());
                        }
                    }),
                None => Ok(()),
            },
            Step::Switch => self.switch(&open).await,
            Step::Fault { fault } => {
                self.sandbox.aim_faults(FAULTS[fault]).unwrap();
                Ok(())
            }
            Step::Delete { target } => {
                if let Some(key) = key(target) {
                    edits::delete_org_key(client, caller, org, &key).await
                } else if let Some(account) = account(target) {
                    edits::delete_service_account(client, caller, org, &account).await
                } else {
                    Ok(())
                }
            }
        };
        report
    }

    /// Every key and service account now.
    async fn credentials(&self) -> BTreeSet<String> {
        let org = self.org.as_str();
        let keys = self.observer.list_org_keys(org).await.unwrap();
        let accounts = self.observer.list_org_service_accounts(org).await.unwrap();
        keys.into_iter()
            .map(|key| key.id)
            .chain(accounts.into_iter().map(|account| account.client_id))
            .collect()
    }

    /// The keys and service accounts open to every address now (no list,
    /// and no requirement), as the observer reads them.
    async fn open_credentials(&self) -> BTreeSet<String> {
        let org = self.org.as_str();
        if self
            .observer
            .org_settings(org)
            .await
            .unwrap()
            .api_access_list_required
        {
            return BTreeSet::new();
        }
        let mut open = BTreeSet::new();
        for key in self.observer.list_org_keys(org).await.unwrap() {
            if self
                .observer
                .list_access_list(org, &key.id)
                .await
                .unwrap()
                .is_empty()
            {
                open.insert(key.id);
            }
        }
        for account in self.observer.list_org_service_accounts(org).await.unwrap() {
            let list = self
                .observer
                .list_service_account_access_list(AccountScope::Org(org), &account.client_id)
                .await
                .unwrap();
            if list.is_empty() {
                open.insert(account.client_id);
            }
        }
        open
    }

    /// The connection's organization roles and the projects it owns.
    async fn own_roles(&self) -> (bool, BTreeSet<String>) {
        let caller = self.caller();
        match self.kind {
            Connection::ApiKey => {
                let key = self
                    .observer
                    .get_org_key(&self.org, &caller.key_id)
                    .await
                    .unwrap();
                let owner = key.org_roles(&self.org).any(|role| role == "ORG_OWNER");
                let owned = key
                    .roles
                    .iter()
                    .filter(|role| role.role_name == "GROUP_OWNER")
                    .filter_map(|role| role.group_id.clone())
                    .collect();
                (owner, owned)
            }
            Connection::ServiceAccount => {
                let account = self
                    .observer
                    .get_org_service_account(&self.org, &caller.key_id)
                    .await
                    .unwrap();
                let owner = account.roles.iter().any(|role| role == "ORG_OWNER");
                let owned = self
                    .observer
                    .list_service_account_projects(&self.org, &caller.key_id)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|project| project.roles.iter().any(|role| role == "GROUP_OWNER"))
                    .map(|project| project.group_id)
                    .collect();
                (owner, owned)
            }
        }
    }
}

fn account(name: &str, roles: Vec<String>) -> NewServiceAccount {
    NewServiceAccount {
        name: name.to_owned(),
        description: "made for the guard's model".to_owned(),
        roles,
        secret_expires_after_hours: 24 * 30,
    }
}

/// Runs one sequence; the first broken invariant, in words.
async fn check_sequence(
    log: &CapturedLog,
    kind: Connection,
    owner: bool,
    steps: &[Step],
) -> Result<(), String> {
    let world = World::new(kind, owner).await;
    let (was_owner, owned) = world.own_roles().await;
    let result = walk(&world, was_owner, &owned, steps).await;
    let profile_id = world.open().profile.id;
    connections::delete(&world.profiles, &profile_id)
        .await
        .unwrap();
    // I5, whatever happened: the log holds no secret this run saw.
    let text = log.take();
    let secrets = world.secrets.lock().unwrap().clone();
    world.sandbox.stop().await;
    result?;
    if secrets.iter().any(|secret| text.contains(secret.as_str())) {
        return Err("I5: a private key or client secret is in the log".to_owned());
    }
    Ok(())
}

async fn walk(
    world: &World,
    was_owner: bool,
    owned: &BTreeSet<String>,
    steps: &[Step],
) -> Result<(), String> {
    for (n, step) in steps.iter().enumerate() {
        let existed = world.credentials().await;
        let open_before = world.open_credentials().await;
        let report = world.run(step).await;
        let at = format!("after step {n} ({step:?})");
        // I1
        world
            .open()
            .client
            .org_settings(&world.org)
            .await
            .map_err(|error| format!("I1 {at}: the connection lost its access: {error}"))?;
        // I4
        world
            .signs_in_as_saved()
            .await
            .map_err(|error| format!("I4 {at}: {error}"))?;
        // I2
        let (is_owner, owns) = world.own_roles().await;
        if was_owner && !is_owner {
            return Err(format!("I2 {at}: the connection lost Organization Owner"));
        }
        if !was_owner && !owned.is_subset(&owns) {
            return Err(format!(
                "I2 {at}: the connection lost Project Owner: had {owned:?}, has {owns:?}"
            ));
        }
        // I3: what was there and became open was acknowledged; what is new
        // and open was said to be.
        let open_after = world.open_credentials().await;
        let opened: Vec<&String> = open_after
            .difference(&open_before)
            .filter(|id| {
                if existed.contains(*id) {
                    !report.acknowledged.contains(*id)
                } else {
                    !report.said_open.contains(*id)
                }
            })
            .collect();
        if !opened.is_empty() {
            return Err(format!(
                "I3 {at}: opened to every address without the person knowing: {opened:?}"
            ));
        }
    }
    Ok(())
}

/// Connections switched to a new credential, over the whole run: a switch
/// that never succeeds would test nothing.
static SWITCHES: AtomicU64 = AtomicU64::new(0);

/// A keychain account no other run or test uses.
fn profile_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("model-{}-{n}", std::process::id())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_guard_keeps_its_promises_over_random_sequences_of_edits() {
    let log = CapturedLog::install(tracing::Level::DEBUG);
    let cases = u32::try_from(env_number("AAM_MODEL_CASES", 200)).unwrap_or(200);
    let seed = env_number("AAM_MODEL_SEED", 0x5eed_2026);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = RunConfig {
        cases,
        max_shrink_iters: 256,
        failure_persistence: None,
        ..RunConfig::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runner.run(&sequence(), |(kind, owner, steps)| {
        runtime
            .block_on(check_sequence(&log, kind, owner, &steps))
            .map_err(TestCaseError::fail)
    });
    if let Err(failure) = result {
        panic!("AAM_MODEL_SEED={seed}: {failure}");
    }
    let switches = SWITCHES.load(Ordering::Relaxed);
    assert!(
        switches > 0,
        "no sequence switched its connection: the switch went untested"
    );
    println!(
        "guard model: {cases} sequences of up to 30 steps, seed {seed}, {switches} connections switched: every invariant held"
    );
}
