//! The sandbox behaves as Atlas does where the recordings do not show it:
//! authentication, authorization, access lists, validation, pagination,
//! persistence, faults and rate limits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

#[macro_use]
mod common;

use std::time::Duration;

use atlas_sandbox::{AdminKind, Config, Seed};
use common::{Client, is_redacted, is_uuid};
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{Value, json};

const OUTSIDE_IP: &str = "203.0.113.7";

fn md5_hex(text: &str) -> String {
    format!("{:x}", Md5::digest(text.as_bytes()))
}

fn keys_path(org: &str) -> String {
    format!("/api/atlas/v2/orgs/{org}/apiKeys")
}

async fn create_key(admin: &Client, org: &str, desc: &str, roles: &[&str]) -> (String, Client) {
    let created = admin
        .post(&keys_path(org), json!({"desc": desc, "roles": roles}))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let body = &created.body;
    let client = Client::new(
        &admin.base_url,
        body["publicKey"].as_str().expect("public key"),
        body["privateKey"].as_str().expect("private key"),
    );
    (body["id"].as_str().expect("id").to_owned(), client)
}

async fn key_count(admin: &Client, org: &str) -> u64 {
    admin.get(&keys_path(org)).await.body["totalCount"]
        .as_u64()
        .expect("totalCount")
}

