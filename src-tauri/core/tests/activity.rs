//! Activity against the sandbox over real HTTP: an edit made through the
//! client comes back as an event naming who, what and from where; filters
//! and pages reach Atlas as its query, the rest is applied by core.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::time::Duration;

use atlas_access_core::atlas::{AccessListRequest, AtlasClient, ClientOptions};
use atlas_access_core::audit::activity::{ActivityFilter, Party, activity_page};
use atlas_sandbox::{Config, Sandbox, Seed};
use secrecy::SecretString;

fn client(sandbox: &Sandbox) -> AtlasClient {
    let admin = sandbox.admin();
    let options = ClientOptions {
        backoff_base: Duration::from_millis(5),
        ..ClientOptions::default()
    };
    AtlasClient::with_options(
        &admin.base_url,
        &admin.public_key,
        &SecretString::from(admin.private_key.clone()),
        options,
    )
    .unwrap()
}

#[tokio::test]
async fn an_edit_is_read_back_as_who_did_what_to_which_key() {
    let sandbox = Sandbox::start(Config::default()).await.unwrap();
    let client = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let keys = client.list_org_keys(&org).await.unwrap();
    let key = keys
        .iter()
        .find(|key| key.desc == "GitHub Actions deploy")
        .expect("the seeded key");
    client
        .add_access_entries(
            &org,
            &key.id,
            &[AccessListRequest::IpAddress("203.0.113.7".into())],
        )
        .await
        .unwrap();

    let everything = activity_page(&client, &org, &ActivityFilter::default(), 1)
        .await
        .unwrap();
    let newest = &everything.events[0];
    assert_eq!(newest.event_type, "API_KEY_ACCESS_LIST_ENTRY_ADDED");
    assert_eq!(
        newest.actor,
        Party::ApiKey {
            public_key: sandbox.admin().public_key.clone()
        }
    );
    assert!(newest.target.as_ref().unwrap().is(&key.public_key));
    assert_eq!(newest.entry.as_deref(), Some("203.0.113.7"));
    assert_eq!(newest.remote_address.as_deref(), Some("127.0.0.1"));
    // The demo's history goes back about 90 days, and every event shown is
    // an access one.
    assert!(everything.events.len() > 30, "{}", everything.events.len());
    assert_eq!(everything.next_page, None);

    // The key's own history: its creation, its entries, this edit.
    let own = ActivityFilter {
        credential: Some(key.public_key.clone()),
        ..ActivityFilter::default()
    };
    let history = activity_page(&client, &org, &own, 1).await.unwrap();
    assert!(history.events.len() >= 4, "{:?}", history.events);
    assert!(
        history
            .events
            .iter()
            .all(|event| event.target.as_ref().is_some_and(|t| t.is(&key.public_key)))
    );
    assert_eq!(history.events.last().unwrap().event_type, "API_KEY_CREATED");
    assert!(history.read as usize > history.events.len());

    // By type and by date, as Atlas filters: only today's entry additions.
    let today = ActivityFilter {
        event_types: vec!["API_KEY_ACCESS_LIST_ENTRY_ADDED".into()],
        since: Some(
            (chrono::Utc::now() - chrono::Duration::hours(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        ..ActivityFilter::default()
    };
    let recent = activity_page(&client, &org, &today, 1).await.unwrap();
    assert_eq!(recent.read, 1);
    assert_eq!(recent.events[0].id, newest.id);

    // Someone else's doings: nobody but the admin acted here.
    let by_other = ActivityFilter {
        actor: Some(key.public_key.clone()),
        ..ActivityFilter::default()
    };
    let none = activity_page(&client, &org, &by_other, 1).await.unwrap();
    assert!(none.events.is_empty());
    sandbox.stop().await;
}

#[tokio::test]
async fn pages_of_500_are_read_as_far_as_asked() {
    let sandbox = Sandbox::start(Config {
        seed: Seed::Scale {
            keys: 10,
            projects: 1,
            accounts: 0,
            events: 1_200,
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let filter = ActivityFilter::default();
    let first = activity_page(&client, &org, &filter, 1).await.unwrap();
    assert_eq!((first.read, first.next_page), (500, Some(2)));
    let last = activity_page(&client, &org, &filter, 3).await.unwrap();
    assert_eq!((last.read, last.next_page), (200, None));
    assert!(first.events[0].created > last.events[0].created);
    sandbox.stop().await;
}
