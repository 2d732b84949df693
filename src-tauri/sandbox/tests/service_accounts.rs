//! Service accounts and OAuth against the sandbox over HTTP: Atlas's rules
//! for accounts, secrets and access lists, the token endpoint, and Bearer
//! tokens held to the same roles and access lists as Digest keys.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

#[macro_use]
mod common;

use atlas_sandbox::{AdminKind, Config, Sandbox};
use chrono::{DateTime, Utc};
use common::{Answer, Client, SERVICE_ACCOUNT_MEDIA_TYPE};
use reqwest::Method;
use serde_json::{Value, json};

fn accounts_path(org: &str) -> String {
    format!("/api/atlas/v2/orgs/{org}/serviceAccounts")
}

/// Creates an organization service account; answers its client id and first secret.
async fn create_account(admin: &Client, org: &str, name: &str, roles: &[&str]) -> (String, String) {
    let created = admin
        .versioned(
            Method::POST,
            &accounts_path(org),
            Some(json!({
                "name": name,
                "description": "made by a test",
                "roles": roles,
                "secretExpiresAfterHours": 24,
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let client_id = created.body["clientId"].as_str().unwrap().to_owned();
    let secret = created.body["secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    (client_id, secret)
}

/// `POST /api/oauth/token` as curl sends it: Basic auth and a form body.
async fn token_answer(sandbox: &Sandbox, client_id: &str, secret: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", sandbox.base_url()))
        .basic_auth(client_id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    Answer::read(response).await
}

async fn token(sandbox: &Sandbox, client_id: &str, secret: &str) -> String {
    let answer = token_answer(sandbox, client_id, secret).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 3600);
    answer.body["access_token"].as_str().unwrap().to_owned()
}

async fn bearer(sandbox: &Sandbox, token: &str, method: Method, path: &str, media: &str) -> Answer {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", sandbox.base_url()))
        .bearer_auth(token)
        .header("accept", media)
        .send()
        .await
        .unwrap();
    Answer::read(response).await
}

fn time(text: &Value) -> DateTime<Utc> {
    text.as_str().unwrap().parse().unwrap()
}

async fn an_account_is_created_with_its_secret_shown_once(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "ci deploy", &["ORG_MEMBER"]).await;
    assert!(
        client_id.starts_with("mdb_sa_id_") && client_id.len() == 34,
        "{client_id}"
    );
    assert!(secret.starts_with("mdb_sa_sk_"), "{secret}");

    let read = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["name"], "ci deploy");
    assert_eq!(read.body["roles"], json!(["ORG_MEMBER"]));
    let shown = &read.body["secrets"][0];
    assert!(
        shown.get("secret").is_none(),
        "the value is shown only once"
    );
    assert!(
        shown["maskedSecretValue"]
            .as_str()
            .unwrap()
            .ends_with(&secret[secret.len() - 4..])
    );
    assert!(!read.body.to_string().contains(&secret));
    let lifetime = time(&shown["expiresAt"]) - time(&shown["createdAt"]);
    assert_eq!(lifetime.num_hours(), 24);

    let listed = admin
        .versioned(Method::GET, &accounts_path(&org), None)
        .await;
    assert!(
        listed.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|account| account["clientId"] == client_id.as_str())
    );

    let updated = admin
        .versioned(
            Method::PATCH,
            &format!("{}/{client_id}", accounts_path(&org)),
            Some(json!({ "name": "ci deploy, prod", "roles": ["ORG_READ_ONLY"] })),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["roles"], json!(["ORG_READ_ONLY"]));

    let deleted = admin
        .versioned(
            Method::DELETE,
            &format!("{}/{client_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    let gone = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(
        (gone.status, gone.error_code()),
        (404, "SERVICE_ACCOUNT_NOT_FOUND")
    );
}

async fn atlas_rules_for_names_roles_and_secret_lifetimes(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let base = json!({
        "name": "valid",
        "description": "valid",
        "roles": ["ORG_MEMBER"],
        "secretExpiresAfterHours": 24,
    });
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let refused = [
        with("name", json!("x".repeat(65))),
        with("name", json!("")),
        with("name", json!("semi;colon")),
        // The spec's \p{L}\p{N}: a combining vowel sign is neither.
        with("name", json!("सेवा")),
        with("description", json!("d".repeat(251))),
        with("roles", json!([])),
        with("roles", json!(["GROUP_OWNER"])),
        with("secretExpiresAfterHours", json!(7)),
        with("secretExpiresAfterHours", json!(8761)),
        with("secretExpiresAfterHours", json!("24")),
    ];
    for body in refused {
        let answer = admin
            .versioned(Method::POST, &accounts_path(&org), Some(body.clone()))
            .await;
        assert_eq!(answer.status, 400, "{body} → {:?}", answer.body);
    }
    // The organization's own maximum bounds the lifetime.
    let settings = admin
        .patch(
            &format!("/api/atlas/v2/orgs/{org}/settings"),
            json!({ "maxServiceAccountSecretValidityInHours": 48 }),
        )
        .await;
    assert_eq!(settings.status, 200, "{:?}", settings.body);
    let too_long = admin
        .versioned(
            Method::POST,
            &accounts_path(&org),
            Some(with("secretExpiresAfterHours", json!(49))),
        )
        .await;
    assert_eq!(
        (too_long.status, too_long.error_code()),
        (400, "INVALID_SERVICE_ACCOUNT_SECRET_EXPIRATION")
    );
    let longest = admin
        .versioned(
            Method::POST,
            &accounts_path(&org),
            Some(with("secretExpiresAfterHours", json!(48))),
        )
        .await;
    assert_eq!(longest.status, 201);

    // These endpoints exist only in their own version.
    let old_version = admin.get(&accounts_path(&org)).await;
    assert_eq!(
        (old_version.status, old_version.error_code()),
        (406, "INVALID_VERSION_DATE")
    );
}

async fn a_second_secret_cuts_the_first_to_a_week_and_a_third_is_refused(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, _) = create_account(&admin, &org, "rotating", &["ORG_MEMBER"]).await;
    let secrets = format!("{}/{client_id}/secrets", accounts_path(&org));
    // A first secret that would live a year.
    let account_path = format!("{}/{client_id}", accounts_path(&org));
    let first_id = admin.versioned(Method::GET, &account_path, None).await.body["secrets"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    admin
        .versioned(Method::DELETE, &format!("{secrets}/{first_id}"), None)
        .await;
    let long = admin
        .versioned(
            Method::POST,
            &secrets,
            Some(json!({ "secretExpiresAfterHours": 8760 })),
        )
        .await;
    assert_eq!(long.status, 201, "{:?}", long.body);
    assert!(
        long.body["secret"]
            .as_str()
            .unwrap()
            .starts_with("mdb_sa_sk_")
    );

    let second = admin
        .versioned(
            Method::POST,
            &secrets,
            Some(json!({ "secretExpiresAfterHours": 720 })),
        )
        .await;
    assert_eq!(second.status, 201);
    let read = admin.versioned(Method::GET, &account_path, None).await;
    let old = read.body["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|secret| secret["id"] == long.body["id"])
        .unwrap();
    let left = time(&old["expiresAt"]) - Utc::now();
    assert!(
        left <= chrono::Duration::days(7) && left > chrono::Duration::days(6),
        "the old secret now ends within a week: {left}"
    );

    let third = admin
        .versioned(
            Method::POST,
            &secrets,
            Some(json!({ "secretExpiresAfterHours": 24 })),
        )
        .await;
    assert_eq!(
        (third.status, third.error_code()),
        (400, "SERVICE_ACCOUNT_MAX_SECRETS_REACHED")
    );
}

#[tokio::test]
async fn a_token_works_like_a_key_and_dies_with_its_secret() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "owner bot", &["ORG_OWNER"]).await;

    let wrong = token_answer(&sandbox, &client_id, "mdb_sa_sk_wrong").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body["error"], "invalid_client");

    let token = token(&sandbox, &client_id, &secret).await;
    let orgs = bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(orgs.status, 200, "{:?}", orgs.body);
    assert!(
        orgs.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == org.as_str())
    );
    // An Organization Owner account manages API keys too.
    let keys = bearer(
        &sandbox,
        &token,
        Method::GET,
        &format!("/api/atlas/v2/orgs/{org}/apiKeys"),
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(keys.status, 200);
    // No Digest challenge: one exchange per call.
    let before = sandbox.exchanges();
    bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(sandbox.exchanges() - before, 1);

    // The secret's use is recorded.
    let read = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert!(read.body["secrets"][0]["lastUsedAt"].is_string());

    // Deleting the secret refuses its token at once.
    let secret_id = read.body["secrets"][0]["id"].as_str().unwrap().to_owned();
    let deleted = admin
        .versioned(
            Method::DELETE,
            &format!("{}/{client_id}/secrets/{secret_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    let refused = bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(refused.status, 401);
    let again = token_answer(&sandbox, &client_id, &secret).await;
    assert_eq!(
        (again.status, again.body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

async fn a_member_account_cannot_manage_keys(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "reader", &["ORG_MEMBER"]).await;
    let token = token(&sandbox, &client_id, &secret).await;
    let create = reqwest::Client::new()
        .post(format!(
            "{}/api/atlas/v2/orgs/{org}/apiKeys",
            sandbox.base_url()
        ))
        .bearer_auth(&token)
        .header("accept", common::MEDIA_TYPE)
        .header("content-type", common::MEDIA_TYPE)
        .body(json!({ "desc": "nope", "roles": ["ORG_MEMBER"] }).to_string())
        .send()
        .await
        .unwrap();
    let answer = Answer::read(create).await;
    assert_eq!(
        (answer.status, answer.error_code()),
        (401, "USER_UNAUTHORIZED")
    );
}

#[tokio::test]
async fn the_token_endpoint_limits_requests_and_live_tokens() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "eager", &["ORG_MEMBER"]).await;
    for _ in 0..10 {
        token(&sandbox, &client_id, &secret).await;
    }
    let limited = token_answer(&sandbox, &client_id, &secret).await;
    assert_eq!(
        (limited.status, limited.error_code()),
        (429, "RATE_LIMITED")
    );
    assert!(limited.headers.contains_key("retry-after"));

    // With the per-minute limit out of the way, the 101st live token is refused.
    let roomy = common::start(Config {
        token_requests_per_minute: 1_000,
        ..Config::default()
    })
    .await;
    let admin = Client::admin(&roomy);
    let org = roomy.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "hoarder", &["ORG_MEMBER"]).await;
    for _ in 0..100 {
        token(&roomy, &client_id, &secret).await;
    }
    let refused = token_answer(&roomy, &client_id, &secret).await;
    assert_eq!(
        (refused.status, refused.body["error"].as_str()),
        (403, Some("access_denied"))
    );
}

#[tokio::test]
async fn a_revoked_or_expired_token_is_refused() {
    let sandbox = common::start(Config {
        token_lifetime: std::time::Duration::from_secs(1),
        ..Config::default()
    })
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "brief", &["ORG_MEMBER"]).await;
    let answer = token_answer(&sandbox, &client_id, &secret).await;
    assert_eq!(answer.body["expires_in"], 1);
    let short = answer.body["access_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let expired = bearer(
        &sandbox,
        &short,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(expired.status, 401);

    let answer = token_answer(&sandbox, &client_id, &secret).await;
    let live = answer.body["access_token"].as_str().unwrap().to_owned();
    let revoked = reqwest::Client::new()
        .post(format!("{}/api/oauth/revoke", sandbox.base_url()))
        .basic_auth(&client_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={live}&token_type_hint=access_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let refused = bearer(
        &sandbox,
        &live,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(refused.status, 401);
}

async fn an_accounts_access_list_is_checked_when_its_token_is_used(admin_kind: AdminKind) {
    let sandbox = common::start_as(
        admin_kind,
        Config {
            apparent_ip: Some("198.51.100.7".parse().unwrap()),
            ..Config::default()
        },
    )
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "listed", &["ORG_OWNER"]).await;
    let access = format!("{}/{client_id}/accessList", accounts_path(&org));

    // At most 200 entries a request.
    let many: Vec<Value> = (0..201)
        .map(|n| json!({ "ipAddress": format!("10.0.{}.{}", n / 250, n % 250) }))
        .collect();
    let too_many = admin
        .versioned(Method::POST, &access, Some(Value::Array(many)))
        .await;
    assert_eq!(too_many.status, 400);

    // Only another address: the token is refused when used, not when made.
    let added = admin
        .versioned(
            Method::POST,
            &access,
            Some(json!([{ "cidrBlock": "203.0.113.0/24" }])),
        )
        .await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    let token = token(&sandbox, &client_id, &secret).await;
    let refused = bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (403, "IP_ADDRESS_NOT_ON_ACCESS_LIST")
    );

    // With this computer's address it passes, and the entry counts the use.
    admin
        .versioned(
            Method::POST,
            &access,
            Some(json!([{ "ipAddress": "198.51.100.7" }])),
        )
        .await;
    let allowed = bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(allowed.status, 200);
    let listed = admin.versioned(Method::GET, &access, None).await;
    let entry = listed.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["ipAddress"] == "198.51.100.7")
        .unwrap()
        .clone();
    assert_eq!(entry["requestCount"], 1);
    assert_eq!(entry["lastUsedAddress"], "198.51.100.7");

    // The account cannot remove the entry it is let in by; a block goes by
    // its URL-encoded form.
    let own = bearer(
        &sandbox,
        &token,
        Method::DELETE,
        &format!("{access}/198.51.100.7"),
        SERVICE_ACCOUNT_MEDIA_TYPE,
    )
    .await;
    assert_eq!(
        (own.status, own.error_code()),
        (400, "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST")
    );
    let block = admin
        .versioned(Method::DELETE, &format!("{access}/203.0.113.0%2F24"), None)
        .await;
    assert_eq!(block.status, 204);
}

async fn an_organization_that_requires_a_list_refuses_an_account_without_one(
    admin_kind: AdminKind,
) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "unlisted", &["ORG_MEMBER"]).await;
    let token = token(&sandbox, &client_id, &secret).await;
    let required = admin
        .patch(
            &format!("/api/atlas/v2/orgs/{org}/settings"),
            json!({ "apiAccessListRequired": true }),
        )
        .await;
    assert_eq!(required.status, 200);
    let refused = bearer(
        &sandbox,
        &token,
        Method::GET,
        "/api/atlas/v2/orgs",
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(
        (refused.status, refused.error_code()),
        (403, "ORG_REQUIRES_ACCESS_LIST")
    );
}