#[tokio::test]
async fn digest_nonces_go_stale_and_counts_cannot_be_replayed() {
    let sandbox = common::start(Config {
        nonce_lifetime: Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let admin = sandbox.admin().clone();
    let http = reqwest::Client::new();
    let url = format!("{}/api/atlas/v2", admin.base_url);
    let challenge = http
        .get(&url)
        .header("accept", common::MEDIA_TYPE)
        .send()
        .await
        .expect("sent");
    assert_eq!(challenge.status(), 401);
    let header = challenge.headers()["www-authenticate"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let nonce = header
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("nonce")
        .to_owned();
    let authorization = |nc: &str| {
        let ha1 = md5_hex(&format!(
            "{}:MMS Public API:{}",
            admin.public_key, admin.private_key
        ));
        let ha2 = md5_hex("GET:/api/atlas/v2");
        let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:abc:auth:{ha2}"));
        format!(
            "Digest username=\"{}\", realm=\"MMS Public API\", nonce=\"{nonce}\", uri=\"/api/atlas/v2\", \
             response=\"{response}\", qop=auth, nc={nc}, cnonce=\"abc\", algorithm=MD5",
            admin.public_key
        )
    };
    let send = |value: String| {
        http.get(&url)
            .header("accept", common::MEDIA_TYPE)
            .header("authorization", value)
            .send()
    };
    assert_eq!(
        send(authorization("00000001"))
            .await
            .expect("sent")
            .status(),
        200
    );
    let replay = send(authorization("00000001")).await.expect("sent");
    assert_eq!(replay.status(), 401, "a replayed nonce count is refused");
    assert!(
        replay.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .ends_with("stale=false")
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let late = send(authorization("00000002")).await.expect("sent");
    assert_eq!(late.status(), 401);
    assert!(
        late.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .ends_with("stale=true")
    );
    assert_eq!(
        late.text().await.unwrap(),
        atlas_sandbox_unauthorized_body()
    );
}

fn atlas_sandbox_unauthorized_body() -> &'static str {
    r#"{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource.","errorCode":"UNEXPECTED_ERROR"}"#
}

#[tokio::test]
async fn versions_and_wrong_keys_are_refused_with_atlas_codes() {
    let sandbox = common::demo().await;
    let admin = sandbox.admin();
    let http = reqwest::Client::new();
    let unversioned = http
        .get(format!("{}/api/atlas/v2/orgs", admin.base_url))
        .header("accept", "application/vnd.atlas.2099-01-01+json")
        .send()
        .await
        .expect("sent");
    assert_eq!(unversioned.status(), 406);
    assert_eq!(
        unversioned.headers()["x-error-code"],
        "INVALID_VERSION_DATE"
    );
    let wrong = Client::new(
        &admin.base_url,
        &admin.public_key,
        "00000000-0000-0000-0000-000000000000",
    );
    let answer = wrong.get("/api/atlas/v2/orgs").await;
    assert_eq!(answer.status, 401);
}

async fn access_lists_and_the_org_requirement_are_enforced(admin_kind: AdminKind) {
    let sandbox = common::start_as(
        admin_kind,
        Config {
            apparent_ip: Some(OUTSIDE_IP.parse().unwrap()),
            ..Config::default()
        },
    )
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();

    // A key allowed only from elsewhere is refused, naming the address.
    let (elsewhere_id, elsewhere) = create_key(&admin, &org, "elsewhere", &["ORG_READ_ONLY"]).await;
    let access = format!("{}/{elsewhere_id}/accessList", keys_path(&org));
    assert_eq!(
        admin
            .post(&access, json!([{"ipAddress": "198.51.100.1"}]))
            .await
            .status,
        200
    );
    let refused = elsewhere.get("/api/atlas/v2/orgs").await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (403, "IP_ADDRESS_NOT_ON_ACCESS_LIST")
    );
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains(OUTSIDE_IP)
    );
    // A block that covers the address lets it in, and the use is counted.
    assert_eq!(
        admin
            .post(&access, json!([{"cidrBlock": "203.0.113.0/24"}]))
            .await
            .status,
        200
    );
    assert_eq!(elsewhere.get("/api/atlas/v2/orgs").await.status, 200);
    let entry = admin.get(&format!("{access}/203.0.113.0%2F24")).await;
    assert_eq!(entry.body["count"], 1);
    assert_eq!(entry.body["lastUsedAddress"], OUTSIDE_IP);

    // A key with no entries works until the organization requires a list.
    let (_, open) = create_key(&admin, &org, "no list", &["ORG_MEMBER"]).await;
    assert_eq!(open.get("/api/atlas/v2/orgs").await.status, 200);
    let settings = format!("/api/atlas/v2/orgs/{org}/settings");
    let on = admin
        .patch(&settings, json!({"apiAccessListRequired": true}))
        .await;
    assert_eq!(on.body["apiAccessListRequired"], true);
    let locked = open.get("/api/atlas/v2/orgs").await;
    assert_eq!(
        (locked.status, locked.error_code()),
        (403, "ORG_REQUIRES_ACCESS_LIST")
    );
    assert_eq!(
        admin
            .patch(&settings, json!({"apiAccessListRequired": false}))
            .await
            .status,
        200
    );

    // Editing access lists needs a caller that is behind one itself.
    let (_, unlisted_owner) = create_key(&admin, &org, "unlisted owner", &["ORG_OWNER"]).await;
    let refused = unlisted_owner
        .post(&access, json!([{"ipAddress": "192.0.2.1"}]))
        .await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (403, "RESOURCE_REQUIRES_ACCESS_LIST")
    );

    // The caller cannot remove the entry it is using: its key's, or its
    // service account's.
    let refused_and_kept = match admin.client_id() {
        None => {
            let own = format!(
                "{}/{}/accessList/{OUTSIDE_IP}",
                keys_path(&org),
                admin_key_id(&admin, &sandbox).await
            );
            let refused = admin.delete(&own).await;
            (refused, admin.get(&own).await.status)
        }
        Some(client_id) => {
            let list = format!("/api/atlas/v2/orgs/{org}/serviceAccounts/{client_id}/accessList");
            let refused = admin
                .versioned(Method::DELETE, &format!("{list}/{OUTSIDE_IP}"), None)
                .await;
            let kept = admin.versioned(Method::GET, &list, None).await;
            let still_there = kept.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|entry| entry["ipAddress"] == OUTSIDE_IP);
            (refused, if still_there { 200 } else { 404 })
        }
    };
    let (refused, kept) = refused_and_kept;
    assert_eq!(
        (refused.status, refused.error_code()),
        (400, "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST")
    );
    assert_eq!(kept, 200, "the entry is still there");
}

async fn admin_key_id(admin: &Client, sandbox: &atlas_sandbox::Sandbox) -> String {
    let status = admin.get("/api/atlas/v2").await;
    assert_eq!(
        status.body["apiKey"]["publicKey"],
        sandbox.admin().public_key.as_str()
    );
    status.body["apiKey"]["id"].as_str().unwrap().to_owned()
}

