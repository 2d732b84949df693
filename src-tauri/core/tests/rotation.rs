//! Rotating a key against the sandbox over real HTTP: the new key has what
//! the old one had and works; a rotation cut short is resumed to the end,
//! also while Atlas fails requests at random.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use atlas_access_core::CoreError;
use atlas_access_core::access::rotation::{RotationKeys, complete_rotation, start_rotation};
use atlas_access_core::access::usecases::StepOutcome;
use atlas_access_core::atlas::{AccountScope, ApiKey, AtlasClient, AtlasError, ClientOptions};
use atlas_sandbox::{Config, Sandbox};
use common::caller_of;
use secrecy::{ExposeSecret, SecretString};

fn client_for(base_url: &str, public_key: &str, private_key: &str) -> AtlasClient {
    let options = ClientOptions {
        backoff_base: Duration::from_millis(5),
        ..ClientOptions::default()
    };
    AtlasClient::with_options(
        base_url,
        public_key,
        &SecretString::from(private_key.to_owned()),
        options,
    )
    .unwrap()
}

fn admin_client(sandbox: &Sandbox) -> AtlasClient {
    let admin = sandbox.admin();
    client_for(&admin.base_url, &admin.public_key, &admin.private_key)
}

/// Each project role of the key, as `project:role`.
fn project_roles(key: &ApiKey) -> BTreeSet<String> {
    key.project_ids()
        .into_iter()
        .flat_map(|project| {
            key.project_roles(project)
                .map(move |role| format!("{project}:{role}"))
        })
        .collect()
}

/// What a rotation copies: organization roles, project roles, entries.
async fn shape(
    client: &AtlasClient,
    org: &str,
    key: &ApiKey,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let roles = key.org_roles(org).map(str::to_owned).collect();
    let projects = project_roles(key);
    let entries = client
        .list_access_list(org, &key.id)
        .await
        .unwrap()
        .iter()
        .map(|entry| entry.path_name().to_owned())
        .collect();
    (roles, projects, entries)
}

/// The sandbox's seeded key with this description.
async fn seeded_key(admin: &AtlasClient, org: &str, desc: &str) -> ApiKey {
    admin
        .list_org_keys(org)
        .await
        .unwrap()
        .into_iter()
        .find(|key| key.desc == desc)
        .expect("the seeded key")
}

