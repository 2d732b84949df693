//! The guard's promises as state invariants, checked after every step of
//! random sequences of edits made through core's use cases by the
//! connection's own API key, against the in-process sandbox:
//!
//! - I1: the connection still authenticates and reads its organization;
//! - I2: it keeps Organization Owner if it had it, and, when it is not an
//!   owner, the Project Owner roles it had;
//! - I3: no credential goes from "only from its list" to "from every
//!   address" unless the step carried the person's acknowledgement for
//!   exactly that credential (a last entry removed, the requirement lifted).
//!
//! An observer (the sandbox's admin key, which no step touches) reads the
//! state. `make test` runs 200 sequences of 30 steps from a fixed seed, as
//! an Organization Owner and as a member that owns one project;
//! `AAM_MODEL_CASES` and `AAM_MODEL_SEED` run more or others. A failure
//! prints its seed and the shrunk sequence.
//!
//! Not yet covered: a service-account connection, rotations and the move
//! to a service account, secrets, faults, the log (I5) and the keychain (I4).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::collections::BTreeSet;

use atlas_access_core::atlas::{AccessListRequest, AtlasClient};
use atlas_access_core::edits::{self, Caller};
use atlas_access_core::lockout;
use atlas_sandbox::{Config, Sandbox};
use proptest::prelude::*;
use proptest::test_runner::{
    Config as RunConfig, RngAlgorithm, TestCaseError, TestRng, TestRunner,
};

/// Where the sandbox says every request comes from.
const APPARENT: &str = "198.51.100.7";
/// Entries a step may add: one letting this computer in, others not.
const ENTRIES: [&str; 4] = [APPARENT, "198.51.100.0/24", "203.0.113.5", "2001:db8::1"];
/// The other keys a step may act on (besides the connection's own).
const OTHERS: usize = 3;
/// Projects a step may act in, by index into the organization's projects.
const PROJECTS: usize = 2;

/// Whose credential a step acts on.
#[derive(Debug, Clone, Copy)]
enum Target {
    Own,
    Other(usize),
}

#[derive(Debug, Clone)]
enum Step {
    AddEntry {
        target: Target,
        entry: usize,
    },
    /// `entry`: one of the key's entries now, by index (wrapping); one of
    /// `ENTRIES` when it has none.
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
    DeleteKey {
        target: Target,
    },
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![Just(Target::Own), (0..OTHERS).prop_map(Target::Other)]
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
        1 => (target(), any::<bool>()).prop_map(|(target, owner)| Step::OrgRoles { target, owner }),
        1 => (target(), project.clone(), any::<bool>())
            .prop_map(|(target, project, owner)| Step::ProjectRoles { target, project, owner }),
        1 => (target(), project.clone(), any::<bool>())
            .prop_map(|(target, project, owner)| Step::Invite { target, project, owner }),
        1 => (target(), any::<bool>()).prop_map(|(target, owner)| Step::BulkInvite { target, owner }),
        1 => (target(), project)
            .prop_map(|(target, project)| Step::RemoveFromProject { target, project }),
        2 => (any::<bool>(), any::<bool>())
            .prop_map(|(on, acknowledged)| Step::Require { on, acknowledged }),
        1 => target().prop_map(|target| Step::DeleteKey { target }),
    ]
}

/// A sequence, and whether the connection starts as an Organization Owner
/// (else a member that owns the first project).
fn sequence() -> impl Strategy<Value = (bool, Vec<Step>)> {
    (any::<bool>(), proptest::collection::vec(step(), 1..=30))
}

/// One run's world: the observer, the connection, its key and the others.
struct World {
    _sandbox: Sandbox,
    observer: AtlasClient,
    connection: AtlasClient,
    caller: Caller,
    org: String,
    projects: Vec<String>,
    others: Vec<String>,
}

impl World {
    async fn new(owner: bool) -> World {
        let sandbox = Sandbox::start(Config {
            apparent_ip: Some(APPARENT.parse().unwrap()),
            ..Config::default()
        })
        .await
        .unwrap();
        let admin = sandbox.admin().clone();
        let observer = AtlasClient::new(
            &admin.base_url,
            &admin.public_key,
            &secrecy::SecretString::from(admin.private_key.clone()),
        )
        .unwrap();
        let org = admin.org_id.clone();
        let projects: Vec<String> = admin.project_ids.iter().take(PROJECTS).cloned().collect();
        assert_eq!(projects.len(), PROJECTS, "the demo has projects");
        let role = if owner { "ORG_OWNER" } else { "ORG_MEMBER" };
        let created = observer
            .create_org_key(&org, "model connection", &[role.to_owned()])
            .await
            .unwrap();
        let own = created.key.id.clone();
        observer
            .add_access_entries(
                &org,
                &own,
                &[AccessListRequest::IpAddress(APPARENT.to_owned())],
            )
            .await
            .unwrap();
        observer
            .invite_key_to_project(&projects[0], &own, &["GROUP_OWNER".to_owned()])
            .await
            .unwrap();
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
        // Others: one with no list, one with one entry, one with two.
        let mut others = Vec::new();
        for (n, entries) in [
            &[][..],
            &["203.0.113.5"][..],
            &["203.0.113.5", "198.51.100.0/24"][..],
        ]
        .into_iter()
        .enumerate()
        {
            let other = observer
                .create_org_key(
                    &org,
                    &format!("model other {n}"),
                    &["ORG_MEMBER".to_owned()],
                )
                .await
                .unwrap();
            let requests: Vec<AccessListRequest> = entries
                .iter()
                .map(|entry| {
                    if entry.contains('/') {
                        AccessListRequest::CidrBlock((*entry).to_owned())
                    } else {
                        AccessListRequest::IpAddress((*entry).to_owned())
                    }
                })
                .collect();
            if !requests.is_empty() {
                observer
                    .add_access_entries(&org, &other.key.id, &requests)
                    .await
                    .unwrap();
            }
            others.push(other.key.id);
        }
        World {
            _sandbox: sandbox,
            observer,
            connection,
            caller,
            org,
            projects,
            others,
        }
    }