async fn project_keys_invitations_and_deletion(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let projects: Vec<String> = admin
        .get(&format!("/api/atlas/v2/orgs/{org}/groups"))
        .await
        .body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let (first, second) = (&projects[0], &projects[1]);

    // A project key: shown once, an ORG_MEMBER of the organization.
    let created = admin
        .post(
            &format!("/api/atlas/v2/groups/{first}/apiKeys"),
            json!({"desc": "project key", "roles": ["GROUP_READ_ONLY"]}),
        )
        .await;
    assert_eq!(created.status, 200);
    assert!(is_uuid(created.body["privateKey"].as_str().unwrap()));
    let project_key = created.body["id"].as_str().unwrap().to_owned();
    let described = admin
        .get(&format!("{}/{project_key}", keys_path(&org)))
        .await;
    assert!(is_redacted(described.body["privateKey"].as_str().unwrap()));
    let roles = &described.body["roles"];
    assert!(
        roles
            .as_array()
            .unwrap()
            .contains(&json!({"orgId": org, "roleName": "ORG_MEMBER"}))
    );

    // Invite an org key to another project, change its roles, list it there.
    let (org_key, _) = create_key(&admin, &org, "to invite", &["ORG_MEMBER"]).await;
    let member = format!("/api/atlas/v2/groups/{second}/apiKeys/{org_key}");
    let invited = admin
        .post(&member, json!([{"roles": ["GROUP_READ_ONLY"]}]))
        .await;
    assert_eq!(invited.status, 204);
    let changed = admin
        .patch(
            &member,
            json!({"roles": ["GROUP_OWNER", "GROUP_CLUSTER_MANAGER"]}),
        )
        .await;
    assert_eq!(changed.status, 200);
    let listed = admin
        .get(&format!("/api/atlas/v2/groups/{second}/apiKeys"))
        .await;
    let entry = listed.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == org_key.as_str())
        .unwrap()
        .clone();
    let names: Vec<&str> = entry["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ORG_MEMBER", "GROUP_OWNER", "GROUP_CLUSTER_MANAGER"]
    );

    // Remove it from the project; delete the project key from the organization.
    assert_eq!(admin.delete(&member).await.status, 204);
    assert_eq!(admin.delete(&member).await.status, 404);
    assert_eq!(
        admin
            .delete(&format!("{}/{project_key}", keys_path(&org)))
            .await
            .status,
        204
    );
    let left = admin
        .get(&format!("/api/atlas/v2/groups/{first}/apiKeys"))
        .await;
    assert!(
        left.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != project_key.as_str())
    );
}

async fn bad_input_is_refused_and_changes_nothing(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let before = key_count(&admin, &org).await;
    let keys = keys_path(&org);
    let long = "x".repeat(251);
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"desc": "", "roles": ["ORG_MEMBER"]}),
            "INVALID_ATTRIBUTE",
        ),
        (
            json!({"desc": long, "roles": ["ORG_MEMBER"]}),
            "INVALID_ATTRIBUTE",
        ),
        (json!({"desc": "x", "roles": []}), "INVALID_ATTRIBUTE"),
        (json!({"desc": "x"}), "MISSING_ATTRIBUTE"),
        (
            json!({"desc": "x", "roles": ["GROUP_OWNER"]}),
            "INVALID_ENUM_VALUE",
        ),
        (
            json!({"desc": 5, "roles": ["ORG_MEMBER"]}),
            "INVALID_ATTRIBUTE",
        ),
        (json!([1, 2]), "MALFORMED_JSON"),
    ];
    for (body, code) in cases {
        let answer = admin.post(&keys, body.clone()).await;
        assert_eq!((answer.status, answer.error_code()), (400, code), "{body}");
        assert_eq!(answer.headers["x-error-code"], code);
    }
    let malformed = admin
        .call(
            Method::POST,
            &keys,
            Some(Value::String("{\"desc\":".into())),
        )
        .await;
    assert_eq!(malformed.error_code(), "MALFORMED_JSON");
    assert_eq!(key_count(&admin, &org).await, before, "nothing was created");

    let (key_id, _) = create_key(&admin, &org, "list target", &["ORG_MEMBER"]).await;
    let access = format!("{keys}/{key_id}/accessList");
    let entries: Vec<(Value, &str)> = vec![
        (
            json!([{"ipAddress": "300.1.1.1"}]),
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
        ),
        (
            json!([{"cidrBlock": "192.0.2.1/24"}]),
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
        ),
        (
            json!([{"cidrBlock": "192.0.2.0/33"}]),
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
        ),
        (
            json!([{"ipAddress": "192.0.2.1", "cidrBlock": "192.0.2.0/24"}]),
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
        ),
        (
            json!([{"ipAddress": "192.0.2.9"}, {"cidrBlock": "192.0.2.9/32"}]),
            "DUPLICATE_ADDRESSES_IN_INPUT",
        ),
        (
            json!([{"ipAddress": "192.0.2.10"}, {"ipAddress": "nope"}]),
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
        ),
    ];
    for (body, code) in entries {
        let answer = admin.post(&access, body.clone()).await;
        assert_eq!((answer.status, answer.error_code()), (400, code), "{body}");
    }
    assert_eq!(
        admin.get(&access).await.body["totalCount"],
        0,
        "no entry of a refused request was added"
    );

    let ids: Vec<(String, u16, &str)> = vec![
        (format!("{keys}/gswvkocq"), 400, "PATH_PARAM_PARSE_ERROR"),
        (
            format!("{keys}/0123456789abcdef01234567"),
            404,
            "API_KEY_NOT_FOUND",
        ),
        (
            "/api/atlas/v2/orgs/0123456789abcdef01234567".to_owned(),
            404,
            "ORG_NOT_FOUND",
        ),
        (
            "/api/atlas/v2/groups/0123456789abcdef01234567".to_owned(),
            404,
            "GROUP_NOT_FOUND",
        ),
        (format!("{access}/192.0.2.200"), 404, "RESOURCE_NOT_FOUND"),
    ];
    for (path, status, code) in ids {
        let answer = admin.get(&path).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (status, code),
            "{path}"
        );
    }
}

