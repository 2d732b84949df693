//! No client secret, no OAuth token and no private key reaches a log line.
//!
//! Every log record of the process (core, sandbox, reqwest and hyper, at
//! TRACE) is captured while a service-account connection gets tokens,
//! creates a key, a service account and a second secret, fails once on a
//! deleted secret and closes. The secrets are known to the test; the tokens
//! are not, so the log is searched for anything shaped like one.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::time::Duration;

use atlas_access_core::atlas::{AtlasClient, ClientOptions, NewServiceAccount};
use atlas_sandbox::{AdminKind, Config, Sandbox};
use common::CapturedLog;
use secrecy::{ExposeSecret, SecretString};

/// A run of at least 40 letters and digits: what the sandbox's tokens (48)
/// look like, and longer than any id, hash or UUID the log may name.
fn token_shaped(log: &str) -> Option<String> {
    log.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|word| word.len() >= 40)
        .map(str::to_owned)
}

fn account(name: &str, roles: &[&str]) -> NewServiceAccount {
    NewServiceAccount {
        name: name.to_owned(),
        description: "for the log check".to_owned(),
        roles: roles.iter().map(|role| (*role).to_owned()).collect(),
        secret_expires_after_hours: 24,
    }
}

fn options() -> ClientOptions {
    ClientOptions {
        backoff_base: Duration::from_millis(5),
        ..ClientOptions::default()
    }
}

#[tokio::test]
async fn no_secret_or_token_reaches_a_log_line() {
    let log = CapturedLog::install(tracing::Level::TRACE);

    let sandbox = Sandbox::start(Config {
        admin: AdminKind::ServiceAccount,
        token_lifetime: Duration::from_secs(2),
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = sandbox.admin().clone();
    let admin_secret = SecretString::from(admin.client_secret.clone().unwrap());
    let connection = AtlasClient::for_service_account(
        &admin.base_url,
        admin.client_id.as_deref().unwrap(),
        &admin_secret,
        options(),
    )
    .unwrap();
    let org = admin.org_id.clone();

    // A key: its private key is used once, with Digest.
    let key = connection
        .create_org_key(&org, "log check key", &["ORG_OWNER".to_owned()])
        .await
        .unwrap();
    let key_client = AtlasClient::with_options(
        &admin.base_url,
        &key.key.public_key,
        &key.private_key,
        options(),
    )
    .unwrap();
    key_client.list_orgs().await.unwrap();

    // An account, a second secret, and a connection through each secret.
    let created = connection
        .create_org_service_account(&org, &account("log check", &["ORG_OWNER"]))
        .await
        .unwrap();
    let client_id = created.account.client_id.clone();
    let second = connection
        .create_service_account_secret(&org, &client_id, 24)
        .await
        .unwrap();
    let through_first =
        AtlasClient::for_service_account(&admin.base_url, &client_id, &created.secret, options())
            .unwrap();
    through_first.list_orgs().await.unwrap();
    // Tokens that expire while in use are renewed: more tokens in the log's way.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    through_first.list_org_keys(&org).await.unwrap();
    connection.org_settings(&org).await.unwrap();

    // The first secret deleted: the connection through it fails, in words.
    connection
        .delete_service_account_secret(&org, &client_id, &created.account.secrets[0].id)
        .await
        .unwrap();
    let refused = through_first.list_orgs().await.unwrap_err();
    tracing::warn!(error = %refused, debug = ?refused, "refused, as expected");
    let through_second =
        AtlasClient::for_service_account(&admin.base_url, &client_id, &second.value, options())
            .unwrap();
    through_second.list_orgs().await.unwrap();

    // Closing revokes the tokens: the revoke request carries them too.
    through_second.close().await;
    connection.close().await;
    sandbox.stop().await;

    let text = log.text();
    assert!(
        text.lines().count() > 50
            && text.contains("service account token")
            && text.contains("token revoked"),
        "the log was captured, the tokens' comings and goings included:\n{text}"
    );
    for (what, secret) in [
        ("the admin's client secret", admin_secret.expose_secret()),
        ("a private key", key.private_key.expose_secret()),
        ("a first secret", created.secret.expose_secret()),
        ("a second secret", second.value.expose_secret()),
    ] {
        assert!(!text.contains(secret), "{what} is in the log");
    }
    assert_eq!(
        token_shaped(&text),
        None,
        "a token-shaped word is in the log"
    );
}

/// The token check finds a token, so its silence above means something.
#[tokio::test]
async fn the_token_check_finds_a_real_token() {
    let sandbox = Sandbox::start(Config {
        admin: AdminKind::ServiceAccount,
        ..Config::default()
    })
    .await
    .unwrap();
    let admin = sandbox.admin().clone();
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/oauth/token", admin.base_url))
        .basic_auth(admin.client_id.unwrap(), admin.client_secret)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = answer["access_token"].as_str().unwrap();
    let line = format!("2026-12-01T22:00:00Z DEBUG request: authorization=Bearer {token}\n");
    assert_eq!(token_shaped(&line).as_deref(), Some(token));
}
