//! The client against the sandbox over real HTTP on 127.0.0.1: every
//! operation, the error kinds, round trips, retries and lost creates.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::time::Duration;

mod common;

use atlas_access_core::atlas::{AccessListRequest, AtlasClient, AtlasError, ClientOptions};
use atlas_sandbox::{Config, Sandbox, Seed};
use common::{admin_client, fast_retries};
use futures::StreamExt;
use secrecy::{ExposeSecret, SecretString};

async fn sandbox(config: Config) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

fn roles(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

#[tokio::test]
async fn every_operation_round_trips() {
    let sandbox = sandbox(Config::default()).await;
    let client = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();

    let status = client.system_status().await.unwrap();
    assert_eq!(status.api_key.public_key, sandbox.admin().public_key);
    assert_eq!(
        client.current_addresses().await.unwrap(),
        ["127.0.0.1".parse::<std::net::IpAddr>().unwrap()]
    );
    let orgs = client.list_orgs().await.unwrap();
    assert_eq!(
        orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["Acme Corp", "Acme Research"]
    );
    let projects = client.list_org_projects(&org).await.unwrap();
    assert_eq!(projects.len(), 3);
    assert!(projects.iter().all(|project| project.org_id == org));
    assert!(
        client
            .set_api_access_list_required(&org, true)
            .await
            .unwrap()
            .api_access_list_required
    );
    assert!(
        client
            .org_settings(&org)
            .await
            .unwrap()
            .api_access_list_required
    );
    assert!(
        !client
            .set_api_access_list_required(&org, false)
            .await
            .unwrap()
            .api_access_list_required
    );

    // An organization key: the private key once, redacted afterwards.
    let created = client
        .create_org_key(&org, "round trip", &roles(&["ORG_READ_ONLY"]))
        .await
        .unwrap();
    let secret = created.private_key.expose_secret().to_owned();
    assert_eq!(secret.len(), 36);
    let key_id = created.key.id.clone();
    let read = client.get_org_key(&org, &key_id).await.unwrap();
    assert_eq!(read.redacted_private_key, created.key.redacted_private_key);
    assert!(!read.redacted_private_key.contains(&secret[..8]));
    let updated = client
        .update_org_key(
            &org,
            &key_id,
            Some("renamed"),
            Some(&roles(&["ORG_MEMBER", "ORG_BILLING_READ_ONLY"])),
        )
        .await
        .unwrap();
    assert_eq!(updated.desc, "renamed");
    assert_eq!(
        updated.org_roles(&org).collect::<Vec<_>>(),
        ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"]
    );

    // Its access list: one address, one block (its slash encoded in the path).
    let entries = client
        .add_access_entries(
            &org,
            &key_id,
            &[
                AccessListRequest::IpAddress("198.51.100.7".into()),
                AccessListRequest::CidrBlock("203.0.113.0/24".into()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .any(|entry| entry.cidr_block.as_deref() == Some("203.0.113.0/24"))
    );
    client
        .delete_access_entry(&org, &key_id, "203.0.113.0/24")
        .await
        .unwrap();
    client
        .delete_access_entry(&org, &key_id, "198.51.100.7")
        .await
        .unwrap();
    assert!(
        client
            .list_access_list(&org, &key_id)
            .await
            .unwrap()
            .is_empty()
    );

    // Projects: invite, change roles, list, remove; a project key.
    let project = &projects[0].id;
    client
        .invite_key_to_project(project, &key_id, &roles(&["GROUP_READ_ONLY"]))
        .await
        .unwrap();
    let changed = client
        .update_project_key_roles(project, &key_id, &roles(&["GROUP_OWNER"]))
        .await
        .unwrap();
    assert_eq!(
        changed.project_roles(project).collect::<Vec<_>>(),
        ["GROUP_OWNER"]
    );
    assert!(
        client
            .list_project_keys(project)
            .await
            .unwrap()
            .iter()
            .any(|k| k.id == key_id)
    );
    client
        .remove_key_from_project(project, &key_id)
        .await
        .unwrap();
    assert!(
        !client
            .list_project_keys(project)
            .await
            .unwrap()
            .iter()
            .any(|k| k.id == key_id)
    );
    let project_key = client
        .create_project_key(&org, project, "project key", &roles(&["GROUP_READ_ONLY"]))
        .await
        .unwrap();
    assert!(
        project_key
            .key
            .org_roles(&org)
            .any(|role| role == "ORG_MEMBER")
    );

    client.delete_org_key(&org, &key_id).await.unwrap();
    let gone = client.get_org_key(&org, &key_id).await.unwrap_err();
    assert_eq!(gone.atlas_error_code(), Some("API_KEY_NOT_FOUND"));
}

#[tokio::test]
async fn list_all_fetches_every_page_in_order() {
    let sandbox = sandbox(Config {
        seed: Seed::Scale {
            keys: 1_234,
            projects: 2,
            accounts: 0,
            events: 0,
        },
        ..Config::default()
    })
    .await;
    let client = admin_client(&sandbox);
    let keys = client.list_org_keys(&sandbox.admin().org_id).await.unwrap();
    assert_eq!(keys.len(), 1_235);
    let public: Vec<&str> = keys.iter().map(|k| k.public_key.as_str()).collect();
    let mut sorted = public.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(public, sorted, "in Atlas's order, no page twice");
}

#[tokio::test]
async fn errors_are_told_apart() {
    let sandbox = sandbox(Config {
        apparent_ip: Some("203.0.113.9".parse().unwrap()),
        ..Config::default()
    })
    .await;
    let admin = sandbox.admin();
    let org = admin.org_id.clone();
    let wrong = AtlasClient::new(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from("0000".to_owned()),
    )
    .unwrap();
    assert!(matches!(
        wrong.list_orgs().await,
        Err(AtlasError::BadCredentials)
    ));

    let client = admin_client(&sandbox);
    let make = |desc: &'static str, role: &'static str| {
        let client = &client;
        let org = org.clone();
        async move {
            let created = client
                .create_org_key(&org, desc, &roles(&[role]))
                .await
                .unwrap();
            let key = AtlasClient::with_options(
                &admin.base_url,
                &created.key.public_key,
                &created.private_key,
                fast_retries(),
            )
            .unwrap();
            (created.key.id, key)
        }
    };
    let (elsewhere_id, elsewhere) = make("elsewhere", "ORG_MEMBER").await;
    client
        .add_access_entries(
            &org,
            &elsewhere_id,
            &[AccessListRequest::IpAddress("198.51.100.1".into())],
        )
        .await
        .unwrap();
    let refused = elsewhere.list_orgs().await.unwrap_err();
    assert!(
        matches!(refused, AtlasError::IpNotOnAccessList { .. }),
        "{refused:?}"
    );
    assert!(refused.advice().contains("203.0.113.9"));

    let (_, open) = make("no list", "ORG_READ_ONLY").await;
    let weak = open
        .create_org_key(&org, "x", &roles(&["ORG_MEMBER"]))
        .await
        .unwrap_err();
    assert_eq!(weak.atlas_error_code(), Some("USER_UNAUTHORIZED"));
    // Atlas does not say which role; the app does, from the spec.
    assert!(
        weak.advice().starts_with("This needs Organization Owner,"),
        "{}",
        weak.advice()
    );
    let project = client.list_org_projects(&org).await.unwrap()[0].id.clone();
    let weak = open
        .create_project_key(&org, &project, "x", &roles(&["GROUP_READ_ONLY"]))
        .await
        .unwrap_err();
    assert!(
        weak.advice().starts_with("This needs Project Owner,"),
        "{}",
        weak.advice()
    );
    client
        .set_api_access_list_required(&org, true)
        .await
        .unwrap();
    assert!(matches!(
        open.list_orgs().await,
        Err(AtlasError::OrgRequiresAccessList)
    ));

    let nowhere = AtlasClient::with_options(
        "http://127.0.0.1:9",
        "abcdefgh",
        &SecretString::from("x".to_owned()),
        ClientOptions {
            max_tries: 1,
            ..fast_retries()
        },
    )
    .unwrap();
    assert!(matches!(
        nowhere.list_orgs().await,
        Err(AtlasError::Unreachable { .. })
    ));
    assert!(matches!(
        AtlasClient::new(
            "cloud.mongodb.com",
            "a",
            &SecretString::from("b".to_owned())
        ),
        Err(AtlasError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn n_requests_cost_n_plus_one_exchanges() {
    let sandbox = sandbox(Config::default()).await;
    let client = admin_client(&sandbox);
    let before = sandbox.exchanges();
    for _ in 0..50 {
        client.org_settings(&sandbox.admin().org_id).await.unwrap();
    }
    assert_eq!(sandbox.exchanges() - before, 51);
}

#[tokio::test]
async fn reads_are_retried_through_503s_and_creates_are_not() {
    let flaky = sandbox(Config {
        faults: "503=0.4".parse().unwrap(),
        fault_seed: 3,
        ..Config::default()
    })
    .await;
    let client = admin_client(&flaky);
    let mut answered = 0;
    for _ in 0..20 {
        if client.org_settings(&flaky.admin().org_id).await.is_ok() {
            answered += 1;
        }
    }
    // With three tries, a read fails only when all three draw a 503 (6%).
    assert!(
        answered >= 16,
        "{answered} of 20 reads answered through retries"
    );
    assert!(
        flaky.exchanges() > 21,
        "retries happened: {} exchanges",
        flaky.exchanges()
    );

    let down = sandbox(Config {
        faults: "503=1".parse().unwrap(),
        ..Config::default()
    })
    .await;
    let client = admin_client(&down);
    let before = down.exchanges();
    let unknown = client
        .create_org_key(&down.admin().org_id, "not twice", &roles(&["ORG_MEMBER"]))
        .await
        .unwrap_err();
    // A 503 does not say whether the key was made, and the listing that
    // looks for it is refused too.
    assert!(
        matches!(unknown, AtlasError::OutcomeUnknown { .. }),
        "{unknown:?}"
    );
    let max_tries = fast_retries().max_tries as u64;
    assert_eq!(
        down.exchanges() - before,
        1 + max_tries,
        "the create is sent once, the search for it tried {max_tries} times"
    );
}

#[tokio::test]
async fn a_lost_create_answer_reports_the_orphan_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let resetting = sandbox(Config {
        faults: "reset=0.5".parse().unwrap(),
        fault_seed: 11,
        state_file: Some(state.clone()),
        ..Config::default()
    })
    .await;
    let admin = resetting.admin().clone();
    let client = admin_client(&resetting);
    let mut orphans = Vec::new();
    let mut created = Vec::new();
    for attempt in 0..12 {
        let desc = format!("attempt {attempt}");
        match client
            .create_org_key(&admin.org_id, &desc, &roles(&["ORG_MEMBER"]))
            .await
        {
            Ok(key) => created.push(key.key.id),
            Err(AtlasError::CreatedButPrivateKeyLost { key_id, public_key }) => {
                assert_eq!(public_key.len(), 8);
                orphans.push((desc, key_id));
            }
            // The listing that looks for the orphan can be reset too: then
            // the outcome is still unknown, never a plain network error.
            Err(other) => assert!(
                matches!(other, AtlasError::OutcomeUnknown { .. }),
                "{other:?}"
            ),
        }
    }
    assert!(!orphans.is_empty(), "seed 11 loses some create answers");
    resetting.stop().await;

    let later = sandbox(Config {
        state_file: Some(state),
        ..Config::default()
    })
    .await;
    let keys = admin_client(&later)
        .list_org_keys(&admin.org_id)
        .await
        .unwrap();
    for (desc, key_id) in &orphans {
        let matching: Vec<_> = keys.iter().filter(|k| &k.desc == desc).collect();
        assert_eq!(matching.len(), 1, "{desc} created exactly once");
        assert_eq!(
            &matching[0].id, key_id,
            "the orphan found is the key created"
        );
    }
    for attempt in 0..12 {
        let desc = format!("attempt {attempt}");
        assert!(
            keys.iter().filter(|k| k.desc == desc).count() <= 1,
            "{desc} never duplicated"
        );
    }
}

#[tokio::test]
async fn reads_are_retried_after_429_and_connection_resets() {
    for faults in ["429=0.4", "reset=0.4"] {
        let flaky = sandbox(Config {
            faults: faults.parse().unwrap(),
            fault_seed: 5,
            ..Config::default()
        })
        .await;
        let client = admin_client(&flaky);
        let mut answered = 0;
        for _ in 0..15 {
            if client.list_orgs().await.is_ok() {
                answered += 1;
            }
        }
        assert!(
            answered >= 12,
            "{faults}: {answered} of 15 reads answered through retries"
        );
        assert!(flaky.exchanges() > 16, "{faults}: retries happened");
    }
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_not_waited_for() {
    let limited = sandbox(Config {
        rate_limit: Some(2),
        ..Config::default()
    })
    .await;
    let client = admin_client(&limited);
    client.list_orgs().await.unwrap();
    client.list_orgs().await.unwrap();
    let started = std::time::Instant::now();
    let refused = client.list_orgs().await.unwrap_err();
    assert_eq!(refused.atlas_error_code(), Some("RATE_LIMITED"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a minute-long Retry-After is reported, not slept through"
    );
}

#[tokio::test]
async fn a_refusal_holds_back_the_clients_next_request_until_retry_after() {
    // Two requests a second, counted from the first one.
    let limited = sandbox(Config {
        rate_limit: Some(2),
        rate_window: Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let client = admin_client(&limited);
    client.list_orgs().await.expect("first of the window");
    client.list_orgs().await.expect("second of the window");
    let refused_then_retried = client.list_orgs();
    // Started once the third request has been refused: it must not reach
    // Atlas before the window ends, or it is refused too.
    let started_after_the_refusal = async {
        for _ in 0..200 {
            if limited.rate_limited() == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(limited.rate_limited(), 1, "the third request was refused");
        // Time for the 429 to reach the client.
        tokio::time::sleep(Duration::from_millis(100)).await;
        client.list_orgs().await
    };
    let (third, fourth) = tokio::join!(refused_then_retried, started_after_the_refusal);
    assert!(
        third.is_ok() && fourth.is_ok(),
        "both answered after the wait"
    );
    assert_eq!(
        limited.rate_limited(),
        1,
        "a request started during the pause was sent and refused"
    );
}

#[tokio::test]
async fn concurrent_requests_get_through_a_binding_rate_limit_with_few_refusals() {
    let limited = sandbox(Config {
        rate_limit: Some(10),
        rate_window: Duration::from_secs(1),
        latency: Duration::from_millis(5),
        ..Config::default()
    })
    .await;
    let client = admin_client(&limited);
    let results: Vec<_> = futures::stream::iter((0..40).map(|_| client.list_orgs()))
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(
        results.iter().all(Result::is_ok),
        "every read answered after waiting"
    );
    // 40 reads at 10 a second: about 4 windows, and in each at most the 8
    // requests in flight when it filled are refused; the rest wait.
    let refused = limited.rate_limited();
    assert!(refused <= 8 * 5, "{refused} refused: a 429 storm");
    assert!(refused >= 1, "the limit did bind");
}

#[tokio::test]
async fn an_id_can_never_climb_to_another_path() {
    let sandbox = sandbox(Config::default()).await;
    let client = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    client.list_orgs().await.unwrap();
    let before = sandbox.exchanges();
    for id in ["..", ".", ""] {
        assert!(matches!(
            client.delete_org_key(&org, id).await,
            Err(AtlasError::InvalidInput(_))
        ));
        assert!(matches!(
            client.delete_access_entry(&org, id, "192.0.2.1").await,
            Err(AtlasError::InvalidInput(_))
        ));
        assert!(matches!(
            client.remove_key_from_project(id, &org).await,
            Err(AtlasError::InvalidInput(_))
        ));
    }
    assert_eq!(sandbox.exchanges(), before, "nothing was sent");
    // Still one organization and every key: nothing was deleted.
    assert_eq!(client.list_orgs().await.unwrap().len(), 2);
}

#[test]
fn plain_http_is_only_for_this_computer() {
    let secret = SecretString::from("c8150efd-c7a0-4afd-8c4f-01bdd56c8977".to_owned());
    for remote in ["http://cloud.mongodb.com", "http://10.1.2.3:8080"] {
        let refused = AtlasClient::new(remote, "abcdefgh", &secret);
        assert!(
            matches!(&refused, Err(AtlasError::InvalidInput(message)) if message.contains("https://")),
            "{remote}"
        );
    }
    for allowed in [
        "https://cloud.mongodb.com",
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
    ] {
        assert!(
            AtlasClient::new(allowed, "abcdefgh", &secret).is_ok(),
            "{allowed}"
        );
    }
}

#[tokio::test]
async fn atlas_refusing_to_remove_the_callers_own_entry_is_told_in_words() {
    let sandbox = sandbox(Config::default()).await;
    let client = admin_client(&sandbox);
    let me = client.system_status().await.unwrap().api_key.id;
    // The guard is not asked here: this is Atlas's own refusal.
    let refused = client
        .delete_access_entry(&sandbox.admin().org_id, &me, "127.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(
        refused.atlas_error_code(),
        Some("CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST")
    );
    let advice = refused.advice();
    assert!(advice.contains("would lock this key out"), "{advice}");
}
