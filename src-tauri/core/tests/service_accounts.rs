//! Service accounts through the client, against the sandbox over HTTP:
//! every operation as an API key manages them, and a client that is itself
//! a service account (OAuth), with its token kept, renewed and refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::time::Duration;

use atlas_access_core::atlas::{
    AccessListRequest, AccountScope, AtlasClient, AtlasError, ClientOptions, NewServiceAccount,
};
use atlas_sandbox::{Config, Sandbox};
use common::caller_of;
use secrecy::{ExposeSecret, SecretString};

async fn sandbox(config: Config) -> Sandbox {
    Sandbox::start(config).await.unwrap()
}

fn admin_client(sandbox: &Sandbox) -> AtlasClient {
    let admin = sandbox.admin();
    AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
    .unwrap()
}

fn new_account(name: &str, roles: &[&str]) -> NewServiceAccount {
    NewServiceAccount {
        name: name.to_owned(),
        description: "made by a core test".to_owned(),
        roles: roles.iter().map(|role| (*role).to_owned()).collect(),
        secret_expires_after_hours: 24,
    }
}

fn oauth_client(sandbox: &Sandbox, client_id: &str, secret: &SecretString) -> AtlasClient {
    AtlasClient::for_service_account(
        sandbox.base_url(),
        client_id,
        secret,
        ClientOptions {
            backoff_base: Duration::from_millis(5),
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

#[tokio::test]
async fn every_service_account_operation_round_trips() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();

    let created = admin
        .create_org_service_account(&org, &new_account("core robot", &["ORG_MEMBER"]))
        .await
        .unwrap();
    let client_id = created.account.client_id.clone();
    assert!(created.secret.expose_secret().starts_with("mdb_sa_sk_"));
    assert_eq!(created.account.roles, ["ORG_MEMBER"]);
    assert!(
        format!("{created:?}")
            .find(created.secret.expose_secret())
            .is_none(),
        "Debug hides the secret"
    );

    let listed = admin.list_org_service_accounts(&org).await.unwrap();
    assert!(listed.iter().any(|account| account.client_id == client_id));
    let updated = admin
        .update_org_service_account(
            &org,
            &client_id,
            Some("core robot two"),
            None,
            Some(&["ORG_READ_ONLY".to_owned()]),
        )
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.roles.clone()),
        ("core robot two", vec!["ORG_READ_ONLY".to_owned()])
    );

    let second = admin
        .create_service_account_secret(&org, &client_id, 48)
        .await
        .unwrap();
    assert!(second.value.expose_secret().starts_with("mdb_sa_sk_"));
    let account = admin
        .get_org_service_account(&org, &client_id)
        .await
        .unwrap();
    assert_eq!(account.secrets.len(), 2);
    admin
        .delete_service_account_secret(&org, &client_id, &second.secret.id)
        .await
        .unwrap();

    let entries = admin
        .add_service_account_entries(
            AccountScope::Org(&org),
            &client_id,
            &[
                AccessListRequest::IpAddress("203.0.113.8".to_owned()),
                AccessListRequest::CidrBlock("198.51.100.0/24".to_owned()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    admin
        .delete_service_account_entry(AccountScope::Org(&org), &client_id, "198.51.100.0/24")
        .await
        .unwrap();
    assert_eq!(
        admin
            .list_service_account_access_list(AccountScope::Org(&org), &client_id)
            .await
            .unwrap()
            .len(),
        1
    );

    let invited = admin
        .invite_service_account_to_project(&project, &client_id, &["GROUP_READ_ONLY".to_owned()])
        .await
        .unwrap();
    assert_eq!(invited.roles, ["GROUP_READ_ONLY"]);
    let projects = admin
        .list_service_account_projects(&org, &client_id)
        .await
        .unwrap();
    assert_eq!(projects[0].group_id, project);
    assert!(
        admin
            .list_project_service_accounts(&project)
            .await
            .unwrap()
            .iter()
            .any(|account| account.client_id == client_id)
    );
    admin
        .remove_service_account_from_project(&project, &client_id)
        .await
        .unwrap();

    let in_project = admin
        .create_project_service_account(
            &org,
            &project,
            &new_account("project robot", &["GROUP_READ_ONLY"]),
        )
        .await
        .unwrap();
    assert_eq!(in_project.account.roles, ["GROUP_READ_ONLY"]);

    admin
        .delete_org_service_account(&org, &client_id)
        .await
        .unwrap();
    assert!(
        !admin
            .list_org_service_accounts(&org)
            .await
            .unwrap()
            .iter()
            .any(|account| account.client_id == client_id)
    );
}

#[tokio::test]
async fn an_oauth_client_asks_for_one_token_and_no_challenges() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_service_account(&org, &new_account("owner robot", &["ORG_OWNER"]))
        .await
        .unwrap();
    let client = oauth_client(&sandbox, &created.account.client_id, &created.secret);
    assert_eq!(
        client.service_account(),
        Some(created.account.client_id.as_str())
    );

    let before = sandbox.exchanges();
    let orgs = client.list_orgs().await.unwrap();
    assert!(orgs.iter().any(|o| o.id == org));
    assert_eq!(sandbox.exchanges() - before, 2, "a token, then the call");
    let before = sandbox.exchanges();
    for _ in 0..20 {
        client.org_settings(&org).await.unwrap();
    }
    assert_eq!(
        sandbox.exchanges() - before,
        20,
        "the token is kept, and Bearer needs no challenge"
    );
    // Everything a key can do, an owner account can: list the keys.
    assert!(!client.list_org_keys(&org).await.unwrap().is_empty());
    client.close().await;

    // Closed, it asks for no new token: a request made after (or still
    // waiting) sends nothing, so no token outlives the revocation.
    let before = sandbox.exchanges();
    let after_close = client.org_settings(&org).await.unwrap_err();
    assert!(matches!(after_close, AtlasError::Closed), "{after_close:?}");
    assert_eq!(sandbox.exchanges(), before, "nothing sent after close");
}

#[tokio::test]
async fn a_refusal_for_want_of_a_role_keeps_the_token() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_service_account(&org, &new_account("member robot", &["ORG_MEMBER"]))
        .await
        .unwrap();
    let client = oauth_client(&sandbox, &created.account.client_id, &created.secret);
    client.org_settings(&org).await.unwrap();
    // Atlas refuses a member the requirement: 401 USER_UNAUTHORIZED. The
    // token is fine, so none is asked for again: twelve refusals would
    // otherwise pass the 10 token requests a minute Atlas allows.
    let before = sandbox.exchanges();
    for _ in 0..12 {
        let refused = client
            .set_api_access_list_required(&org, true)
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, AtlasError::Api { code, .. } if code == "USER_UNAUTHORIZED"),
            "{refused:?}"
        );
    }
    assert_eq!(
        sandbox.exchanges() - before,
        12,
        "one request each, no token"
    );
    client.org_settings(&org).await.unwrap();
}

