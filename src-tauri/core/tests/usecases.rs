//! The multi-step operations against the sandbox over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::sync::Mutex;
use std::time::Duration;

use atlas_access_core::access::usecases::{
    Invitee, NewOrgKey, Progress, ProjectRoles, StepOutcome, create_org_key_with_setup,
    invite_to_projects, load_inventory, load_key_list,
};
use atlas_access_core::atlas::{AccessListRequest, AtlasClient, ClientOptions, NewServiceAccount};
use atlas_sandbox::{Config, Sandbox, Seed};
use secrecy::{ExposeSecret, SecretString};

fn client(sandbox: &Sandbox) -> AtlasClient {
    let admin = sandbox.admin();
    key_client(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
}

/// A client signed in with this key, with short retry pauses.
fn key_client(base_url: &str, public_key: &str, private_key: &SecretString) -> AtlasClient {
    let options = ClientOptions {
        backoff_base: Duration::from_millis(5),
        ..ClientOptions::default()
    };
    AtlasClient::with_options(base_url, public_key, private_key, options).unwrap()
}

fn roles(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

#[tokio::test]
async fn a_failed_later_step_keeps_the_new_key_and_its_private_key() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let plan = NewOrgKey {
        desc: "with setup".into(),
        roles: roles(&["ORG_MEMBER"]),
        access_list: vec![AccessListRequest::IpAddress("198.51.100.4".into())],
        projects: vec![
            ProjectRoles {
                project_id: project.clone(),
                roles: roles(&["GROUP_READ_ONLY"]),
            },
            ProjectRoles {
                project_id: "0123456789abcdef01234567".into(),
                roles: roles(&["GROUP_READ_ONLY"]),
            },
        ],
    };
    let outcome = create_org_key_with_setup(&client, &org, &plan)
        .await
        .unwrap();
    assert_eq!(outcome.created.private_key.expose_secret().len(), 36);
    assert_eq!(outcome.access_list, StepOutcome::Done);
    assert_eq!(outcome.invitations[0], (project.clone(), StepOutcome::Done));
    match &outcome.invitations[1].1 {
        StepOutcome::Failed {
            atlas_error_code, ..
        } => assert_eq!(atlas_error_code.as_deref(), Some("GROUP_NOT_FOUND")),
        other => panic!("expected a failed invitation, got {other:?}"),
    }
    // The key as it is after its setup, with the project role it was given.
    assert!(
        outcome
            .key_after
            .project_roles(&project)
            .eq(["GROUP_READ_ONLY"])
    );
    assert!(outcome.created.key.project_roles(&project).next().is_none());
    let entries = client
        .list_access_list(&org, &outcome.created.key.id)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
}

/// Who the bulk invite is tried with.
#[derive(Clone, Copy)]
enum InviteeKind {
    Key,
    ServiceAccount,
}

#[tokio::test]
async fn bulk_invite_of_a_key_reports_progress_and_skips_what_is_done() {
    bulk_invite_reports_progress_and_skips_what_is_done(InviteeKind::Key).await;
}

#[tokio::test]
async fn bulk_invite_of_a_service_account_reports_progress_and_skips_what_is_done() {
    bulk_invite_reports_progress_and_skips_what_is_done(InviteeKind::ServiceAccount).await;
}

async fn bulk_invite_reports_progress_and_skips_what_is_done(kind: InviteeKind) {
    let sandbox = Sandbox::start(Config {
        seed: Seed::Scale {
            keys: 5,
            projects: 12,
            accounts: 0,
            events: 0,
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let projects: Vec<String> = sandbox.admin().project_ids.clone();
    let wanted = roles(&["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]);
    let id = match kind {
        InviteeKind::Key => {
            client
                .create_org_key(&org, "to invite", &roles(&["ORG_MEMBER"]))
                .await
                .unwrap()
                .key
                .id
        }
        InviteeKind::ServiceAccount => {
            let account = NewServiceAccount {
                name: "to invite".to_owned(),
                description: "invited in bulk".to_owned(),
                roles: roles(&["ORG_MEMBER"]),
                secret_expires_after_hours: 24,
            };
            client
                .create_org_service_account(&org, &account)
                .await
                .unwrap()
                .account
                .client_id
        }
    };
    let invitee = match kind {
        InviteeKind::Key => Invitee::Key(&id),
        InviteeKind::ServiceAccount => Invitee::ServiceAccount(&id),
    };
    // Two projects already done by hand.
    for project in &projects[..2] {
        match invitee {
            Invitee::Key(key_id) => client
                .invite_key_to_project(project, key_id, &wanted)
                .await
                .unwrap(),
            Invitee::ServiceAccount(client_id) => {
                client
                    .invite_service_account_to_project(project, client_id, &wanted)
                    .await
                    .unwrap();
            }
        }
    }
    let seen = Mutex::new(Vec::new());
    let record = |progress: Progress| seen.lock().unwrap().push(progress);
    let results = invite_to_projects(&client, &org, invitee, &projects, &wanted, 4, &record)
        .await
        .unwrap();
    assert_eq!(
        results.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        projects,
        "a result per project, in order"
    );
    assert_eq!(
        results
            .iter()
            .filter(|(_, o)| *o == StepOutcome::Skipped)
            .count(),
        2
    );
    assert_eq!(
        results
            .iter()
            .filter(|(_, o)| *o == StepOutcome::Done)
            .count(),
        10
    );
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&Progress { done: 0, total: 12 }));
    assert_eq!(
        seen.last(),
        Some(&Progress {
            done: 12,
            total: 12
        })
    );
    assert!(seen.windows(2).all(|pair| pair[1].done == pair[0].done + 1));

    let again = invite_to_projects(&client, &org, invitee, &projects, &wanted, 4, &|_| {})
        .await
        .unwrap();
    assert!(
        again
            .iter()
            .all(|(_, outcome)| *outcome == StepOutcome::Skipped),
        "a second run has nothing to do"
    );
    // Every project has the roles now, as Atlas reports them.
    let in_projects: Vec<(String, Vec<String>)> = match invitee {
        Invitee::Key(key_id) => {
            let key = client.get_org_key(&org, key_id).await.unwrap();
            projects
                .iter()
                .map(|p| (p.clone(), key.project_roles(p).map(str::to_owned).collect()))
                .collect()
        }
        Invitee::ServiceAccount(client_id) => client
            .list_service_account_projects(&org, client_id)
            .await
            .unwrap()
            .into_iter()
            .map(|p| (p.group_id, p.roles))
            .collect(),
    };
    assert_eq!(in_projects.len(), projects.len());
    for (project, mut held) in in_projects {
        held.sort();
        let mut expected = wanted.clone();
        expected.sort();
        assert_eq!(held, expected, "{project}");
    }
}

#[tokio::test]
async fn inventory_has_every_key_with_its_roles_and_access_list() {
    let sandbox = Sandbox::start(Config {
        seed: Seed::Scale {
            keys: 300,
            projects: 20,
            accounts: 0,
            events: 0,
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let seen = Mutex::new(Vec::new());
    let before = sandbox.exchanges();
    let inventory = load_inventory(&client, &org, 8, &|progress| {
        seen.lock().unwrap().push(progress)
    })
    .await
    .unwrap();
    assert_eq!(inventory.keys.len(), 301);
    assert_eq!(inventory.projects.len(), 20);
    assert!(
        inventory
            .keys
            .iter()
            .all(|key| key.access_list_error.is_none() && key.access_list.len() <= 5)
    );
    // Two lists, one access list per key, and a challenge for each of the
    // two opening requests (they start together, before any nonce is known).
    let exchanges = sandbox.exchanges() - before;
    assert!(
        (2 + 301 + 1..=2 + 301 + 2).contains(&exchanges),
        "{exchanges} exchanges"
    );
    // Progress counts the access lists read, one per key.
    assert_eq!(
        seen.lock().unwrap().last(),
        Some(&Progress {
            done: 301,
            total: 301
        })
    );
    // The key list alone: the same keys and projects, in a few requests.
    let before = sandbox.exchanges();
    let list = load_key_list(&client, &org).await.unwrap();
    assert!(
        sandbox.exchanges() - before <= 3,
        "the key list is two requests"
    );
    assert_eq!(list.projects, inventory.projects);
    assert_eq!(list.keys.len(), inventory.keys.len());
    for (listed, full) in list.keys.iter().zip(&inventory.keys) {
        assert_eq!(listed.key, full.key);
        assert_eq!(listed.project_roles, full.project_roles);
        assert!(listed.access_list.is_empty() && listed.access_list_error.is_none());
    }

    // Spot-check against direct reads.
    for key in inventory.keys.iter().step_by(50) {
        assert_eq!(
            key.access_list,
            client.list_access_list(&org, &key.key.id).await.unwrap()
        );
        for project in &key.project_roles {
            let direct: Vec<String> = key
                .key
                .project_roles(&project.project_id)
                .map(str::to_owned)
                .collect();
            assert_eq!(project.roles, direct);
        }
    }
}

/// An auditor (Organization Read Only) loads the inventory: every key, its
/// own list read, every other list marked as unreadable for want of
/// Organization Owner, one request each and no retry.
#[tokio::test]
async fn an_auditor_inventory_marks_the_lists_it_may_not_read() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let admin = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_key(&org, "auditor", &roles(&["ORG_READ_ONLY"]))
        .await
        .unwrap();
    let auditor = common::from_here_as(&admin, &sandbox.admin().base_url, &org, &created).await;
    let before = sandbox.exchanges();
    let inventory = load_inventory(&auditor, &org, 4, &|_| {}).await.unwrap();
    let keys = inventory.keys.len() as u64;
    assert!(keys > 10);
    for item in &inventory.keys {
        if item.key.id == created.key.id {
            assert_eq!(item.access_list_error, None);
            assert_eq!(item.access_list.len(), 1);
        } else {
            let error = item.access_list_error.as_deref().unwrap_or_default();
            assert!(
                error.contains("Organization Owner needed"),
                "{}: {error:?}",
                item.key.desc
            );
            assert!(item.access_list.is_empty());
        }
    }
    // The two lists, one request per access list (no retry of a denial),
    // and a challenge or two for the opening requests.
    let exchanges = sandbox.exchanges() - before;
    assert!(
        (2 + keys + 1..=2 + keys + 2).contains(&exchanges),
        "{exchanges} exchanges for {keys} keys"
    );
}