    fn key_of(&self, target: Target) -> String {
        match target {
            Target::Own => self.caller.key_id.clone(),
            Target::Other(n) => self.others[n].clone(),
        }
    }

    /// Runs one step through core as the connection; answers what the
    /// person acknowledged: the credentials it may open.
    async fn run(&self, step: &Step) -> BTreeSet<String> {
        let (client, caller, org) = (&self.connection, &self.caller, self.org.as_str());
        let roles = |owner: bool, project: bool| -> Vec<String> {
            vec![
                match (owner, project) {
                    (true, false) => "ORG_OWNER",
                    (false, false) => "ORG_MEMBER",
                    (true, true) => "GROUP_OWNER",
                    (false, true) => "GROUP_READ_ONLY",
                }
                .to_owned(),
            ]
        };
        let mut acknowledged = BTreeSet::new();
        // Refusals are expected: only what a step changes is judged.
        let _ = match *step {
            Step::AddEntry { target, entry } => {
                edits::add_access_entries(client, org, &self.key_of(target), ENTRIES[entry])
                    .await
                    .map(drop)
            }
            Step::DeleteEntry {
                target,
                entry,
                acknowledged: ack,
            } => {
                let key = self.key_of(target);
                if ack {
                    acknowledged.insert(key.clone());
                }
                let current = self
                    .observer
                    .list_access_list(org, &key)
                    .await
                    .unwrap_or_default();
                let name = match current.get(entry % current.len().max(1)) {
                    Some(existing) => existing.path_name().to_owned(),
                    None => ENTRIES[entry].to_owned(),
                };
                edits::delete_access_entry(client, caller, org, &key, &name, ack)
                    .await
                    .map(drop)
            }
            Step::OrgRoles { target, owner } => edits::update_org_key(
                client,
                caller,
                org,
                &self.key_of(target),
                "model key",
                &roles(owner, false),
            )
            .await
            .map(drop),
            Step::ProjectRoles {
                target,
                project,
                owner,
            } => edits::update_project_roles(
                client,
                caller,
                org,
                &self.projects[project],
                &self.key_of(target),
                &roles(owner, true),
            )
            .await
            .map(drop),
            Step::Invite {
                target,
                project,
                owner,
            } => edits::invite_key_to_project(
                client,
                caller,
                org,
                &self.projects[project],
                &self.key_of(target),
                &roles(owner, true),
            )
            .await
            .map(drop),
            Step::BulkInvite { target, owner } => edits::invite_to_projects(
                client,
                caller,
                org,
                &self.key_of(target),
                &self.projects,
                &roles(owner, true),
                &|_| {},
            )
            .await
            .map(drop),
            Step::RemoveFromProject { target, project } => edits::remove_key_from_project(
                client,
                caller,
                org,
                &self.projects[project],
                &self.key_of(target),
            )
            .await
            .map(drop),
            Step::Require {
                on,
                acknowledged: ack,
            } => {
                // As the page does: the check names what would open, and
                // the person's confirmation carries those names.
                let mut names = Vec::new();
                if !on
                    && ack
                    && let Ok(check) =
                        lockout::check_lift_access_list_requirement(client, org).await
                {
                    names = check.ids().map(str::to_owned).collect();
                    acknowledged.extend(names.iter().cloned());
                }
                edits::set_access_list_requirement(client, caller, org, on, &names)
                    .await
                    .map(drop)
            }
            Step::DeleteKey { target } => {
                edits::delete_org_key(client, caller, org, &self.key_of(target)).await
            }
        };
        acknowledged
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
                .list_service_account_access_list(org, &account.client_id)
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
        let key = self
            .observer
            .get_org_key(&self.org, &self.caller.key_id)
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
}

/// Runs one sequence; the first broken invariant, in words.
async fn check_sequence(owner: bool, steps: &[Step]) -> Result<(), String> {
    let world = World::new(owner).await;
    let (was_owner, owned) = world.own_roles().await;
    for (n, step) in steps.iter().enumerate() {
        let open_before = world.open_credentials().await;
        let acknowledged = world.run(step).await;
        let at = format!("after step {n} ({step:?})");
        // I1
        world
            .connection
            .org_settings(&world.org)
            .await
            .map_err(|error| format!("I1 {at}: the connection lost its access: {error}"))?;
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
        // I3
        let opened: BTreeSet<String> = world
            .open_credentials()
            .await
            .difference(&open_before)
            .cloned()
            .collect();
        if !opened.is_subset(&acknowledged) {
            return Err(format!(
                "I3 {at}: opened to every address unacknowledged: {:?}",
                opened.difference(&acknowledged).collect::<Vec<_>>()
            ));
        }
    }
    Ok(())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_guard_keeps_its_promises_over_random_sequences_of_edits() {
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
    let result = runner.run(&sequence(), |(owner, steps)| {
        runtime
            .block_on(check_sequence(owner, &steps))
            .map_err(TestCaseError::fail)
    });
    if let Err(failure) = result {
        panic!("AAM_MODEL_SEED={seed}: {failure}");
    }
    println!("guard model: {cases} sequences of up to 30 steps, seed {seed}: every invariant held");
}