#[tokio::test]
async fn a_token_is_renewed_before_it_expires() {
    let lifetime = Duration::from_secs(4);
    let sandbox = sandbox(Config {
        token_lifetime: lifetime,
        ..Config::default()
    })
    .await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_service_account(&org, &new_account("steady", &["ORG_MEMBER"]))
        .await
        .unwrap();
    let client = oauth_client(&sandbox, &created.account.client_id, &created.secret);
    let before = sandbox.exchanges();
    client.org_settings(&org).await.unwrap();
    client.org_settings(&org).await.unwrap();
    assert_eq!(
        sandbox.exchanges() - before,
        3,
        "one token, kept for the second call"
    );
    // Past the token's end (the sandbox no longer takes it), the client has
    // already let it go: a new token, then the call, and no refusal between.
    // Waiting longer only takes it further past: nothing here races.
    tokio::time::sleep(lifetime + Duration::from_millis(500)).await;
    let before = sandbox.exchanges();
    client.org_settings(&org).await.unwrap();
    assert_eq!(
        sandbox.exchanges() - before,
        2,
        "renewed before use, not after a refusal"
    );
}

#[tokio::test]
async fn a_deleted_secret_is_told_in_words() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_service_account(&org, &new_account("doomed", &["ORG_MEMBER"]))
        .await
        .unwrap();
    let client_id = created.account.client_id.clone();
    let client = oauth_client(&sandbox, &client_id, &created.secret);
    client.org_settings(&org).await.unwrap();

    let secret_id = created.account.secrets[0].id.clone();
    admin
        .delete_service_account_secret(&org, &client_id, &secret_id)
        .await
        .unwrap();
    // The held token is refused, a new one is asked for once, and the
    // secret itself is refused.
    let refused = client.org_settings(&org).await.unwrap_err();
    assert!(
        matches!(&refused, AtlasError::ServiceAccountRefused { client_id: id } if *id == client_id),
        "{refused:?}"
    );
    let advice = refused.advice();
    assert!(advice.contains("expired, was deleted"), "{advice}");
    assert!(!advice.contains(created.secret.expose_secret()));
}

