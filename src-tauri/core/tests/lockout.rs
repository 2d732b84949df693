//! The lockout guard against the sandbox, which sees every request as coming
//! from 203.0.113.9 (`--apparent-ip`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use atlas_access_core::access::gate::Caller;
use atlas_access_core::access::lockout::{check_entry_removal, check_require_access_list};
use atlas_access_core::atlas::{AccessListRequest, AccountScope, AtlasClient};
use atlas_sandbox::{Config, Sandbox};
use secrecy::SecretString;

const APPARENT: &str = "203.0.113.9";

async fn setup() -> (Sandbox, AtlasClient, String, Caller) {
    let sandbox = Sandbox::start(Config {
        apparent_ip: Some(APPARENT.parse().unwrap()),
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = sandbox.admin();
    let client = AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
    .unwrap();
    let status = client.system_status().await.unwrap().api_key;
    let caller = Caller {
        key_id: status.id,
        public_key: status.public_key,
    };
    let org = admin.org_id.clone();
    (sandbox, client, org, caller)
}

#[tokio::test]
async fn removing_the_entry_in_use_is_blocked_unless_another_covers_it() {
    let (_sandbox, client, org, caller) = setup().await;
    let admin_key = caller.key_id.clone();
    let check = check_entry_removal(&client, &caller, &org, &admin_key, APPARENT)
        .await
        .unwrap();
    assert_eq!(check.current_ip.as_deref(), Some(APPARENT));
    let blocking = check.blocking.expect("blocking");
    assert!(
        blocking.contains(APPARENT) && blocking.contains("Removing 203.0.113.9"),
        "{blocking}"
    );
    // Other entries of the same key do not matter to this computer.
    assert!(
        check_entry_removal(&client, &caller, &org, &admin_key, "127.0.0.1")
            .await
            .unwrap()
            .blocking
            .is_none()
    );

    // With a block that covers the address, the single entry can go.
    client
        .add_access_entries(
            &org,
            &admin_key,
            &[AccessListRequest::CidrBlock("203.0.113.0/24".into())],
        )
        .await
        .unwrap();
    assert!(
        check_entry_removal(&client, &caller, &org, &admin_key, APPARENT)
            .await
            .unwrap()
            .blocking
            .is_none()
    );

    // Another key's entries never block.
    let other = client
        .create_org_key(&org, "other", &["ORG_MEMBER".to_owned()])
        .await
        .unwrap()
        .key;
    client
        .add_access_entries(
            &org,
            &other.id,
            &[AccessListRequest::IpAddress(APPARENT.into())],
        )
        .await
        .unwrap();
    assert!(
        check_entry_removal(&client, &caller, &org, &other.id, APPARENT)
            .await
            .unwrap()
            .blocking
            .is_none()
    );
}

#[tokio::test]
async fn requiring_access_lists_names_the_keys_it_locks_out() {
    let (sandbox, client, org, caller) = setup().await;
    let check = check_require_access_list(&client, &caller, &org)
        .await
        .unwrap();
    assert!(check.blocking.is_none(), "the admin key has entries");
    assert_eq!(
        check.current_ip, None,
        "this computer's address is not asked when the key in use is not concerned"
    );
    let names: Vec<&str> = check
        .keys_locked_out
        .iter()
        .map(|k| k.desc.as_str())
        .collect();
    assert_eq!(names, ["Legacy migration script (to retire)"]);
    // The service accounts with no list of their own, as Atlas lists them:
    // Atlas's own (system-managed) too, as the requirement holds them all.
    let mut listless_accounts = Vec::new();
    for account in client.list_all_org_service_accounts(&org).await.unwrap() {
        let list = client
            .list_service_account_access_list(AccountScope::Org(&org), &account.client_id)
            .await
            .unwrap();
        if list.is_empty() {
            listless_accounts.push(account.client_id);
        }
    }
    assert!(
        !listless_accounts.is_empty(),
        "the demo seed has accounts without a list"
    );
    let mut named: Vec<String> = check
        .accounts_locked_out
        .iter()
        .map(|account| account.client_id.clone())
        .collect();
    named.sort();
    listless_accounts.sort();
    assert_eq!(named, listless_accounts);

    // Seen from a key with no list, turning it on is blocking.
    let created = client
        .create_org_key(&org, "owner without list", &["ORG_OWNER".to_owned()])
        .await
        .unwrap();
    let listless = AtlasClient::new(
        sandbox.base_url(),
        &created.key.public_key,
        &created.private_key,
    )
    .unwrap();
    let listless_caller = Caller {
        key_id: created.key.id.clone(),
        public_key: created.key.public_key.clone(),
    };
    let check = check_require_access_list(&listless, &listless_caller, &org)
        .await
        .unwrap();
    let blocking = check.blocking.expect("blocking");
    assert!(
        blocking.contains(&created.key.public_key) && blocking.contains(APPARENT),
        "{blocking}"
    );
    assert_eq!(check.keys_locked_out.len(), 2);
}

#[tokio::test]
async fn removing_a_keys_last_entry_warns_what_an_empty_list_means() {
    let (_sandbox, client, org, caller) = setup().await;
    let other = client
        .create_org_key(&org, "one entry", &["ORG_MEMBER".to_owned()])
        .await
        .unwrap()
        .key;
    client
        .add_access_entries(
            &org,
            &other.id,
            &[
                AccessListRequest::IpAddress("192.0.2.10".into()),
                AccessListRequest::CidrBlock("198.51.100.0/24".into()),
            ],
        )
        .await
        .unwrap();
    // One of two: nothing to warn about.
    let check = check_entry_removal(&client, &caller, &org, &other.id, "192.0.2.10")
        .await
        .unwrap();
    assert!(
        check.warning.is_none() && check.blocking.is_none(),
        "{check:?}"
    );
    client
        .delete_access_entry(&org, &other.id, "192.0.2.10")
        .await
        .unwrap();
    // The last one opens the key to any address…
    let check = check_entry_removal(&client, &caller, &org, &other.id, "198.51.100.0/24")
        .await
        .unwrap();
    let warning = check.warning.expect("a warning");
    assert!(warning.contains("anywhere"), "{warning}");
    assert!(check.blocking.is_none());
    // …or, where the organization requires a list, locks it out.
    client
        .set_api_access_list_required(&org, true)
        .await
        .unwrap();
    let check = check_entry_removal(&client, &caller, &org, &other.id, "198.51.100.0/24")
        .await
        .unwrap();
    let warning = check.warning.expect("a warning");
    assert!(warning.contains("locked out"), "{warning}");
}

#[tokio::test]
async fn an_ipv6_address_atlas_sees_is_guarded_too() {
    const APPARENT_V6: &str = "2001:db8:42::9";
    let sandbox = Sandbox::start(Config {
        apparent_ip: Some(APPARENT_V6.parse().unwrap()),
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = sandbox.admin();
    let client = AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
    )
    .unwrap();
    assert_eq!(
        client.current_addresses().await.unwrap(),
        [APPARENT_V6.parse::<std::net::IpAddr>().unwrap()]
    );
    let status = client.system_status().await.unwrap().api_key;
    let caller = Caller {
        key_id: status.id.clone(),
        public_key: status.public_key,
    };
    let entries = client
        .list_access_list(&admin.org_id, &status.id)
        .await
        .unwrap();
    // Atlas writes IPv6 addresses out in full: compare them parsed.
    let apparent: std::net::IpAddr = APPARENT_V6.parse().unwrap();
    let own = entries
        .iter()
        .filter_map(|entry| entry.ip_address.clone())
        .find(|address| address.parse::<std::net::IpAddr>().ok() == Some(apparent))
        .expect("the admin key lets in the address Atlas sees");
    let check = check_entry_removal(&client, &caller, &admin.org_id, &status.id, &own)
        .await
        .unwrap();
    assert_eq!(check.current_ip.as_deref(), Some(APPARENT_V6));
    let blocking = check
        .blocking
        .expect("removing the entry that lets it in is blocking");
    assert!(blocking.contains(APPARENT_V6), "{blocking}");
}

#[tokio::test]
async fn the_key_in_use_cannot_invite_itself_out_of_its_project_roles() {
    use atlas_access_core::access::edits;
    let (sandbox, admin, org, _) = setup().await;
    let project = sandbox.admin().project_ids[0].clone();
    let owner_of_project = vec!["GROUP_OWNER".to_owned()];
    let read_only = vec!["GROUP_READ_ONLY".to_owned()];
    // A project owner that is only a member of the organization.
    let created = admin
        .create_org_key(&org, "project owner", &["ORG_MEMBER".to_owned()])
        .await
        .unwrap();
    let key_id = created.key.id.clone();
    admin
        .invite_key_to_project(&project, &key_id, &owner_of_project)
        .await
        .unwrap();
    let connection = AtlasClient::new(
        &sandbox.admin().base_url,
        &created.key.public_key,
        &created.private_key,
    )
    .unwrap();
    let caller = Caller {
        key_id: key_id.clone(),
        public_key: created.key.public_key.clone(),
    };
    let roles_in_project = async || {
        admin
            .get_org_key(&org, &key_id)
            .await
            .unwrap()
            .roles
            .into_iter()
            .filter(|role| role.group_id.as_deref() == Some(project.as_str()))
            .map(|role| role.role_name)
            .collect::<Vec<_>>()
    };

    let invite =
        edits::invite_key_to_project(&connection, &caller, &org, &project, &key_id, &read_only)
            .await
            .unwrap_err();
    assert!(
        matches!(invite, atlas_access_core::error::CoreError::Lockout(_)),
        "{invite:?}"
    );
    assert!(
        invite.to_string().contains(&created.key.public_key),
        "{invite}"
    );
    let bulk = edits::invite_to_projects(
        &connection,
        &caller,
        &org,
        &key_id,
        std::slice::from_ref(&project),
        &read_only,
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(bulk, atlas_access_core::error::CoreError::Lockout(_)),
        "{bulk:?}"
    );
    assert_eq!(
        roles_in_project().await,
        owner_of_project,
        "nothing changed"
    );
}

#[tokio::test]
async fn lifting_the_requirement_needs_every_credential_it_opens_acknowledged() {
    use atlas_access_core::access::edits::set_access_list_requirement;
    use atlas_access_core::access::lockout::check_lift_access_list_requirement;
    let (_sandbox, client, org, caller) = setup().await;
    set_access_list_requirement(&client, &caller, &org, true, &[])
        .await
        .unwrap();
    let check = check_lift_access_list_requirement(&client, &org)
        .await
        .unwrap();
    let names: Vec<&str> = check.keys_opened.iter().map(|k| k.desc.as_str()).collect();
    assert_eq!(names, ["Legacy migration script (to retire)"]);
    assert!(
        !check.accounts_opened.is_empty(),
        "the demo's listless accounts"
    );
    let every: Vec<String> = check.ids().map(str::to_owned).collect();
    let required = async || {
        client
            .org_settings(&org)
            .await
            .unwrap()
            .api_access_list_required
    };

    // Not acknowledged, or all but one: refused, naming what would open,
    // and nothing changes.
    for acknowledged in [&[][..], &every[1..]] {
        let refused = set_access_list_requirement(&client, &caller, &org, false, acknowledged)
            .await
            .unwrap_err();
        assert!(
            matches!(refused, atlas_access_core::error::CoreError::Invalid(_)),
            "{refused:?}"
        );
        assert!(refused.to_string().contains("any address"), "{refused}");
        assert!(required().await, "still required");
    }
    let refused = set_access_list_requirement(&client, &caller, &org, false, &[])
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("Legacy migration script"),
        "{refused}"
    );

    // Every one acknowledged: it is turned off.
    let settings = set_access_list_requirement(&client, &caller, &org, false, &every)
        .await
        .unwrap();
    assert!(!settings.api_access_list_required);
    assert!(!required().await);
}

#[tokio::test]
async fn the_key_in_uses_last_entry_goes_only_once_confirmed_that_it_opens_the_key() {
    use atlas_access_core::access::edits::delete_access_entry;
    let (sandbox, admin, org, _) = setup().await;
    // An owner key whose one entry lets this computer in, connected as itself.
    let created = admin
        .create_org_key(&org, "one entry", &["ORG_OWNER".to_owned()])
        .await
        .unwrap();
    admin
        .add_access_entries(
            &org,
            &created.key.id,
            &[AccessListRequest::CidrBlock("203.0.113.0/24".into())],
        )
        .await
        .unwrap();
    let connection = AtlasClient::new(
        sandbox.base_url(),
        &created.key.public_key,
        &created.private_key,
    )
    .unwrap();
    let caller = Caller {
        key_id: created.key.id.clone(),
        public_key: created.key.public_key.clone(),
    };
    // No requirement: with its last entry gone it would work from anywhere.
    let check = check_entry_removal(&connection, &caller, &org, &caller.key_id, "203.0.113.0/24")
        .await
        .unwrap();
    assert!(check.blocking.is_none(), "{check:?}");
    let warning = check.warning.expect("a warning, not a promise of refusals");
    assert!(warning.contains("anywhere on the internet"), "{warning}");
    let refused = delete_access_entry(
        &connection,
        &caller,
        &org,
        &caller.key_id,
        "203.0.113.0/24",
        false,
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("Confirm"), "{refused}");
    assert_eq!(
        admin
            .list_access_list(&org, &caller.key_id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Confirmed, it is sent; Atlas itself keeps the entry its caller comes
    // in by, as the sandbox does.
    let refused = delete_access_entry(
        &connection,
        &caller,
        &org,
        &caller.key_id,
        "203.0.113.0/24",
        true,
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused.atlas_error_code(),
        Some("CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST"),
        "{refused:?}"
    );
}