async fn roles_are_required_as_the_spec_says(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (key_id, reader) = create_key(&admin, &org, "reader", &["ORG_READ_ONLY"]).await;
    let access = format!("{}/{key_id}/accessList", keys_path(&org));
    assert_eq!(
        admin
            .post(&access, json!([{"ipAddress": "127.0.0.1"}]))
            .await
            .status,
        200
    );
    assert_eq!(reader.get(&keys_path(&org)).await.status, 200);
    let refused = reader
        .post(
            &keys_path(&org),
            json!({"desc": "x", "roles": ["ORG_MEMBER"]}),
        )
        .await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (401, "USER_UNAUTHORIZED")
    );
    let refused = reader
        .patch(
            &format!("/api/atlas/v2/orgs/{org}/settings"),
            json!({"apiAccessListRequired": true}),
        )
        .await;
    assert_eq!(refused.status, 401);
}

async fn pages_have_links_counts_and_limits(admin_kind: AdminKind) {
    let sandbox = common::start_as(
        admin_kind,
        Config {
            seed: Seed::Scale {
                keys: 250,
                projects: 3,
                accounts: 0,
                events: 0,
            },
            ..Config::default()
        },
    )
    .await;
    let admin = Client::admin(&sandbox);
    let keys = keys_path(&sandbox.admin().org_id);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let answer = admin
            .get(&format!("{keys}?itemsPerPage=100&pageNum={page}"))
            .await;
        assert_eq!(answer.body["totalCount"], 251);
        let rels: Vec<&str> = answer.body["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].as_str().unwrap())
            .collect();
        let expected: &[&str] = match page {
            1 => &["self", "next"],
            2 => &["previous", "self", "next"],
            _ => &["previous", "self"],
        };
        assert_eq!(rels, expected);
        seen.extend(
            answer.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["publicKey"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(seen.len(), 251);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "pages are disjoint and in public-key order");
    let too_many = admin.get(&format!("{keys}?itemsPerPage=501")).await;
    assert_eq!(
        (too_many.status, too_many.error_code()),
        (400, "INVALID_QUERY_PARAMETER")
    );
    let without_count = admin.get(&format!("{keys}?includeCount=false")).await;
    assert!(without_count.body.get("totalCount").is_none());
}

async fn state_survives_a_restart_and_is_written_atomically(admin_kind: AdminKind) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let config = Config {
        state_file: Some(state.clone()),
        ..Config::default()
    };
    let sandbox = common::start_as(admin_kind, config.clone()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (key_id, _) = create_key(&admin, &org, "kept across restarts", &["ORG_MEMBER"]).await;
    let first_admin_secret = sandbox.admin().private_key.clone();
    let first_account_secret = sandbox.admin().client_secret.clone();
    sandbox.stop().await;

    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["sandbox.json"], "no temporary file is left behind");
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(
        !text.contains(&first_admin_secret),
        "no private key is written to the state file"
    );
    if let Some(secret) = &first_account_secret {
        assert!(
            !text.contains(secret.as_str()),
            "no client secret is written to the state file"
        );
    }
    #[cfg(unix)]
    {
        // It holds Digest HA1 values, as good as passwords.
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the state file is its user's alone");
    }

    let again = common::start_as(admin_kind, config).await;
    assert_ne!(
        again.admin().private_key,
        first_admin_secret,
        "the admin key gets a new secret"
    );
    if admin_kind == AdminKind::ServiceAccount {
        assert_ne!(
            again.admin().client_secret,
            first_account_secret,
            "the admin service account gets a new secret"
        );
    }
    let admin = Client::admin(&again);
    let kept = admin.get(&format!("{}/{key_id}", keys_path(&org))).await;
    assert_eq!(kept.body["desc"], "kept across restarts");
}

#[tokio::test]
async fn injected_faults_answer_or_reset_after_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let failing = common::start(Config {
        faults: "503=1".parse().unwrap(),
        ..Config::default()
    })
    .await;
    let answer = Client::admin(&failing)
        .call_unchecked(Method::GET, "/api/atlas/v2/orgs", None)
        .await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (503, "SERVICE_UNAVAILABLE")
    );
    assert_eq!(answer.headers["retry-after"], "1");

    // Half the requests are handled and then left unanswered.
    let resetting = common::start(Config {
        faults: "reset=0.5".parse().unwrap(),
        fault_seed: 11,
        state_file: Some(state.clone()),
        ..Config::default()
    })
    .await;
    let admin = resetting.admin().clone();
    let org = admin.org_id.clone();
    let session =
        diqwest::DigestAuthSession::new(admin.public_key.as_str(), admin.private_key.as_str());
    let http = reqwest::Client::new();
    let request = |method: Method, path: String, body: Option<Value>| {
        let mut builder = http
            .request(method, format!("{}{path}", admin.base_url))
            .header("accept", common::MEDIA_TYPE);
        if let Some(body) = body {
            builder = builder.body(body.to_string());
        }
        builder
    };
    // Warm the session (the challenge exchange may be reset too), so every
    // create below is one request that is handled before any reset.
    let mut warmed = false;
    for _ in 0..20 {
        let sent = diqwest::WithDigestAuth::send_digest_auth(
            &request(Method::GET, "/api/atlas/v2/orgs".into(), None),
            &session,
        )
        .await;
        if sent.is_ok_and(|response| response.status() == 200) {
            warmed = true;
            break;
        }
    }
    assert!(warmed, "no answer in 20 tries at a 50% reset rate");
    let mut lost = Vec::new();
    for attempt in 0..12 {
        let desc = format!("attempt {attempt}");
        let body = json!({"desc": desc, "roles": ["ORG_MEMBER"]});
        let sent = diqwest::WithDigestAuth::send_digest_auth(
            &request(Method::POST, keys_path(&org), Some(body)),
            &session,
        )
        .await;
        match sent {
            Ok(response) => assert_eq!(response.status(), 200),
            Err(_) => lost.push(desc),
        }
    }
    assert!(!lost.is_empty(), "seed 11 resets some of the creates");
    resetting.stop().await;

    // Every create happened exactly once, answered or not.
    let later = common::start(Config {
        state_file: Some(state),
        ..Config::default()
    })
    .await;
    let keys = Client::admin(&later)
        .get(&format!("{}?itemsPerPage=500", keys_path(&org)))
        .await;
    let descs: Vec<&str> = keys.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["desc"].as_str())
        .collect();
    for attempt in 0..12 {
        let desc = format!("attempt {attempt}");
        assert_eq!(
            descs.iter().filter(|d| **d == desc).count(),
            1,
            "{desc} (lost answers: {lost:?})"
        );
    }
}

