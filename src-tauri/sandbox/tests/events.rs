//! Events: every change is recorded as Atlas records it (who, from where,
//! on what), the lists filter and page as Atlas's do, and the answers look
//! like the two recorded from Atlas in `tests/fixtures/atlas-api/recorded-events/`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

#[macro_use]
mod common;

use std::collections::BTreeMap;

use atlas_sandbox::{AdminKind, Config, Seed};
use common::Client;
use reqwest::Method;
use serde_json::{Value, json};

fn recorded_body(file: &str) -> Value {
    let path = common::fixtures_dir().join("recorded-events").join(file);
    let text = std::fs::read_to_string(&path).expect("recorded file");
    let (_, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .expect("a head and a body");
    serde_json::from_str(body.trim()).expect("JSON")
}

fn keys_of(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default()
}

/// The first event of each type in a list, by type.
fn by_type(page: &Value) -> BTreeMap<String, Value> {
    let mut found = BTreeMap::new();
    for event in page["results"].as_array().expect("results") {
        let kind = event["eventTypeName"].as_str().expect("type").to_owned();
        found.entry(kind).or_insert_with(|| event.clone());
    }
    found
}

fn types(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|event| event["eventTypeName"].as_str().expect("type").to_owned())
        .collect()
}

/// The same edits as the recording (a key made, an entry added and deleted,
/// a description changed, the key deleted), then the list read with the
/// recording's query: the page and each event type's fields match, with
/// Atlas's quirks (`totalCount` 0 when not asked for, `/groups/null/`).
#[tokio::test]
async fn the_recorded_answers_are_matched() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let keys = format!("/api/atlas/v2/orgs/{org}/apiKeys");
    let key = admin
        .post(
            &keys,
            json!({"desc": "e2e-test-helper", "roles": ["ORG_READ_ONLY"]}),
        )
        .await;
    let key_path = format!("{keys}/{}", key.body["id"].as_str().expect("id"));
    admin
        .post(
            &format!("{key_path}/accessList"),
            json!([{"ipAddress": "192.168.0.229"}]),
        )
        .await;
    admin
        .delete(&format!("{key_path}/accessList/192.168.0.229"))
        .await;
    admin
        .patch(&key_path, json!({"desc": "e2e-test-helper-updated"}))
        .await;
    admin.delete(&key_path).await;

    let recorded = recorded_body(
        "TestEvents/List_Organization_Events/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_events_1.http",
    );
    let min_date = "2000-01-01T00%3A00%3A00Z";
    let ours = admin
        .get(&format!(
            "/api/atlas/v2/orgs/{org}/events?includeCount=false&includeRaw=false&minDate={min_date}&pageNum=1&itemsPerPage=100"
        ))
        .await;
    assert_eq!(ours.status, 200);
    assert_eq!(keys_of(&ours.body), keys_of(&recorded));
    assert_eq!(ours.body["totalCount"], json!(0));
    assert_eq!(recorded["totalCount"], json!(0));
    let theirs = by_type(&recorded);
    let mine = by_type(&ours.body);
    for kind in [
        "API_KEY_CREATED",
        "API_KEY_DELETED",
        "API_KEY_DESCRIPTION_CHANGED",
        "API_KEY_ACCESS_LIST_ENTRY_ADDED",
        "API_KEY_ACCESS_LIST_ENTRY_DELETED",
    ] {
        let (ours, recorded) = (&mine[kind], &theirs[kind]);
        assert_eq!(keys_of(ours), keys_of(recorded), "{kind}: fields");
        let link = ours["links"][0]["href"].as_str().expect("link");
        assert!(
            link.contains("/api/atlas/v2/groups/null/events/"),
            "{kind}: {link}"
        );
    }
    assert_eq!(
        mine["API_KEY_ACCESS_LIST_ENTRY_ADDED"]["whitelistEntry"],
        json!("192.168.0.229")
    );
    let self_link = ours.body["links"][0]["href"].as_str().expect("self");
    assert!(self_link.contains("includeRaw=false"), "{self_link}");

    // A project's events: the same page, and its own links.
    let recorded = recorded_body(
        "TestEvents/List_Project_Events/GET_api_atlas_v2_groups_b0123456789abcdef012345b_events_1.http",
    );
    let invited = admin
        .post(
            &format!(
                "/api/atlas/v2/groups/{project}/apiKeys/{}",
                key_id_of(&sandbox, &admin).await
            ),
            json!([{"roles": ["GROUP_READ_ONLY"]}]),
        )
        .await;
    assert_eq!(invited.status, 204, "{}", invited.body);
    let ours = admin
        .get(&format!(
            "/api/atlas/v2/groups/{project}/events?includeCount=false&includeRaw=false&pageNum=1&itemsPerPage=100"
        ))
        .await;
    assert_eq!(keys_of(&ours.body), keys_of(&recorded));
    assert_eq!(ours.body["totalCount"], json!(0));
    let event = &ours.body["results"][0];
    assert_eq!(event["eventTypeName"], json!("API_KEY_ADDED_TO_GROUP"));
    assert_eq!(event["groupId"], json!(project));
    let link = event["links"][0]["href"].as_str().expect("link");
    assert!(link.contains(&format!("/api/atlas/v2/groups/{project}/events/")));
    sandbox.stop().await;
}