#[tokio::test]
async fn the_inventory_reads_every_account_with_its_list_and_projects() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let progress = std::sync::Mutex::new(Vec::new());
    let before = sandbox.exchanges();
    let inventory =
        atlas_access_core::access::usecases::load_service_accounts(&admin, &org, 8, &|p| {
            progress.lock().unwrap().push((p.done, p.total));
        })
        .await
        .unwrap();
    // The demo's five accounts of Acme Corp and Atlas's two own (for MCP):
    // the list with them and the list without, then two reads each.
    assert_eq!(inventory.len(), 7);
    assert_eq!(
        inventory
            .iter()
            .filter(|item| item.account.system_managed)
            .count(),
        2
    );
    assert!(
        sandbox.exchanges() - before <= 2 + 2 * 7 + 2,
        "no more than the reads and a challenge"
    );
    let deployer = inventory
        .iter()
        .find(|item| item.account.name == "GitHub Actions deployer")
        .unwrap();
    assert_eq!(deployer.account.secrets.len(), 2);
    assert_eq!(deployer.access_list.len(), 1);
    assert_eq!(deployer.projects.len(), 1);
    assert!(inventory.iter().all(|item| item.error.is_none()));
    assert_eq!(progress.lock().unwrap().last(), Some(&(7, 7)));
}

#[tokio::test]
async fn the_guard_keeps_a_service_account_connection_from_locking_itself_out() {
    let sandbox = sandbox(Config {
        apparent_ip: Some("198.51.100.7".parse().unwrap()),
        ..Config::default()
    })
    .await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_service_account(&org, &new_account("self aware", &["ORG_OWNER"]))
        .await
        .unwrap();
    let client_id = created.account.client_id.clone();
    let connection = oauth_client(&sandbox, &client_id, &created.secret);
    let caller = atlas_access_core::access::gate::Caller {
        key_id: client_id.clone(),
        public_key: client_id.clone(),
    };

    // With no list of its own, requiring one would lock it out.
    let refused = atlas_access_core::access::edits::set_access_list_requirement(
        &connection,
        &caller,
        &org,
        true,
        &[],
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("service account this connection uses"),
        "{refused}"
    );

    admin
        .add_service_account_entries(
            AccountScope::Org(&org),
            &client_id,
            &[
                AccessListRequest::IpAddress("198.51.100.7".to_owned()),
                AccessListRequest::IpAddress("203.0.113.1".to_owned()),
            ],
        )
        .await
        .unwrap();
    // The entry that lets this computer in cannot go, confirmed or not;
    // another can.
    let own = atlas_access_core::access::edits::delete_service_account_entry(
        &connection,
        &caller_of(&connection).await,
        &org,
        None,
        &client_id,
        "198.51.100.7",
        true,
    )
    .await
    .unwrap_err();
    assert!(
        own.to_string()
            .contains("lock out the service account in use"),
        "{own}"
    );
    let left = atlas_access_core::access::edits::delete_service_account_entry(
        &connection,
        &caller_of(&connection).await,
        &org,
        None,
        &client_id,
        "203.0.113.1",
        false,
    )
    .await
    .unwrap();
    assert_eq!(left.len(), 1);

    // The secret it signs in with cannot go; a second one can.
    let in_use = created.account.secrets[0].id.clone();
    let refused = atlas_access_core::access::edits::delete_service_account_secret(
        &connection,
        &caller_of(&connection).await,
        &org,
        &client_id,
        &in_use,
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("signs in with"), "{refused}");
    let second = admin
        .create_service_account_secret(&org, &client_id, 24)
        .await
        .unwrap();
    let after = atlas_access_core::access::edits::delete_service_account_secret(
        &connection,
        &caller_of(&connection).await,
        &org,
        &client_id,
        &second.secret.id,
    )
    .await
    .unwrap();
    assert_eq!(after.secrets.len(), 1);
    assert_eq!(after.secrets[0].id, in_use);
    // And the connection still works.
    connection.org_settings(&org).await.unwrap();
}