async fn rate_limit_answers_429_with_retry_after(admin_kind: AdminKind) {
    let sandbox = common::start_as(
        admin_kind,
        Config {
            rate_limit: Some(3),
            ..Config::default()
        },
    )
    .await;
    let admin = Client::admin(&sandbox);
    for remaining in [2, 1, 0] {
        let answer = admin.get("/api/atlas/v2/orgs").await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.headers["ratelimit-limit"], "3");
        assert_eq!(
            answer.headers["ratelimit-remaining"],
            remaining.to_string().as_str()
        );
    }
    let limited = admin.get("/api/atlas/v2/orgs").await;
    assert_eq!(
        (limited.status, limited.error_code()),
        (429, "RATE_LIMITED")
    );
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn a_digest_session_costs_one_exchange_per_request_after_the_first() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let before = sandbox.exchanges();
    for _ in 0..20 {
        assert_eq!(admin.get("/api/atlas/v2/orgs").await.status, 200);
    }
    assert_eq!(sandbox.exchanges() - before, 21);
}

async fn garbage_never_gets_a_server_error(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    // Sent as raw bytes, so each reaches the handlers as it is.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let long_desc = format!(
        "{{\"desc\":\"{}\",\"roles\":[\"ORG_MEMBER\"]}}",
        "x".repeat(100_000)
    );
    let bodies: Vec<Vec<u8>> = [
        "",
        "null",
        "[]",
        "{}",
        "[{}]",
        "\"text\"",
        "{",
        "[{\"ipAddress\":",
        "{\"desc\":null,\"roles\":null}",
        "{\"desc\":\"d\",\"roles\":[\"ORG_MEMBER\"],\"desc\":7}",
        "[{\"roles\":[1]}]",
        "{\"roles\":{\"a\":1}}",
        "{\"roles\":\"ORG_OWNER\",\"desc\":[]}",
        "[{\"ipAddress\":[]}]",
        "[{\"ipAddress\":\"10.0.0.1\",\"cidrBlock\":\"10.0.0.0/8\"}]",
        "[{\"cidrBlock\":\"10.0.0.0/99\"}]",
        "{\"apiAccessListRequired\":\"yes\"}",
        "{\"apiAccessListRequired\":1e999}",
        "{\"maxServiceAccountSecretValidityInHours\":1e99}",
        "{\"maxServiceAccountSecretValidityInHours\":-99999999999999999999999}",
        "\u{0}\u{1}",
        "\u{feff}{}",
    ]
    .iter()
    .map(|body| body.as_bytes().to_vec())
    .chain([
        vec![0xff, 0xfe, 0x7b, 0x7d],
        b"{\"desc\":\"\xc3\x28\"}".to_vec(),
        deep.into_bytes(),
        long_desc.into_bytes(),
    ])
    .collect();
    let paths = [
        keys_path(&org),
        format!("{}/6a790c000000000000000008", keys_path(&org)),
        format!("{}/6a790c000000000000000008/accessList", keys_path(&org)),
        format!(
            "{}/6a790c000000000000000008/accessList/%ZZ",
            keys_path(&org)
        ),
        format!("/api/atlas/v2/orgs/{org}/settings"),
        "/api/atlas/v2/groups".to_owned(),
        "/api/atlas/v2/groups/6a790b000000000000000003/apiKeys/6a790c000000000000000008".to_owned(),
        "/api/atlas/v2/groups/byName/%E2%9C%93".to_owned(),
        "/api/atlas/v2/nowhere".to_owned(),
        format!("{}?pageNum=-1&itemsPerPage=abc", keys_path(&org)),
    ];
    // The bytes reach the handlers as sent: a valid body creates a key.
    let created = admin
        .call_raw(
            Method::POST,
            &keys_path(&org),
            Some(br#"{"desc":"sent raw","roles":["ORG_MEMBER"]}"#.to_vec()),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PATCH, Method::DELETE] {
            for body in &bodies {
                let answer = admin
                    .call_raw(method.clone(), path, Some(body.clone()))
                    .await;
                let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
                assert!(
                    answer.status < 500,
                    "{method} {path} {shown:?}: {} {}",
                    answer.status,
                    answer.body
                );
            }
        }
    }
}

