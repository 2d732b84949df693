//! The sandbox answers the requests of `tests/fixtures/atlas-api/recorded/` the way
//! Atlas did: same status, content type, JSON keys (recursively, in the same
//! order) and the same redaction of private keys.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use atlas_sandbox::AdminKind;
use common::{Client, is_redacted, is_uuid};
use reqwest::Method;
use serde_json::{Value, json};

/// One recorded exchange: status, headers and body.
struct Recorded {
    status: u16,
    content_type: String,
    body: Value,
}

fn read_recorded(path: &Path) -> Recorded {
    let text = std::fs::read_to_string(path).expect("recorded file");
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))
        .unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let content_type = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.trim().to_owned())
        .unwrap_or_default();
    let body = if body.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body.trim()).expect("recorded body is JSON")
    };
    Recorded {
        status,
        content_type,
        body,
    }
}

/// The shape of a JSON value: object keys in order, arrays as the union of
/// their items' shapes.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Array(
            map.iter()
                .map(|(key, value)| json!([key, shape(value)]))
                .collect(),
        ),
        Value::Array(items) => {
            let mut keys: BTreeSet<String> = BTreeSet::new();
            for item in items {
                if let Value::Object(map) = item {
                    keys.extend(map.keys().cloned());
                }
            }
            json!({ "array of objects with keys": keys })
        }
        _ => Value::Null,
    }
}

fn all_recorded_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("recorded dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            all_recorded_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "http") {
            found.push(path);
        }
    }
}

fn compare(name: &str, recorded: &Recorded, answer: &common::Answer) {
    assert_eq!(answer.status, recorded.status, "{name}: status");
    if recorded.status < 300 {
        assert_eq!(
            answer.content_type(),
            recorded.content_type,
            "{name}: content type"
        );
        assert!(
            answer.headers.contains_key("ratelimit-limit"),
            "{name}: RateLimit-Limit"
        );
        assert!(
            answer.headers.contains_key("ratelimit-remaining"),
            "{name}: RateLimit-Remaining"
        );
    }
    assert_eq!(
        shape(&answer.body),
        shape(&recorded.body),
        "{name}: JSON keys\nours: {}",
        answer.body
    );
    // Redaction: a create shows the whole key once; every other read, the redacted form.
    let private_keys = |body: &Value| -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(key) = body["privateKey"].as_str() {
            keys.push(key.to_owned());
        }
        for item in body["results"].as_array().into_iter().flatten() {
            if let Some(key) = item["privateKey"].as_str() {
                keys.push(key.to_owned());
            }
        }
        keys
    };
    for (ours, theirs) in private_keys(&answer.body)
        .iter()
        .zip(private_keys(&recorded.body).iter())
    {
        assert_eq!(
            is_redacted(ours),
            is_redacted(theirs),
            "{name}: redaction of {ours} vs {theirs}"
        );
        assert_eq!(
            is_uuid(ours),
            is_uuid(theirs),
            "{name}: unredacted form of {ours} vs {theirs}"
        );
    }
}

async fn every_recorded_exchange_is_answered_alike(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, atlas_sandbox::Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let root = common::fixtures_dir().join("recorded");
    let keys_path = format!("/api/atlas/v2/orgs/{org}/apiKeys");
    let mut covered: Vec<PathBuf> = Vec::new();
    let mut check = |file: &str, answer: &common::Answer| {
        let path = root.join(file);
        compare(file, &read_recorded(&path), answer);
        covered.push(path);
    };

    // TestAtlasOrgs
    check(
        "TestAtlasOrgs/List/GET_api_atlas_v2_orgs_1.http",
        &admin.get("/api/atlas/v2/orgs").await,
    );
    check(
        "TestAtlasOrgs/Describe/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_1.http",
        &admin.get(&format!("/api/atlas/v2/orgs/{org}")).await,
    );

    // TestAtlasOrgAPIKeys: create, list, describe, update, delete.
    let dir = "TestAtlasOrgAPIKeys";
    let created = admin
        .post(
            &keys_path,
            json!({"desc": "e2e-test-atlas-org", "roles": ["ORG_READ_ONLY"]}),
        )
        .await;
    check(
        &format!("{dir}/Create/POST_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_1.http"),
        &created,
    );
    let key_id = created.body["id"].as_str().expect("id").to_owned();
    let key_path = format!("{keys_path}/{key_id}");
    let listed = admin.get(&keys_path).await;
    check(
        &format!("{dir}/List/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_1.http"),
        &listed,
    );
    check(
        &format!(
            "{dir}/List_Compact/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_1.http"
        ),
        &listed,
    );
    let update = admin
        .patch(&key_path, json!({"desc": "e2e-test-atlas-org-updated"}))
        .await;
    check(
        &format!(
            "{dir}/Update/PATCH_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_6a793f752c88faeba59bba49_1.http"
        ),
        &update,
    );
    check(
        &format!(
            "{dir}/Describe/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_6a793f752c88faeba59bba49_1.http"
        ),
        &admin.get(&key_path).await,
    );
    check(
        &format!(
            "{dir}/Delete/DELETE_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_6a793f752c88faeba59bba49_1.http"
        ),
        &admin.delete(&key_path).await,
    );

    // TestAtlasOrgAPIKeyAccessList: a helper key, its entries, the current IP.
    let dir = "TestAtlasOrgAPIKeyAccessList";
    let helper = admin
        .post(
            &keys_path,
            json!({"desc": "e2e-test-helper", "roles": ["ORG_READ_ONLY"]}),
        )
        .await;
    check(
        &format!("{dir}/POST_api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_1.http"),
        &helper,
    );
    let helper_path = format!("{keys_path}/{}", helper.body["id"].as_str().expect("id"));
    let access_path = format!("{helper_path}/accessList");
    let prefix = "api_atlas_v2_orgs_a0123456789abcdef012345a_apiKeys_6a793f5d2c88faeba59ba528";
    check(
        &format!("{dir}/Create/POST_{prefix}_accessList_1.http"),
        &admin
            .post(&access_path, json!([{"ipAddress": "192.168.0.229"}]))
            .await,
    );
    check(
        &format!("{dir}/List/GET_{prefix}_accessList_1.http"),
        &admin.get(&access_path).await,
    );
    check(
        &format!("{dir}/Delete/DELETE_{prefix}_accessList_192.168.0.229_1.http"),
        &admin.delete(&format!("{access_path}/192.168.0.229")).await,
    );
    let ipinfo = admin
        .call_unchecked(Method::GET, "/api/private/ipinfo", None)
        .await;
    check(
        &format!("{dir}/Create_Current_IP/GET_api_private_ipinfo_1.http"),
        &ipinfo,
    );
    let current_ip = ipinfo.body["currentIpv4Address"]
        .as_str()
        .expect("current IP")
        .to_owned();
    check(
        &format!("{dir}/Create_Current_IP/POST_{prefix}_accessList_1.http"),
        &admin
            .post(&access_path, json!([{"ipAddress": current_ip}]))
            .await,
    );
    check(
        &format!("{dir}/Delete_01/DELETE_{prefix}_accessList_52.190.182.226_1.http"),
        &admin.delete(&format!("{access_path}/{current_ip}")).await,
    );
    check(
        &format!("{dir}/DELETE_{prefix}_1.http"),
        &admin.delete(&helper_path).await,
    );

    // Every recording is compared: a new one must be added above.
    let mut all = Vec::new();
    all_recorded_files(&root, &mut all);
    all.sort();
    covered.sort();
    assert_eq!(covered, all, "recorded files not compared");
    sandbox.stop().await;
}

for_both_admins!(every_recorded_exchange_is_answered_alike);