#[tokio::test]
async fn a_rotation_adds_a_secret_and_says_when_the_old_one_ends() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let mut plan = new_account("rotating", &["ORG_MEMBER"]);
    plan.secret_expires_after_hours = 8760;
    let created = admin.create_org_service_account(&org, &plan).await.unwrap();
    let client_id = created.account.client_id.clone();

    let too_long = atlas_access_core::access::edits::rotate_service_account_secret(
        &admin, &org, &client_id, 9000,
    )
    .await
    .unwrap_err();
    assert!(too_long.to_string().contains("8760 hours"), "{too_long}");

    let rotation = atlas_access_core::access::edits::rotate_service_account_secret(
        &admin, &org, &client_id, 720,
    )
    .await
    .unwrap();
    assert!(
        rotation
            .new_secret
            .value
            .expose_secret()
            .starts_with("mdb_sa_sk_")
    );
    assert_eq!(rotation.others.len(), 1);
    let old_ends: chrono::DateTime<chrono::Utc> = rotation.others[0].expires_at.parse().unwrap();
    let left = old_ends - chrono::Utc::now();
    assert!(
        left <= chrono::Duration::days(7),
        "the old secret now ends within a week: {left}"
    );

    let third = atlas_access_core::access::edits::rotate_service_account_secret(
        &admin, &org, &client_id, 24,
    )
    .await
    .unwrap_err();
    assert!(third.to_string().contains("two secrets"), "{third}");
    // The old secret goes once the systems use the new one.
    let after = atlas_access_core::access::edits::delete_service_account_secret(
        &admin,
        &caller_of(&admin).await,
        &org,
        &client_id,
        &rotation.others[0].id,
    )
    .await
    .unwrap();
    assert_eq!(after.secrets.len(), 1);
    assert_eq!(after.secrets[0].id, rotation.new_secret.secret.id);
}