#[tokio::test]
async fn a_large_body_is_read_only_for_a_key_holder() {
    let sandbox = common::demo().await;
    let org = sandbox.admin().org_id.clone();
    let url = format!("{}{}", sandbox.base_url(), keys_path(&org));
    let large = vec![b' '; 1024 * 1024];

    // No credentials: challenged at once, and the connection ends there
    // instead of the megabyte being read.
    let anonymous = reqwest::Client::new()
        .post(&url)
        .header("accept", common::MEDIA_TYPE)
        .header("content-type", common::MEDIA_TYPE)
        .body(large.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    assert_eq!(anonymous.headers()["connection"], "close");

    // A Digest client's first request carries its body before it has a
    // challenge; with the answer to it, the same body is read and handled.
    let body = format!(
        "{{\"desc\":\"{}\",\"roles\":[\"ORG_MEMBER\"]}}",
        "x".repeat(100_000)
    );
    let fresh = Client::admin(&sandbox);
    let answer = fresh
        .call_raw(Method::POST, &keys_path(&org), Some(body.into_bytes()))
        .await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (400, "INVALID_ATTRIBUTE"),
        "{answer:?}"
    );
}

for_both_admins!(
    access_lists_and_the_org_requirement_are_enforced,
    project_keys_invitations_and_deletion,
    bad_input_is_refused_and_changes_nothing,
    roles_are_required_as_the_spec_says,
    pages_have_links_counts_and_limits,
    state_survives_a_restart_and_is_written_atomically,
    rate_limit_answers_429_with_retry_after,
    garbage_never_gets_a_server_error,
    delegated_access_is_served_as_the_spec_says,
);