/// Some organization key not yet in the first project.
async fn key_id_of(sandbox: &atlas_sandbox::Sandbox, admin: &Client) -> String {
    let org = &sandbox.admin().org_id;
    let project = &sandbox.admin().project_ids[0];
    let keys = admin
        .get(&format!("/api/atlas/v2/orgs/{org}/apiKeys"))
        .await;
    keys.body["results"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|key| {
            key["roles"]
                .as_array()
                .is_some_and(|roles| roles.iter().all(|role| role["groupId"] != json!(project)))
        })
        .and_then(|key| key["id"].as_str())
        .expect("a key outside the project")
        .to_owned()
}

/// Every edit of a key, by either kind of admin, is one event naming who
/// acted, from where, the key and the entry; newest first.
async fn key_edits_are_recorded(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let events = format!("/api/atlas/v2/orgs/{org}/events?includeRaw=true&itemsPerPage=20");
    let before = admin.get(&events).await.body["results"][0]["id"].clone();

    let keys = format!("/api/atlas/v2/orgs/{org}/apiKeys");
    let key = admin
        .post(&keys, json!({"desc": "Audited", "roles": ["ORG_MEMBER"]}))
        .await;
    let public_key = key.body["publicKey"]
        .as_str()
        .expect("public key")
        .to_owned();
    let key_id = key.body["id"].as_str().expect("id").to_owned();
    let key_path = format!("{keys}/{key_id}");
    admin
        .post(
            &format!("{key_path}/accessList"),
            json!([{"ipAddress": "203.0.113.7"}, {"cidrBlock": "198.51.100.0/24"}]),
        )
        .await;
    admin
        .patch(&key_path, json!({"roles": ["ORG_READ_ONLY"]}))
        .await;
    // The same roles again change nothing, and record nothing.
    admin
        .patch(&key_path, json!({"roles": ["ORG_READ_ONLY"]}))
        .await;
    let project_key = format!("/api/atlas/v2/groups/{project}/apiKeys/{key_id}");
    admin
        .post(&project_key, json!([{"roles": ["GROUP_READ_ONLY"]}]))
        .await;
    admin
        .patch(&project_key, json!({"roles": ["GROUP_OWNER"]}))
        .await;
    admin.delete(&project_key).await;
    admin
        .delete(&format!("{key_path}/accessList/198.51.100.0%2F24"))
        .await;
    admin.delete(&key_path).await;

    let page = admin.get(&events).await.body;
    let results = page["results"].as_array().expect("results");
    let new: Vec<&Value> = results.iter().take_while(|e| e["id"] != before).collect();
    let kinds: Vec<&str> = new
        .iter()
        .map(|e| e["eventTypeName"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds,
        [
            "API_KEY_DELETED",
            "API_KEY_ACCESS_LIST_ENTRY_DELETED",
            "API_KEY_REMOVED_FROM_GROUP",
            "API_KEY_ROLES_CHANGED",
            "API_KEY_ADDED_TO_GROUP",
            "API_KEY_ROLES_CHANGED",
            "API_KEY_ACCESS_LIST_ENTRY_ADDED",
            "API_KEY_ACCESS_LIST_ENTRY_ADDED",
            "API_KEY_CREATED",
        ]
    );
    for event in &new {
        assert_eq!(event["targetPublicKey"], json!(public_key));
        assert_eq!(event["orgId"], json!(org));
        assert_eq!(event["remoteAddress"], json!("127.0.0.1"));
        assert_eq!(event["raw"]["targetPublicKey"], json!(public_key));
        match admin.client_id() {
            None => {
                assert_eq!(event["publicKey"], json!(sandbox.admin().public_key));
                assert!(event["apiKeyId"].is_string());
            }
            Some(client_id) => {
                assert!(event.get("publicKey").is_none(), "{event}");
                assert!(event.get("apiKeyId").is_none(), "{event}");
                assert_eq!(
                    event["raw"]["actorServiceAccountClientId"],
                    json!(client_id)
                );
            }
        }
    }
    assert_eq!(new[1]["whitelistEntry"], json!("198.51.100.0/24"));
    let added: Vec<&Value> = new[6..8].iter().map(|e| &e["whitelistEntry"]).collect();
    assert!(added.contains(&&json!("203.0.113.7")), "{added:?}");
    assert_eq!(new[2]["groupId"], json!(project));
    assert!(new[0].get("groupId").is_none());

    // Each event reads alone, in the organization and, for a project's, there.
    let id = new[2]["id"].as_str().expect("id");
    let one = admin
        .get(&format!("/api/atlas/v2/orgs/{org}/events/{id}"))
        .await;
    assert_eq!(one.status, 200);
    assert!(one.body.get("raw").is_none());
    let one = admin
        .get(&format!(
            "/api/atlas/v2/groups/{project}/events/{id}?includeRaw=true"
        ))
        .await;
    assert_eq!(one.body["raw"]["cid"], json!(project));
    let missing = admin
        .call(
            Method::GET,
            &format!("/api/atlas/v2/orgs/{org}/events/{}", "0".repeat(24)),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    sandbox.stop().await;
}

/// A service account's changes name it in `raw`; the organization's
/// settings are recorded too; a refused change records nothing.
async fn account_and_settings_edits_are_recorded(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let events = format!("/api/atlas/v2/orgs/{org}/events?includeRaw=true&itemsPerPage=50");
    let before = admin.get(&events).await.body["results"][0]["id"].clone();

    let accounts = format!("/api/atlas/v2/orgs/{org}/serviceAccounts");
    let account = admin
        .versioned(
            Method::POST,
            &accounts,
            Some(json!({"name": "Audited account", "description": "d", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 24})),
        )
        .await;
    let client_id = account.body["clientId"]
        .as_str()
        .expect("client id")
        .to_owned();
    let account_path = format!("{accounts}/{client_id}");
    admin
        .versioned(
            Method::POST,
            &format!("{account_path}/secrets"),
            Some(json!({"secretExpiresAfterHours": 24})),
        )
        .await;
    admin
        .versioned(
            Method::POST,
            &format!("{account_path}/accessList"),
            Some(json!([{"ipAddress": "203.0.113.9"}])),
        )
        .await;
    admin
        .versioned(
            Method::POST,
            &format!("/api/atlas/v2/groups/{project}/serviceAccounts/{client_id}:invite"),
            Some(json!({"roles": ["GROUP_READ_ONLY"]})),
        )
        .await;
    admin
        .versioned(
            Method::PATCH,
            &account_path,
            Some(json!({"name": "Audited account 2"})),
        )
        .await;
    let settings = format!("/api/atlas/v2/orgs/{org}/settings");
    admin
        .patch(&settings, json!({"apiAccessListRequired": true}))
        .await;
    admin
        .patch(&settings, json!({"apiAccessListRequired": false}))
        .await;
    // Refused: a malformed entry. Nothing is recorded.
    let refused = admin
        .versioned(
            Method::POST,
            &format!("{account_path}/accessList"),
            Some(json!([{"ipAddress": "not an address"}])),
        )
        .await;
    assert_eq!(refused.status, 400);

    let page = admin.get(&events).await.body;
    let results = page["results"].as_array().expect("results");
    let new: Vec<&Value> = results.iter().take_while(|e| e["id"] != before).collect();
    let kinds: Vec<&str> = new
        .iter()
        .map(|e| e["eventTypeName"].as_str().expect("type"))
        .collect();
    assert_eq!(
        kinds,
        [
            "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED",
            "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED",
            "SERVICE_ACCOUNT_DETAILS_CHANGED",
            "SERVICE_ACCOUNT_ADDED_TO_GROUP",
            "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED",
            "SERVICE_ACCOUNT_SECRET_ADDED",
            "SERVICE_ACCOUNT_CREATED",
        ]
    );
    for event in &new[2..] {
        assert_eq!(event["raw"]["serviceAccountClientId"], json!(client_id));
        assert!(event.get("targetPublicKey").is_none());
    }
    assert_eq!(
        new[2]["raw"]["serviceAccountName"],
        json!("Audited account 2")
    );
    assert_eq!(new[4]["whitelistEntry"], json!("203.0.113.9"));
    sandbox.stop().await;
}

for_both_admins!(
    key_edits_are_recorded,
    account_and_settings_edits_are_recorded
);

/// Filters by type (repeated) and date, pages of up to 500 newest first,
/// and Atlas's errors for a bad query.
#[tokio::test]
async fn lists_filter_and_page() {
    let sandbox = common::start(Config {
        seed: Seed::Scale {
            keys: 20,
            projects: 2,
            accounts: 0,
            events: 1_200,
        },
        ..Config::default()
    })
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let list = format!("/api/atlas/v2/orgs/{org}/events");

    let first = admin
        .get(&format!("{list}?itemsPerPage=500&includeCount=true"))
        .await
        .body;
    assert_eq!(first["totalCount"], json!(1_200));
    let created: Vec<&str> = first["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|e| e["created"].as_str().expect("created"))
        .collect();
    assert_eq!(created.len(), 500);
    assert!(
        created.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first"
    );
    let third = admin
        .get(&format!("{list}?itemsPerPage=500&pageNum=3"))
        .await
        .body;
    assert_eq!(third["results"].as_array().expect("results").len(), 200);
    assert!(
        !third["links"]
            .as_array()
            .expect("links")
            .iter()
            .any(|link| link["rel"] == json!("next"))
    );

    let two_types = admin
        .get(&format!(
            "{list}?eventType=API_KEY_ROLES_CHANGED&eventType=API_KEY_DESCRIPTION_CHANGED&itemsPerPage=500&includeCount=true"
        ))
        .await
        .body;
    assert_eq!(two_types["totalCount"], json!(600));
    assert!(
        types(&two_types)
            .iter()
            .all(|kind| kind == "API_KEY_ROLES_CHANGED" || kind == "API_KEY_DESCRIPTION_CHANGED")
    );
    let next = two_types["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|link| link["rel"] == json!("next"))
        .and_then(|link| link["href"].as_str())
        .expect("a next link");
    assert_eq!(next.matches("eventType=").count(), 2, "{next}");

    // The last 30 of the 90 days: about a third.
    let since = (chrono::Utc::now() - chrono::Duration::days(30))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let recent = admin
        .get(&format!(
            "{list}?minDate={}&includeCount=true",
            since.replace(':', "%3A")
        ))
        .await
        .body;
    let count = recent["totalCount"].as_u64().expect("count");
    assert!((390..=410).contains(&count), "{count}");
    let until = admin
        .get(&format!(
            "{list}?maxDate={}&includeCount=true",
            since.replace(':', "%3A")
        ))
        .await
        .body;
    assert_eq!(until["totalCount"].as_u64().expect("count") + count, 1_200);

    for (query, parameter) in [
        ("itemsPerPage=501", "itemsPerPage"),
        ("eventType=not-a-type", "eventType"),
        ("minDate=yesterday", "minDate"),
        ("includeRaw=maybe", "includeRaw"),
    ] {
        let answer = admin
            .call(Method::GET, &format!("{list}?{query}"), None)
            .await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.error_code(), "INVALID_QUERY_PARAMETER", "{query}");
        assert!(
            answer.body["detail"]
                .as_str()
                .expect("detail")
                .contains(parameter)
        );
    }

    let event_types = admin.get("/api/atlas/v2/eventTypes").await.body;
    let names: Vec<&str> = event_types["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|t| t["eventType"].as_str().expect("type"))
        .collect();
    assert!(names.contains(&"API_KEY_ACCESS_LIST_ENTRY_ADDED"));
    assert!(names.contains(&"SERVICE_ACCOUNT_SECRET_ADDED"));
    sandbox.stop().await;
}

/// Events are kept in the state file: a restart keeps the history.
#[tokio::test]
async fn events_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = || Config {
        state_file: Some(dir.path().join("state.json")),
        ..Config::default()
    };
    let sandbox = common::start(config()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    admin
        .post(
            &format!("/api/atlas/v2/orgs/{org}/apiKeys"),
            json!({"desc": "Kept", "roles": ["ORG_MEMBER"]}),
        )
        .await;
    let list = format!("/api/atlas/v2/orgs/{org}/events?includeCount=true");
    let before = admin.get(&list).await.body;
    sandbox.stop().await;
    let sandbox = common::start(config()).await;
    let admin = Client::admin(&sandbox);
    let after = admin.get(&list).await.body;
    assert_eq!(after["totalCount"], before["totalCount"]);
    assert_eq!(after["results"][0]["id"], before["results"][0]["id"]);
    sandbox.stop().await;
}