#[tokio::test]
async fn no_secret_or_token_reaches_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let sandbox = common::start(Config {
        state_file: Some(state.clone()),
        ..Config::default()
    })
    .await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let (client_id, secret) = create_account(&admin, &org, "kept", &["ORG_MEMBER"]).await;
    let token = token(&sandbox, &client_id, &secret).await;
    sandbox.stop().await;
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains(&client_id), "the account is kept");
    assert!(!text.contains(&secret), "the secret's value is not");
    assert!(!text.contains(&token), "nor is a token");

    // The account and its secret survive a restart: the secret still gets a token.
    let again = common::start(Config {
        state_file: Some(state),
        ..Config::default()
    })
    .await;
    let answer = token_answer(&again, &client_id, &secret).await;
    assert_eq!(answer.status, 200);
}

async fn accounts_are_invited_to_projects_and_made_in_them(admin_kind: AdminKind) {
    let sandbox = common::start_as(admin_kind, Config::default()).await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let project = sandbox.admin().project_ids[0].clone();
    let in_project = format!("/api/atlas/v2/groups/{project}/serviceAccounts");
    let (client_id, _) = create_account(&admin, &org, "invited", &["ORG_MEMBER"]).await;

    let invited = admin
        .versioned(
            Method::POST,
            &format!("{in_project}/{client_id}:invite"),
            Some(json!({ "roles": ["GROUP_READ_ONLY"] })),
        )
        .await;
    assert_eq!(invited.status, 200, "{:?}", invited.body);
    assert_eq!(invited.body["roles"], json!(["GROUP_READ_ONLY"]));
    let groups = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}/groups", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(
        groups.body["results"],
        json!([{ "groupId": project, "roles": ["GROUP_READ_ONLY"] }])
    );
    let listed = admin.versioned(Method::GET, &in_project, None).await;
    assert!(
        listed.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|account| account["clientId"] == client_id.as_str())
    );
    let changed = admin
        .versioned(
            Method::PATCH,
            &format!("{in_project}/{client_id}"),
            Some(json!({ "roles": ["GROUP_OWNER"] })),
        )
        .await;
    assert_eq!(changed.body["roles"], json!(["GROUP_OWNER"]));

    // Removing it from the project leaves the account in the organization.
    let removed = admin
        .versioned(Method::DELETE, &format!("{in_project}/{client_id}"), None)
        .await;
    assert_eq!(removed.status, 204);
    let gone = admin
        .versioned(Method::GET, &format!("{in_project}/{client_id}"), None)
        .await;
    assert_eq!(gone.status, 404);
    let still = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(still.status, 200);

    // Made in the project: its roles there, and a member of the organization.
    let made = admin
        .versioned(
            Method::POST,
            &in_project,
            Some(json!({
                "name": "project robot",
                "description": "made in a project",
                "roles": ["GROUP_DATA_ACCESS_READ_ONLY"],
                "secretExpiresAfterHours": 8,
            })),
        )
        .await;
    assert_eq!(made.status, 201, "{:?}", made.body);
    assert_eq!(made.body["roles"], json!(["GROUP_DATA_ACCESS_READ_ONLY"]));
    assert!(made.body["secrets"][0]["secret"].is_string());
    let project_account = made.body["clientId"].as_str().unwrap().to_owned();
    let in_org = admin
        .versioned(
            Method::GET,
            &format!("{}/{project_account}", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(in_org.body["roles"], json!(["ORG_MEMBER"]));

    // Its secrets and access list are reached through the project too.
    let secret = admin
        .versioned(
            Method::POST,
            &format!("{in_project}/{project_account}/secrets"),
            Some(json!({ "secretExpiresAfterHours": 8 })),
        )
        .await;
    assert_eq!(secret.status, 201);
    let entries = admin
        .versioned(
            Method::POST,
            &format!("{in_project}/{project_account}/accessList"),
            Some(json!([{ "ipAddress": "203.0.113.5" }])),
        )
        .await;
    assert_eq!(entries.status, 200);
    assert_eq!(entries.body["results"][0]["ipAddress"], "203.0.113.5");
    let deleted = admin
        .versioned(
            Method::DELETE,
            &format!("{in_project}/{project_account}/accessList/203.0.113.5"),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
}

#[tokio::test]
async fn the_demo_seed_has_accounts_worth_reviewing() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let listed = admin
        .versioned(Method::GET, &accounts_path(&org), None)
        .await;
    let accounts = listed.body["results"].as_array().unwrap().clone();
    assert_eq!(accounts.len(), 5, "{accounts:#?}");
    let now = Utc::now();
    let by_name = |name: &str| {
        accounts
            .iter()
            .find(|account| account["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    let rotating = by_name("GitHub Actions deployer");
    let secrets = rotating["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 2);
    assert!(secrets.iter().any(|secret| {
        let left = time(&secret["expiresAt"]) - now;
        left > chrono::Duration::zero() && left < chrono::Duration::days(7)
    }));
    let expired = by_name("Nightly report exporter");
    assert!(
        time(&expired["secrets"][0]["expiresAt"]) < now,
        "an expired secret stays listed"
    );
    let never = by_name("Capacity planner");
    assert!(never["secrets"][0].get("lastUsedAt").is_none());
    let open = by_name("Vendor webhook, open to the internet");
    let client_id = open["clientId"].as_str().unwrap();
    let entries = admin
        .versioned(
            Method::GET,
            &format!("{}/{client_id}/accessList", accounts_path(&org)),
            None,
        )
        .await;
    assert_eq!(entries.body["results"][0]["cidrBlock"], "0.0.0.0/0");
}

#[tokio::test]
async fn the_admin_can_be_a_service_account() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let config = Config {
        admin: atlas_sandbox::AdminKind::ServiceAccount,
        state_file: Some(state),
        ..Config::default()
    };
    let sandbox = common::start(config.clone()).await;
    let admin = sandbox.admin().clone();
    let client_id = admin.client_id.clone().expect("a client id");
    let secret = admin.client_secret.clone().expect("a secret");
    let first = token(&sandbox, &client_id, &secret).await;
    // An Organization Owner with the admin key's access list.
    let keys = bearer(
        &sandbox,
        &first,
        Method::GET,
        &format!("/api/atlas/v2/orgs/{}/apiKeys", admin.org_id),
        common::MEDIA_TYPE,
    )
    .await;
    assert_eq!(keys.status, 200, "{:?}", keys.body);
    let line = serde_json::to_value(&admin).unwrap();
    assert_eq!(line["clientId"], client_id.as_str());
    sandbox.stop().await;

    // A restart keeps the account and gives it a new secret; the old one goes.
    let again = common::start(config).await;
    assert_eq!(again.admin().client_id.as_deref(), Some(client_id.as_str()));
    let new_secret = again.admin().client_secret.clone().unwrap();
    assert_ne!(new_secret, secret);
    let old = token_answer(&again, &client_id, &secret).await;
    assert_eq!(old.status, 401);
    token(&again, &client_id, &new_secret).await;
}

for_both_admins!(
    an_account_is_created_with_its_secret_shown_once,
    atlas_rules_for_names_roles_and_secret_lifetimes,
    a_second_secret_cuts_the_first_to_a_week_and_a_third_is_refused,
    a_member_account_cannot_manage_keys,
    accounts_are_invited_to_projects_and_made_in_them,
    an_organization_that_requires_a_list_refuses_an_account_without_one,
    an_accounts_access_list_is_checked_when_its_token_is_used,
);