async fn delegation(
    client: &Client,
    org: &str,
    method: Method,
    body: Option<Value>,
) -> common::Answer {
    let path = format!("/api/atlas/v2/orgs/{org}/delegationSettings");
    client
        .checked_in(common::DELEGATION_MEDIA_TYPE, method, &path, body)
        .await
}

/// `GET|PATCH /orgs/{orgId}/delegationSettings` in version 2025-03-12: the
/// defaults, a change of only what is sent, `null` back to the default, the
/// spec's enums and ranges, the roles, and one event per change.
async fn delegated_access_is_served_as_the_spec_says(admin_kind: AdminKind) {
    let sandbox = common::start_as(
        admin_kind,
        Config {
            seed: Seed::Empty,
            ..Config::default()
        },
    )
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let path = format!("/api/atlas/v2/orgs/{org}/delegationSettings");
    let updates = || async {
        let events = admin
            .get(&format!(
                "/api/atlas/v2/orgs/{org}/events?eventType=ORG_DELEGATION_SETTINGS_UPDATED"
            ))
            .await;
        events.body["results"].as_array().expect("results").len()
    };

    let fresh = delegation(&admin, &org, Method::GET, None).await;
    assert_eq!(fresh.status, 200, "{:?}", fresh.body);
    assert_eq!(
        fresh.body,
        json!({"delegatedMcpAccess": "DISALLOWED", "delegatedPartnerAccess": "DISALLOWED",
               "maximumRefreshTokenLifetime": null, "idleRefreshTokenLifetime": null})
    );

    let changed = delegation(
        &admin,
        &org,
        Method::PATCH,
        Some(json!({"delegatedMcpAccess": "READ_ONLY", "maximumRefreshTokenLifetime": 86_400})),
    )
    .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.body["delegatedMcpAccess"], "READ_ONLY");
    assert_eq!(changed.body["delegatedPartnerAccess"], "DISALLOWED");
    assert_eq!(changed.body["maximumRefreshTokenLifetime"], 86_400);
    assert_eq!(updates().await, 1);

    // The same again changes nothing and records nothing.
    let same = delegation(
        &admin,
        &org,
        Method::PATCH,
        Some(json!({"delegatedMcpAccess": "READ_ONLY"})),
    )
    .await;
    assert_eq!(same.status, 200);
    assert_eq!(updates().await, 1);

    let reset = delegation(
        &admin,
        &org,
        Method::PATCH,
        Some(json!({"maximumRefreshTokenLifetime": null, "delegatedPartnerAccess": "READ_WRITE"})),
    )
    .await;
    assert_eq!(reset.status, 200, "{:?}", reset.body);
    assert_eq!(reset.body["maximumRefreshTokenLifetime"], Value::Null);
    assert_eq!(reset.body["delegatedPartnerAccess"], "READ_WRITE");
    assert_eq!(
        reset.body["delegatedMcpAccess"], "READ_ONLY",
        "left as it was"
    );
    assert_eq!(updates().await, 2);

    for (body, code) in [
        (
            json!({"delegatedMcpAccess": "EVERYTHING"}),
            "INVALID_ENUM_VALUE",
        ),
        (
            json!({"delegatedPartnerAccess": "READ_ONLY"}),
            "INVALID_ENUM_VALUE",
        ),
        (json!({"idleRefreshTokenLifetime": 0}), "INVALID_ATTRIBUTE"),
        (
            json!({"idleRefreshTokenLifetime": 31_536_001}),
            "INVALID_ATTRIBUTE",
        ),
        (
            json!({"maximumRefreshTokenLifetime": "1 day"}),
            "INVALID_ATTRIBUTE",
        ),
        (json!({"bogus": true}), "INVALID_ATTRIBUTE"),
    ] {
        let refused = delegation(&admin, &org, Method::PATCH, Some(body.clone())).await;
        assert_eq!(
            (refused.status, refused.error_code()),
            (400, code),
            "{body}"
        );
    }
    let wrong_version = admin
        .call_in(Method::GET, &path, None, common::MEDIA_TYPE)
        .await;
    assert_eq!(
        (wrong_version.status, wrong_version.error_code()),
        (406, "INVALID_VERSION_DATE")
    );

    // Organization Member reads; only Organization Owner changes.
    let (_, member) = create_key(&admin, &org, "member", &["ORG_MEMBER"]).await;
    assert_eq!(
        delegation(&member, &org, Method::GET, None).await.status,
        200
    );
    let refused = delegation(
        &member,
        &org,
        Method::PATCH,
        Some(json!({"delegatedMcpAccess": "DISALLOWED"})),
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (401, "USER_UNAUTHORIZED")
    );
    let after = delegation(&admin, &org, Method::GET, None).await;
    assert_eq!(after.body, reset.body, "nothing refused changed anything");
    assert_eq!(updates().await, 2);
    sandbox.stop().await;
}

