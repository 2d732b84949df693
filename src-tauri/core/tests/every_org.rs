//! The review over every organization, against the sandbox over real HTTP:
//! each organization reviewed as the review screen reviews one, one the
//! connection cannot read listed as such, and a stopped run.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use atlas_access_core::atlas::Organization;
use atlas_access_core::audit::every_org::{OrgReviewOutcome, Stop, review_every_org};
use atlas_access_core::audit::review::{FindingKind, ReviewSettings};
use atlas_sandbox::{Config, Sandbox};
use common::admin_client;

#[tokio::test]
async fn every_organization_is_reviewed_and_one_that_cannot_be_read_is_said_so() {
    let sandbox = Sandbox::start(Config::default()).await.expect("sandbox");
    let client = admin_client(&sandbox);
    let mut orgs = client.list_orgs().await.unwrap();
    assert_eq!(orgs.len(), 2);
    // An organization listed but not this connection's to read (its key was
    // taken out of it since, say).
    orgs.push(Organization {
        id: "0123456789abcdef01234567".to_owned(),
        name: "Elsewhere Inc".to_owned(),
        is_deleted: false,
    });
    let ticks = std::sync::Mutex::new(Vec::new());
    let reviews = review_every_org(
        &client,
        &orgs,
        &ReviewSettings::default(),
        4,
        &Stop::default(),
        &|progress| ticks.lock().unwrap().push((progress.done, progress.total)),
    )
    .await;
    assert_eq!(
        reviews.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["Acme Corp", "Acme Research", "Elsewhere Inc"]
    );
    let corp = &reviews[0];
    let OrgReviewOutcome::Reviewed {
        findings,
        credentials,
        partly,
    } = &corp.outcome
    else {
        panic!("Acme Corp reviewed: {:?}", corp.outcome);
    };
    assert!(partly.is_none(), "{partly:?}");
    assert!(*credentials > 10, "{credentials}");
    let kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&FindingKind::OpenToInternet), "{kinds:?}");
    assert!(kinds.contains(&FindingKind::McpReadWrite), "{kinds:?}");
    let open = findings
        .iter()
        .find(|f| f.kind == FindingKind::OpenToInternet)
        .unwrap();
    assert!(
        open.credentials
            .iter()
            .any(|c| c.starts_with("API key ") && c.contains("Partner integration")),
        "{:?}",
        open.credentials
    );
    assert!(corp.finding_count() >= 5);
    // Acme Research: its own findings, no MCP one (it keeps the default).
    let OrgReviewOutcome::Reviewed { findings, .. } = &reviews[1].outcome else {
        panic!("Acme Research reviewed: {:?}", reviews[1].outcome);
    };
    assert!(findings.iter().all(|f| f.kind != FindingKind::McpReadWrite));
    // The one it cannot read: listed, with why.
    let OrgReviewOutcome::Unreadable { reason } = &reviews[2].outcome else {
        panic!("Elsewhere Inc unreadable: {:?}", reviews[2].outcome);
    };
    assert!(!reason.is_empty());
    assert_eq!(reviews[2].finding_count(), 0);
    let ticks = ticks.into_inner().unwrap();
    assert_eq!(ticks.first(), Some(&(0, 3)));
    assert_eq!(ticks.last(), Some(&(3, 3)));

    // Stopped: nothing more is read, every organization is listed as not reached.
    let stop = Stop::default();
    stop.stop();
    let checked = sandbox.requests_checked();
    let stopped = review_every_org(
        &client,
        &orgs,
        &ReviewSettings::default(),
        4,
        &stop,
        &|_| {},
    )
    .await;
    assert_eq!(stopped.len(), 3);
    assert!(
        stopped
            .iter()
            .all(|r| r.outcome == OrgReviewOutcome::Cancelled)
    );
    assert_eq!(
        sandbox.requests_checked(),
        checked,
        "no request after the stop"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn every_organizations_inventory_is_one_file_with_an_organization_column() {
    use atlas_access_core::audit::export::{ExportFormat, export_every_org_credentials};
    let sandbox = Sandbox::start(Config::default()).await.expect("sandbox");
    let client = admin_client(&sandbox);
    let mut orgs = client.list_orgs().await.unwrap();
    orgs.push(Organization {
        id: "0123456789abcdef01234567".to_owned(),
        name: "Elsewhere Inc".to_owned(),
        is_deleted: false,
    });
    let export = export_every_org_credentials(
        &client,
        &orgs,
        ExportFormat::Csv,
        4,
        &Stop::default(),
        &|_| {},
    )
    .await
    .unwrap()
    .expect("not stopped");
    let text = String::from_utf8(export.bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "organization,kind,id,name,organization roles,projects,access list,secrets,not read"
    );
    let of = |org: &str| {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("{org},")))
            .count()
    };
    assert!(of("Acme Corp") > 10, "{text}");
    assert!(of("Acme Research") >= 3, "{text}");
    let elsewhere: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("Elsewhere Inc,"))
        .collect();
    assert_eq!(elsewhere.len(), 1, "one row saying why: {text}");
    assert!(elsewhere[0].starts_with("Elsewhere Inc,organization,"));
    assert_eq!(export.rows, lines.len() - 1);
    // Never a secret: the admin's private key is nowhere in it.
    assert!(!text.contains(&sandbox.admin().private_key));

    // Stopped: no file, and no request after the stop.
    let stop = Stop::default();
    stop.stop();
    let checked = sandbox.requests_checked();
    let stopped =
        export_every_org_credentials(&client, &orgs, ExportFormat::Csv, 4, &stop, &|_| {})
            .await
            .unwrap();
    assert!(stopped.is_none(), "half an inventory is not written");
    assert_eq!(sandbox.requests_checked(), checked);
    sandbox.stop().await;
}