#[tokio::test]
async fn an_account_is_created_with_its_list_and_projects_one_result_per_step() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let plan = atlas_access_core::access::usecases::NewServiceAccountPlan {
        name: "set up".to_owned(),
        description: "with everything".to_owned(),
        roles: vec!["ORG_MEMBER".to_owned()],
        secret_expires_after_hours: 48,
        access_list: vec![AccessListRequest::CidrBlock("203.0.113.0/24".to_owned())],
        projects: vec![
            atlas_access_core::access::usecases::ProjectRoles {
                project_id: project.clone(),
                roles: vec!["GROUP_READ_ONLY".to_owned()],
            },
            // A project that does not exist: that step fails, the account stays.
            atlas_access_core::access::usecases::ProjectRoles {
                project_id: "6a790b00ffffffffffffffff".to_owned(),
                roles: vec!["GROUP_READ_ONLY".to_owned()],
            },
        ],
    };
    let outcome =
        atlas_access_core::access::usecases::create_service_account_with_setup(&admin, &org, &plan)
            .await
            .unwrap();
    assert!(
        outcome
            .created
            .secret
            .expose_secret()
            .starts_with("mdb_sa_sk_")
    );
    assert!(outcome.access_list.is_done());
    assert!(outcome.invitations[0].1.is_done());
    assert!(!outcome.invitations[1].1.is_done());
    let client_id = &outcome.created.account.client_id;
    let projects = admin
        .list_service_account_projects(&org, client_id)
        .await
        .unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(
        admin
            .list_service_account_access_list(AccountScope::Org(&org), client_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// The roles `client_id` has in `project`, as the organization sees them.
async fn project_roles(
    admin: &AtlasClient,
    org: &str,
    client_id: &str,
    project: &str,
) -> Vec<String> {
    admin
        .list_service_account_projects(org, client_id)
        .await
        .unwrap()
        .into_iter()
        .find(|place| place.group_id == project)
        .map(|place| place.roles)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_service_account_connection_keeps_its_own_project_roles_unless_it_owns_the_organization()
{
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let owner_of_project = ["GROUP_OWNER".to_owned()];
    let read_only = ["GROUP_READ_ONLY".to_owned()];

    // A project owner that is only a member of the organization.
    let member = admin
        .create_org_service_account(&org, &new_account("project owner", &["ORG_MEMBER"]))
        .await
        .unwrap();
    let client_id = member.account.client_id.clone();
    admin
        .invite_service_account_to_project(&project, &client_id, &owner_of_project)
        .await
        .unwrap();
    let connection = oauth_client(&sandbox, &client_id, &member.secret);
    use atlas_access_core::access::edits;
    let refusals = [
        edits::set_service_account_project_roles(
            &connection,
            &caller_of(&connection).await,
            &project,
            &client_id,
            &read_only,
        )
        .await
        .map(|_| ()),
        edits::remove_service_account_from_project(
            &connection,
            &caller_of(&connection).await,
            &project,
            &client_id,
        )
        .await,
        edits::invite_service_account_to_projects(
            &connection,
            &caller_of(&connection).await,
            &org,
            &client_id,
            std::slice::from_ref(&project),
            &read_only,
            &|_| {},
        )
        .await
        .map(|_| ()),
    ];
    for refusal in refusals {
        let error = refusal.unwrap_err();
        assert!(
            matches!(error, atlas_access_core::error::CoreError::Lockout(_)),
            "{error:?}"
        );
        assert!(error.to_string().contains(&client_id), "{error}");
    }
    assert_eq!(
        project_roles(&admin, &org, &client_id, &project).await,
        owner_of_project,
        "nothing changed"
    );

    // An Organization Owner keeps its access everywhere: it may.
    let owner = admin
        .create_org_service_account(&org, &new_account("org owner", &["ORG_OWNER"]))
        .await
        .unwrap();
    let owner_id = owner.account.client_id.clone();
    admin
        .invite_service_account_to_project(&project, &owner_id, &owner_of_project)
        .await
        .unwrap();
    let connection = oauth_client(&sandbox, &owner_id, &owner.secret);
    edits::set_service_account_project_roles(
        &connection,
        &caller_of(&connection).await,
        &project,
        &owner_id,
        &read_only,
    )
    .await
    .unwrap();
    assert_eq!(
        project_roles(&admin, &org, &owner_id, &project).await,
        read_only
    );
    edits::remove_service_account_from_project(
        &connection,
        &caller_of(&connection).await,
        &project,
        &owner_id,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_accounts_last_entry_goes_only_once_confirmed_that_it_opens_the_account() {
    use atlas_access_core::access::edits::delete_service_account_entry;
    use atlas_access_core::access::lockout::check_service_account_entry_removal;
    let sandbox = sandbox(Config {
        apparent_ip: Some("198.51.100.7".parse().unwrap()),
        ..Config::default()
    })
    .await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    for own in [false, true] {
        let created = admin
            .create_org_service_account(&org, &new_account("one entry", &["ORG_OWNER"]))
            .await
            .unwrap();
        let client_id = created.account.client_id.clone();
        admin
            .add_service_account_entries(
                AccountScope::Org(&org),
                &client_id,
                &[AccessListRequest::CidrBlock("198.51.100.0/24".to_owned())],
            )
            .await
            .unwrap();
        // Another account's last entry from the admin key; the connection's
        // own from itself.
        let connection = if own {
            oauth_client(&sandbox, &client_id, &created.secret)
        } else {
            admin_client(&sandbox)
        };
        let check = check_service_account_entry_removal(
            &connection,
            &org,
            None,
            &client_id,
            "198.51.100.0/24",
        )
        .await
        .unwrap();
        assert!(check.blocking.is_none(), "{check:?}");
        let warning = check.warning.expect("a warning");
        assert!(warning.contains("anywhere on the internet"), "{warning}");
        let refused = delete_service_account_entry(
            &connection,
            &caller_of(&connection).await,
            &org,
            None,
            &client_id,
            "198.51.100.0/24",
            false,
        )
        .await
        .unwrap_err();
        assert!(refused.to_string().contains("Confirm"), "{refused}");
        assert_eq!(
            admin
                .list_service_account_access_list(AccountScope::Org(&org), &client_id)
                .await
                .unwrap()
                .len(),
            1,
            "nothing removed"
        );
        // Confirmed, it is sent. Another account's goes; the connection's
        // own is kept by Atlas itself, which never removes the entry its
        // caller comes in by.
        let confirmed = delete_service_account_entry(
            &connection,
            &caller_of(&connection).await,
            &org,
            None,
            &client_id,
            "198.51.100.0/24",
            true,
        )
        .await;
        if own {
            let refused = confirmed.unwrap_err();
            assert_eq!(
                refused.atlas_error_code(),
                Some("CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST"),
                "{refused:?}"
            );
        } else {
            assert!(confirmed.unwrap().is_empty());
        }
    }
}

/// A project-scoped connection (a key made in the project, Project Owner)
/// changes the roles of an account in its project (Atlas's PATCH, which
/// Project Owner may send), and is refused an invitation, which needs
/// Organization Owner: said with the role, nothing changed.
/// A sandbox, its admin, organization and first project, and a connection
/// through a key made in that project as its Project Owner.
async fn project_owner() -> (
    Sandbox,
    AtlasClient,
    String,
    String,
    AtlasClient,
    atlas_access_core::access::gate::Caller,
) {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let created = admin
        .create_project_key(&org, &project, "project owner", &["GROUP_OWNER".to_owned()])
        .await
        .unwrap();
    let connection = common::from_here_as(&admin, &sandbox.admin().base_url, &org, &created).await;
    let caller = caller_of(&connection).await;
    (sandbox, admin, org, project, connection, caller)
}

#[tokio::test]
async fn a_project_owner_changes_roles_in_its_project_but_cannot_invite() {
    use atlas_access_core::access::edits;
    let (_sandbox, admin, org, project, connection, caller) = project_owner().await;
    let read_only = ["GROUP_READ_ONLY".to_owned()];

    let inside = admin
        .create_org_service_account(&org, &new_account("inside", &["ORG_MEMBER"]))
        .await
        .unwrap()
        .account
        .client_id;
    admin
        .invite_service_account_to_project(&project, &inside, &read_only)
        .await
        .unwrap();
    let cluster_manager = ["GROUP_CLUSTER_MANAGER".to_owned()];
    let changed = edits::set_service_account_project_roles(
        &connection,
        &caller,
        &project,
        &inside,
        &cluster_manager,
    )
    .await
    .unwrap();
    assert_eq!(changed.roles, cluster_manager);
    assert_eq!(
        project_roles(&admin, &org, &inside, &project).await,
        cluster_manager
    );

    let outside = admin
        .create_org_service_account(&org, &new_account("outside", &["ORG_MEMBER"]))
        .await
        .unwrap()
        .account
        .client_id;
    let refused = edits::set_service_account_project_roles(
        &connection,
        &caller,
        &project,
        &outside,
        &read_only,
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused.atlas_error_code(),
        Some("USER_UNAUTHORIZED"),
        "{refused:?}"
    );
    // The account is in another project too: Atlas refuses for want of
    // Organization Owner, though the operation's own role is Project Owner.
    assert!(refused.advice().contains("role"), "{}", refused.advice());
    assert!(
        project_roles(&admin, &org, &outside, &project)
            .await
            .is_empty()
    );
}

/// A Project Owner changes the access list of an account made in its
/// project through the project (Project Access Manager's operations), where
/// the organization's path needs Organization Owner; the guard still asks
/// before the last entry goes.
#[tokio::test]
async fn a_project_owner_changes_the_list_of_an_account_of_its_project_through_the_project() {
    use atlas_access_core::access::{edits, lockout};
    let (_sandbox, admin, org, project, connection, caller) = project_owner().await;
    let made = connection
        .create_project_service_account(
            &org,
            &project,
            &new_account("made in the project", &["GROUP_READ_ONLY"]),
        )
        .await
        .unwrap();
    let client_id = made.account.client_id.clone();

    // Through the organization: refused (its first step, reading the list,
    // already needs an organization role), and said which role it needs.
    let refused =
        edits::add_service_account_entries(&connection, &org, None, &client_id, "203.0.113.7")
            .await
            .unwrap_err();
    assert!(
        refused
            .advice()
            .starts_with("This needs Organization Read Only,"),
        "{}",
        refused.advice()
    );

    let added = edits::add_service_account_entries(
        &connection,
        &org,
        Some(&project),
        &client_id,
        "203.0.113.7\n198.51.100.0/24",
    )
    .await
    .unwrap();
    assert_eq!(added.added, 2);
    let seen_by_owner = admin
        .list_service_account_access_list(AccountScope::Org(&org), &client_id)
        .await
        .unwrap();
    assert_eq!(seen_by_owner.len(), 2);

    let left = edits::delete_service_account_entry(
        &connection,
        &caller,
        &org,
        Some(&project),
        &client_id,
        "203.0.113.7",
        false,
    )
    .await
    .unwrap();
    assert_eq!(left.len(), 1);
    let check = lockout::check_service_account_entry_removal(
        &connection,
        &org,
        Some(&project),
        &client_id,
        "198.51.100.0/24",
    )
    .await
    .unwrap();
    assert!(check.warning.is_some(), "{check:?}");
    let unconfirmed = edits::delete_service_account_entry(
        &connection,
        &caller,
        &org,
        Some(&project),
        &client_id,
        "198.51.100.0/24",
        false,
    )
    .await;
    assert!(unconfirmed.is_err());
    assert_eq!(
        admin
            .list_service_account_access_list(AccountScope::Org(&org), &client_id)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Atlas's own accounts (for MCP) are read with the rest and marked; the
/// plain list leaves them out, as Atlas does by default.
#[tokio::test]
async fn system_managed_accounts_are_read_and_marked() {
    let sandbox = sandbox(Config::default()).await;
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let user_managed = admin.list_org_service_accounts(&org).await.unwrap();
    let all = admin.list_all_org_service_accounts(&org).await.unwrap();
    let managed: Vec<&str> = all
        .iter()
        .filter(|account| account.system_managed)
        .map(|account| account.name.as_str())
        .collect();
    assert_eq!(managed.len(), 2, "{managed:?}");
    assert_eq!(all.len(), user_managed.len() + 2);
    assert!(user_managed.iter().all(|account| !account.system_managed));
    assert!(
        user_managed
            .iter()
            .all(|account| all.iter().any(|seen| seen == account))
    );
}