/// The demo's first organization lets MCP clients read and write.
#[tokio::test]
async fn the_demo_lets_mcp_clients_read_and_write() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let answer = admin
        .checked_in(
            common::DELEGATION_MEDIA_TYPE,
            Method::GET,
            &format!("/api/atlas/v2/orgs/{org}/delegationSettings"),
            None,
        )
        .await;
    assert_eq!(answer.body["delegatedMcpAccess"], "READ_WRITE");
    assert_eq!(answer.body["delegatedPartnerAccess"], "DISALLOWED");
    sandbox.stop().await;
}

/// The sandbox refuses what the spec refuses, as Atlas does, before acting:
/// an unknown attribute, a wrong type, a number out of range, a wrong version.
#[tokio::test]
async fn a_request_the_spec_refuses_is_refused_before_anything_changes() {
    let sandbox = common::start(Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let keys = keys_path(&org);
    let before = key_count(&admin, &org).await;
    let checked = sandbox.requests_checked();

    let bogus = admin
        .post(
            &keys,
            json!({"desc": "x", "roles": ["ORG_MEMBER"], "bogus": 1}),
        )
        .await;
    assert_eq!(
        (bogus.status, bogus.error_code()),
        (400, "INVALID_ATTRIBUTE")
    );
    assert_eq!(bogus.body["detail"], "Invalid attribute bogus specified.");
    assert_eq!(bogus.body["parameters"], json!(["bogus"]));

    let (key_id, _) = create_key(&admin, &org, "spec target", &["ORG_MEMBER"]).await;
    let wrong_type = admin
        .call(
            Method::PATCH,
            &format!("{keys}/{key_id}"),
            Some(json!({"desc": ["x"]})),
        )
        .await;
    assert_eq!(
        (wrong_type.status, wrong_type.error_code()),
        (400, "INVALID_ATTRIBUTE")
    );
    assert_eq!(wrong_type.body["parameters"], json!(["desc"]));

    let out_of_range = admin.get(&format!("{keys}?itemsPerPage=501")).await;
    assert_eq!(
        (out_of_range.status, out_of_range.error_code()),
        (400, "INVALID_QUERY_PARAMETER")
    );

    let wrong_version = admin
        .call_in(Method::GET, &keys, None, common::SERVICE_ACCOUNT_MEDIA_TYPE)
        .await;
    assert_eq!(
        (wrong_version.status, wrong_version.error_code()),
        (406, "INVALID_VERSION_DATE")
    );

    assert_eq!(
        key_count(&admin, &org).await,
        before + 1,
        "only the valid key was made"
    );
    assert!(sandbox.requests_checked() > checked);
    assert_eq!(
        sandbox.requests_refused(),
        3,
        "the version is refused before"
    );
}