#[tokio::test]
async fn a_rotated_key_has_what_the_old_one_had_and_a_cut_short_rotation_is_resumed() {
    // Requests seem to come from an address the key's list lets in.
    let sandbox = Sandbox::start(Config {
        apparent_ip: Some("198.51.100.7".parse().unwrap()),
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = admin_client(&sandbox);
    let admin_caller = caller_of(&admin).await;
    let org = sandbox.admin().org_id.clone();
    let old = seeded_key(&admin, &org, "Terraform CI (production)").await;

    let started = start_rotation(&admin, &org, &old.id).await.unwrap();
    let new = started.key_after.clone();
    assert!(new.desc.starts_with("Terraform CI (production) (rotated "));
    assert_eq!(started.access_list, StepOutcome::Done);
    assert_eq!(
        shape(&admin, &org, &new).await,
        shape(&admin, &org, &old).await
    );

    // The new key works over Digest.
    let base_url = sandbox.admin().base_url.clone();
    let as_new = client_for(
        &base_url,
        &new.public_key,
        started.created.private_key.expose_secret(),
    );
    assert!(!as_new.list_orgs().await.unwrap().is_empty());

    // Cut short: an entry, a project and a role the new key lost.
    let entries = admin.list_access_list(&org, &new.id).await.unwrap();
    admin
        .delete_access_entry(&org, &new.id, entries[0].path_name())
        .await
        .unwrap();
    let project = new.project_ids()[0].to_owned();
    admin
        .remove_key_from_project(&project, &new.id)
        .await
        .unwrap();
    admin
        .update_org_key(&org, &new.id, None, Some(&["ORG_READ_ONLY".to_owned()]))
        .await
        .unwrap();
    let keys_pair = RotationKeys {
        old_key_id: old.id.clone(),
        new_key_id: new.id.clone(),
    };
    let resumed = complete_rotation(&admin, &admin_caller, &org, &keys_pair)
        .await
        .unwrap();
    assert!(resumed.complete);
    assert_eq!(resumed.roles, StepOutcome::Done);
    assert_eq!(resumed.access_list, StepOutcome::Done);
    assert!(
        resumed
            .invitations
            .iter()
            .any(|invitation| invitation.outcome == StepOutcome::Done)
    );
    assert_eq!(
        shape(&admin, &org, &resumed.key).await,
        shape(&admin, &org, &old).await
    );
    // Once complete, resuming again does nothing.
    let again = complete_rotation(&admin, &admin_caller, &org, &keys_pair)
        .await
        .unwrap();
    assert_eq!(again.roles, StepOutcome::Skipped);
    assert_eq!(again.access_list, StepOutcome::Skipped);
    assert!(
        again
            .invitations
            .iter()
            .all(|invitation| invitation.outcome == StepOutcome::Skipped)
    );
    // The same key as old and new is refused before anything is sent.
    let same = RotationKeys {
        old_key_id: old.id.clone(),
        new_key_id: old.id.clone(),
    };
    assert!(
        complete_rotation(&admin, &admin_caller, &org, &same)
            .await
            .is_err()
    );
    sandbox.stop().await;
}

/// Whether an error is the sandbox's injected 500, or a create left
/// unanswered by one (the sandbox fails a request before it acts on it).
fn injected_fault(error: &CoreError) -> bool {
    matches!(
        error,
        CoreError::Atlas(AtlasError::Api { status: 500, code, .. }) if code == "UNEXPECTED_ERROR"
    ) || matches!(error, CoreError::Atlas(AtlasError::OutcomeUnknown { .. }))
}

/// A step the sandbox's fault made fail, and nothing else.
fn failed_by_a_fault(step: &StepOutcome) -> bool {
    match step {
        StepOutcome::Failed {
            atlas_error_code, ..
        } => atlas_error_code.as_deref() == Some("UNEXPECTED_ERROR"),
        StepOutcome::Done | StepOutcome::Skipped => true,
    }
}

/// `attempt` again while the sandbox's faults make it fail, at most 20
/// times; any other error fails the test.
async fn through_faults<T, F, Fut>(what: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, CoreError>>,
{
    for _ in 0..20 {
        match attempt().await {
            Ok(value) => return value,
            Err(error) if injected_fault(&error) => {}
            Err(error) => panic!("{what}: {error}"),
        }
    }
    panic!("{what}: still failing after 20 tries")
}

/// While a third of the requests fail (500, never handled), the rotation is
/// started and resumed until the new key has everything; each try is
/// bounded, only the injected faults are tried again, and in the end there
/// is one new key with the old one's roles, projects and list.
#[tokio::test]
async fn a_rotation_is_resumed_to_the_end_while_requests_fail() {
    let sandbox = Sandbox::start(Config {
        faults: "500=0.3".parse().unwrap(),
        fault_seed: 11,
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = admin_client(&sandbox);
    let admin_caller = caller_of(&admin).await;
    let org = sandbox.admin().org_id.clone();
    let list_keys = || async { Ok::<_, CoreError>(admin.list_org_keys(&org).await?) };
    let old = through_faults("list the keys", list_keys)
        .await
        .into_iter()
        .find(|key| key.desc == "GitHub Actions deploy")
        .expect("the seeded key");
    let old_entries = through_faults("read the old key's list", || async {
        Ok(admin.list_access_list(&org, &old.id).await?)
    })
    .await;
    // A create that failed made nothing: trying it again makes one key.
    let started = through_faults("start the rotation", || {
        start_rotation(&admin, &org, &old.id)
    })
    .await;
    assert!(failed_by_a_fault(&started.access_list));
    let keys = RotationKeys {
        old_key_id: old.id.clone(),
        new_key_id: started.created.key.id.clone(),
    };
    let mut finished = None;
    for _ in 0..20 {
        let setup = through_faults("resume the rotation", || {
            complete_rotation(&admin, &admin_caller, &org, &keys)
        })
        .await;
        for step in [&setup.roles, &setup.access_list].into_iter().chain(
            setup
                .invitations
                .iter()
                .map(|invitation| &invitation.outcome),
        ) {
            assert!(failed_by_a_fault(step), "a step failed otherwise: {step:?}");
        }
        if setup.complete {
            finished = Some(setup);
            break;
        }
    }
    let finished = finished.expect("resumed to the end within 20 tries");

    // Read back from Atlas (through the faults): one new key, as the old one.
    let after = through_faults("list the keys again", list_keys).await;
    let rotated: Vec<_> = after
        .iter()
        .filter(|key| key.id != old.id && key.desc.starts_with("GitHub Actions deploy"))
        .collect();
    assert_eq!(rotated.len(), 1, "one new key: {rotated:?}");
    let new = rotated[0];
    assert_eq!(new.id, finished.key.id);
    assert!(
        !project_roles(&old).is_empty(),
        "the seeded key is in projects"
    );
    assert_eq!(project_roles(new), project_roles(&old), "project roles");
    assert_eq!(
        new.org_roles(&org).collect::<BTreeSet<_>>(),
        old.org_roles(&org).collect::<BTreeSet<_>>(),
        "organization roles"
    );
    let new_entries = through_faults("read the new key's list", || async {
        Ok(admin.list_access_list(&org, &new.id).await?)
    })
    .await;
    let names = |entries: &[atlas_access_core::atlas::AccessListEntry]| {
        entries
            .iter()
            .map(|entry| entry.path_name().to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert!(!old_entries.is_empty(), "the seeded key has a list");
    assert_eq!(names(&new_entries), names(&old_entries), "access list");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_key_moved_to_a_service_account_keeps_its_roles_projects_and_list() {
    use atlas_access_core::access::rotation::move_to_service_account;
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let old = seeded_key(&admin, &org, "Terraform CI (production)").await;
    let moved = move_to_service_account(&admin, &org, &old.id, 24 * 30)
        .await
        .unwrap();
    let account = &moved.created.account;
    // Parentheses are not in a service account's alphabet.
    assert_eq!(account.name, "Terraform CI production");
    assert!(account.description.contains(&old.public_key));
    assert_eq!(moved.access_list, StepOutcome::Done);
    assert!(
        moved
            .invitations
            .iter()
            .all(|(_, outcome)| *outcome == StepOutcome::Done)
    );
    let roles: BTreeSet<&str> = account.roles.iter().map(String::as_str).collect();
    assert_eq!(roles, old.org_roles(&org).collect::<BTreeSet<_>>());
    let entries: BTreeSet<String> = admin
        .list_service_account_access_list(AccountScope::Org(&org), &account.client_id)
        .await
        .unwrap()
        .iter()
        .map(|entry| {
            entry
                .ip_address
                .clone()
                .or_else(|| entry.cidr_block.clone())
                .unwrap_or_default()
        })
        .collect();
    let old_entries: BTreeSet<String> = admin
        .list_access_list(&org, &old.id)
        .await
        .unwrap()
        .iter()
        .map(|entry| entry.path_name().to_owned())
        .collect();
    assert_eq!(entries, old_entries);
    let projects: BTreeSet<String> = admin
        .list_service_account_projects(&org, &account.client_id)
        .await
        .unwrap()
        .into_iter()
        .map(|project| project.group_id)
        .collect();
    assert_eq!(
        projects,
        old.project_ids().into_iter().map(str::to_owned).collect()
    );
    // A lifetime beyond the organization's maximum is refused before anything is made.
    let before = admin.list_org_service_accounts(&org).await.unwrap().len();
    assert!(
        move_to_service_account(&admin, &org, &old.id, 24 * 366)
            .await
            .is_err()
    );
    assert_eq!(
        admin.list_org_service_accounts(&org).await.unwrap().len(),
        before
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn resuming_a_rotation_never_takes_organization_owner_from_the_key_in_use() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let base_url = sandbox.admin().base_url.clone();
    // The old key has lost Organization Owner since; the new one, which the
    // connection was switched to, has it.
    let old = admin
        .create_org_key(&org, "old", &["ORG_MEMBER".to_owned()])
        .await
        .unwrap();
    let new = admin
        .create_org_key(&org, "new", &["ORG_OWNER".to_owned()])
        .await
        .unwrap();
    let connection = client_for(
        &base_url,
        &new.key.public_key,
        new.private_key.expose_secret(),
    );
    let in_use = caller_of(&connection).await;
    assert_eq!(in_use.key_id, new.key.id);
    let keys = RotationKeys {
        old_key_id: old.key.id.clone(),
        new_key_id: new.key.id.clone(),
    };
    let refused = complete_rotation(&connection, &in_use, &org, &keys)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, atlas_access_core::error::CoreError::Lockout(_)),
        "{refused:?}"
    );
    let after = admin.get_org_key(&org, &new.key.id).await.unwrap();
    assert_eq!(
        after.org_roles(&org).collect::<Vec<_>>(),
        ["ORG_OWNER"],
        "the key in use kept Organization Owner"
    );
}

#[tokio::test]
async fn a_move_cut_short_by_a_failure_is_resumed_to_the_end() {
    use atlas_access_core::access::rotation::{
        MoveAccounts, complete_move, move_to_service_account,
    };
    // The first access-list POST fails: the move's.
    let sandbox = Sandbox::start(Config {
        faults: "500@POST:/accessList=1".parse().unwrap(),
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = admin_client(&sandbox);
    let admin_caller = caller_of(&admin).await;
    let org = sandbox.admin().org_id.clone();
    let old = seeded_key(&admin, &org, "Terraform CI (production)").await;
    let moved = move_to_service_account(&admin, &org, &old.id, 24 * 30)
        .await
        .unwrap();
    assert!(matches!(moved.access_list, StepOutcome::Failed { .. }));
    let client_id = moved.created.account.client_id.clone();
    assert!(
        admin
            .list_service_account_access_list(AccountScope::Org(&org), &client_id)
            .await
            .unwrap()
            .is_empty()
    );
    // Cut short further: a project the account lost.
    let project = old.project_ids()[0].to_owned();
    admin
        .remove_service_account_from_project(&project, &client_id)
        .await
        .unwrap();

    let pair = MoveAccounts {
        old_key_id: old.id.clone(),
        client_id: client_id.clone(),
    };
    let resumed = complete_move(&admin, &admin_caller, &org, &pair)
        .await
        .unwrap();
    assert!(resumed.complete);
    assert_eq!(resumed.access_list, StepOutcome::Done);
    let invited: Vec<_> = resumed
        .invitations
        .iter()
        .filter(|invitation| invitation.outcome == StepOutcome::Done)
        .map(|invitation| invitation.project_id.clone())
        .collect();
    assert_eq!(invited, vec![project]);
    let names = |entries: Vec<String>| entries.into_iter().collect::<BTreeSet<_>>();
    assert_eq!(
        names(
            admin
                .list_service_account_access_list(AccountScope::Org(&org), &client_id)
                .await
                .unwrap()
                .iter()
                .map(|entry| entry.path_name().to_owned())
                .collect()
        ),
        names(
            admin
                .list_access_list(&org, &old.id)
                .await
                .unwrap()
                .iter()
                .map(|entry| entry.path_name().to_owned())
                .collect()
        )
    );
    // Once complete, resuming again does nothing.
    let again = complete_move(&admin, &admin_caller, &org, &pair)
        .await
        .unwrap();
    assert!(again.complete);
    assert_eq!(again.access_list, StepOutcome::Skipped);
    assert!(
        again
            .invitations
            .iter()
            .all(|invitation| invitation.outcome == StepOutcome::Skipped)
    );
    sandbox.stop().await;
}
