//! Delegated access against the sandbox over real HTTP: read, changed as
//! asked and no more, a widening made only once confirmed, what Atlas would
//! refuse refused before sending, the role named when the connection lacks
//! it, and the change in Activity.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use atlas_access_core::access::delegation::{
    DelegationChange, TokenLifetime, Widening, change_delegation, check_delegation_change,
    delegation_settings,
};
use atlas_access_core::atlas::{McpAccess, PartnerAccess};
use atlas_access_core::audit::activity::{ActivityFilter, activity_page};
use atlas_sandbox::{Config, Sandbox};
use common::admin_client;

fn mcp(access: McpAccess) -> DelegationChange {
    DelegationChange {
        mcp_access: Some(access),
        ..DelegationChange::default()
    }
}

#[tokio::test]
async fn delegated_access_changes_as_asked_and_widens_only_once_confirmed() {
    let sandbox = Sandbox::start(Config::default()).await.expect("sandbox");
    let client = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();

    let demo = delegation_settings(&client, &org).await.unwrap();
    assert_eq!(demo.delegated_mcp_access, McpAccess::ReadWrite);
    assert_eq!(demo.delegated_partner_access, PartnerAccess::Disallowed);
    assert_eq!(demo.maximum_refresh_token_lifetime, None);

    // Narrowing needs no confirmation.
    let narrowed = change_delegation(&client, &org, &mcp(McpAccess::Disallowed), &[])
        .await
        .unwrap();
    assert_eq!(narrowed.delegated_mcp_access, McpAccess::Disallowed);

    // Widening, unconfirmed: refused in words, and nothing changes.
    let refused = change_delegation(&client, &org, &mcp(McpAccess::ReadWrite), &[])
        .await
        .unwrap_err();
    assert!(
        refused.advice().contains("not confirmed")
            && refused.advice().contains("could change everything"),
        "{}",
        refused.advice()
    );
    // Confirming another widening does not stand for this one.
    assert!(
        change_delegation(
            &client,
            &org,
            &mcp(McpAccess::ReadWrite),
            &[Widening::PartnerMayAct]
        )
        .await
        .is_err()
    );
    assert_eq!(
        delegation_settings(&client, &org)
            .await
            .unwrap()
            .delegated_mcp_access,
        McpAccess::Disallowed
    );
    let check = check_delegation_change(&client, &org, &mcp(McpAccess::ReadWrite))
        .await
        .unwrap();
    assert_eq!(check.current.delegated_mcp_access, McpAccess::Disallowed);
    let seen: Vec<Widening> = check.widenings.iter().map(|n| n.widening).collect();
    assert_eq!(seen, [Widening::McpMayWrite]);
    let widened = change_delegation(&client, &org, &mcp(McpAccess::ReadWrite), &seen)
        .await
        .unwrap();
    assert_eq!(widened.delegated_mcp_access, McpAccess::ReadWrite);

    // Lifetimes: set, then back to the system default; only what is sent changes.
    let lifetimes = change_delegation(
        &client,
        &org,
        &DelegationChange {
            maximum_refresh_token_lifetime: Some(TokenLifetime::Seconds { seconds: 86_400 }),
            idle_refresh_token_lifetime: Some(TokenLifetime::Seconds { seconds: 7_200 }),
            ..DelegationChange::default()
        },
        &[],
    )
    .await
    .unwrap();
    assert_eq!(lifetimes.maximum_refresh_token_lifetime, Some(86_400));
    assert_eq!(lifetimes.idle_refresh_token_lifetime, Some(7_200));
    assert_eq!(lifetimes.delegated_mcp_access, McpAccess::ReadWrite);
    // An idle limit past the maximum is refused before anything is sent.
    let checked = sandbox.requests_checked();
    let never_applies = change_delegation(
        &client,
        &org,
        &DelegationChange {
            idle_refresh_token_lifetime: Some(TokenLifetime::Seconds { seconds: 172_800 }),
            ..DelegationChange::default()
        },
        &[],
    )
    .await
    .unwrap_err();
    assert!(never_applies.advice().contains("longer than the maximum"));
    assert_eq!(
        sandbox.requests_checked(),
        checked + 1,
        "only the read of the current settings"
    );
    let defaults = change_delegation(
        &client,
        &org,
        &DelegationChange {
            maximum_refresh_token_lifetime: Some(TokenLifetime::SystemDefault),
            ..DelegationChange::default()
        },
        &[],
    )
    .await
    .unwrap();
    assert_eq!(defaults.maximum_refresh_token_lifetime, None);
    assert_eq!(defaults.idle_refresh_token_lifetime, Some(7_200));

    // Activity tells each change.
    let page = activity_page(
        &client,
        &org,
        &ActivityFilter {
            event_types: vec!["ORG_DELEGATION_SETTINGS_UPDATED".to_owned()],
            ..ActivityFilter::default()
        },
        1,
    )
    .await
    .unwrap();
    assert_eq!(
        page.events.len(),
        4,
        "narrowed, widened, lifetimes, default"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_member_reads_delegated_access_and_is_told_which_role_changes_it() {
    let sandbox = Sandbox::start(Config::default()).await.expect("sandbox");
    let admin = admin_client(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let created = admin
        .create_org_key(&org, "member", &["ORG_MEMBER".to_owned()])
        .await
        .unwrap();
    let member = common::from_here_as(&admin, &sandbox.admin().base_url, &org, &created).await;
    let read = delegation_settings(&member, &org).await.unwrap();
    assert_eq!(read.delegated_mcp_access, McpAccess::ReadWrite);
    let refused = change_delegation(&member, &org, &mcp(McpAccess::ReadOnly), &[])
        .await
        .unwrap_err();
    assert!(
        refused
            .advice()
            .starts_with("This needs Organization Owner,"),
        "{}",
        refused.advice()
    );
    sandbox.stop().await;
}
