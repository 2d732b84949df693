//! The role matrix, generated from the vendored spec: every operation's
//! `x-rolesRequirements`, tried with each kind of administrator Atlas has,
//! against fresh targets made for each try. Where Atlas documents an
//! exception the spec does not show, the expectation says so.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

mod common;

use std::collections::BTreeSet;

use common::{Answer, Client, DELEGATION_MEDIA_TYPE, MEDIA_TYPE, SERVICE_ACCOUNT_MEDIA_TYPE};
use reqwest::Method;
use serde_json::{Value, json};

/// The five administrators the issue names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    OrgOwner,
    /// An auditor.
    OrgReadOnly,
    OrgMember,
    /// Organization Member + Project Owner: a key made in the project.
    ProjectOwner,
    /// Organization Member + Project Read Only.
    ProjectReadOnly,
}

const EVERYONE: [Who; 5] = [
    Who::OrgOwner,
    Who::OrgReadOnly,
    Who::OrgMember,
    Who::ProjectOwner,
    Who::ProjectReadOnly,
];

/// Whether `who` holds the role the spec names, by Atlas's inclusions.
fn holds(who: Who, role: &str) -> bool {
    use Who::*;
    match role {
        "Organization Owner" => who == OrgOwner,
        "Organization Read Only" => matches!(who, OrgOwner | OrgReadOnly),
        // A project key is an Organization Member too.
        "Organization Member" => true,
        "Project Owner" | "Project Access Manager" => matches!(who, OrgOwner | ProjectOwner),
        "Project Read Only" => {
            matches!(who, OrgOwner | OrgReadOnly | ProjectOwner | ProjectReadOnly)
        }
        other => panic!("a role the test does not know: {other}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    /// 401 USER_UNAUTHORIZED.
    Refused,
    /// 403 API_KEY_ACCESS_LIST_ACCESS_DENIED.
    ListDenied,
    NotFound,
}

/// What Atlas answers `who` for the operation: the spec's role, or the
/// documented exception.
fn expected(operation_id: &str, roles: &[String], who: Who) -> Outcome {
    match operation_id {
        // Another key's access list: the key itself or an Organization Owner.
        "listOrgAccessEntries" | "getOrgAccessEntry" => {
            if who == Who::OrgOwner {
                Outcome::Done
            } else {
                Outcome::ListDenied
            }
        }
        // The spec names no role; changing an access list needs an
        // Organization Owner, and a project needs an Owner or Project Creator
        // (spec-deviations.json).
        "createOrgAccessEntry" | "deleteAccessEntry" | "createGroup" => {
            if who == Who::OrgOwner {
                Outcome::Done
            } else {
                Outcome::Refused
            }
        }
        // No role needed, but a member with no project role sees no project.
        "getGroupByName" if who == Who::OrgMember => Outcome::NotFound,
        _ if roles.is_empty() || roles.iter().any(|role| holds(who, role)) => Outcome::Done,
        _ => Outcome::Refused,
    }
}

fn outcome(answer: &Answer) -> Outcome {
    match (answer.status, answer.error_code()) {
        (200..=299, _) => Outcome::Done,
        (401, "USER_UNAUTHORIZED") => Outcome::Refused,
        (403, "API_KEY_ACCESS_LIST_ACCESS_DENIED") => Outcome::ListDenied,
        (404, _) => Outcome::NotFound,
        _ => panic!(
            "an answer outside the matrix: {} {}",
            answer.status, answer.body
        ),
    }
}

struct Spec {
    method: Method,
    path: String,
    operation_id: String,
    roles: Vec<String>,
    media_type: &'static str,
}

fn operations() -> Vec<Spec> {
    let mut found = Vec::new();
    for (path, item) in common::spec()["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let roles = operation["x-rolesRequirements"]
                .as_array()
                .map(|roles| {
                    roles
                        .iter()
                        .map(|role| role.as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let versions = serde_json::to_string(&operation["responses"]).unwrap();
            let media_type = if versions.contains("2025-03-12") {
                DELEGATION_MEDIA_TYPE
            } else if versions.contains("2024-08-05") {
                SERVICE_ACCOUNT_MEDIA_TYPE
            } else {
                MEDIA_TYPE
            };
            found.push(Spec {
                method,
                path: path.clone(),
                operation_id: operation["operationId"].as_str().unwrap().to_owned(),
                roles,
                media_type,
            });
        }
    }
    found
}

/// The sandbox's own table names every operation of the spec with the role
/// the spec names: none missing, none extra, none different.
#[test]
fn the_sandbox_table_is_the_spec() {
    use atlas_sandbox::Need;
    let need_of = |roles: &[String]| match roles
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => Need::Caller,
        ["Organization Owner"] => Need::OrgOwner,
        ["Organization Read Only"] => Need::OrgReadOnly,
        ["Organization Member"] => Need::OrgMember,
        ["Project Owner"] => Need::ProjectOwner,
        ["Project Access Manager"] => Need::ProjectAccessManager,
        ["Project Read Only"] => Need::ProjectReadOnly,
        ["Organization Member", "Project Read Only"] => Need::OrgMemberOrProjectReadOnly,
        other => panic!("a requirement the sandbox does not model: {other:?}"),
    };
    let spec: BTreeSet<(String, String, String, String)> = operations()
        .iter()
        .map(|op| {
            (
                op.method.to_string(),
                op.path.clone(),
                op.operation_id.clone(),
                format!("{:?}", need_of(&op.roles)),
            )
        })
        .collect();
    let table: BTreeSet<(String, String, String, String)> = atlas_sandbox::OPERATIONS
        .iter()
        .map(|op| {
            (
                op.method.to_owned(),
                op.path.to_owned(),
                op.operation_id.to_owned(),
                format!("{:?}", op.need),
            )
        })
        .collect();
    assert_eq!(spec.len(), 53);
    assert_eq!(
        spec.difference(&table).collect::<Vec<_>>(),
        Vec::<&(String, String, String, String)>::new(),
        "in the spec, not so in the sandbox"
    );
    assert_eq!(
        table.difference(&spec).collect::<Vec<_>>(),
        Vec::<&(String, String, String, String)>::new(),
        "in the sandbox, not so in the spec"
    );
}

/// The organization, the project and a caller of each kind.
struct World {
    admin: Client,
    org: String,
    project: String,
    project_name: String,
    callers: Vec<(Who, Client)>,
}

const ENTRY: &str = "192.0.2.1";

async fn key(admin: &Client, path: &str, desc: &str, roles: &[&str]) -> (String, Client) {
    let created = admin
        .call_in(
            Method::POST,
            path,
            Some(json!({"desc": desc, "roles": roles})),
            MEDIA_TYPE,
        )
        .await;
    assert!((200..300).contains(&created.status), "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let client = Client::new(
        &admin.base_url,
        created.body["publicKey"].as_str().unwrap(),
        created.body["privateKey"].as_str().unwrap(),
    );
    (id, client)
}

async fn add_key_entries(admin: &Client, org: &str, key_id: &str, entries: &[&str]) {
    let body: Vec<Value> = entries.iter().map(|ip| json!({"ipAddress": ip})).collect();
    let added = admin
        .call_in(
            Method::POST,
            &format!("/api/atlas/v2/orgs/{org}/apiKeys/{key_id}/accessList"),
            Some(json!(body)),
            MEDIA_TYPE,
        )
        .await;
    assert!((200..300).contains(&added.status), "{}", added.body);
}

async fn world(sandbox: &atlas_sandbox::Sandbox) -> World {
    let admin = Client::admin(sandbox);
    let org = sandbox.admin().org_id.clone();
    let project_name = "Roles-matrix".to_owned();
    let created = admin
        .call_in(
            Method::POST,
            "/api/atlas/v2/groups",
            Some(json!({"name": project_name, "orgId": org})),
            MEDIA_TYPE,
        )
        .await;
    assert!((200..300).contains(&created.status), "{}", created.body);
    let project = created.body["id"].as_str().unwrap().to_owned();
    let org_keys = format!("/api/atlas/v2/orgs/{org}/apiKeys");
    let project_keys = format!("/api/atlas/v2/groups/{project}/apiKeys");
    let mut callers = Vec::new();
    for who in EVERYONE {
        let (path, role) = match who {
            Who::OrgOwner => (&org_keys, "ORG_OWNER"),
            Who::OrgReadOnly => (&org_keys, "ORG_READ_ONLY"),
            Who::OrgMember => (&org_keys, "ORG_MEMBER"),
            Who::ProjectOwner => (&project_keys, "GROUP_OWNER"),
            Who::ProjectReadOnly => (&project_keys, "GROUP_READ_ONLY"),
        };
        let (id, client) = key(&admin, path, &format!("{who:?}"), &[role]).await;
        add_key_entries(&admin, &org, &id, &["127.0.0.1", "::1"]).await;
        callers.push((who, client));
    }
    World {
        admin,
        org,
        project,
        project_name,
        callers,
    }
}

/// Fresh targets for one try: an organization key with an entry, the same
/// key in the project, a service account in the project with an entry and
/// two secrets, an account not yet in the project, and the newest events.
struct Targets {
    key: String,
    account: String,
    outsider_account: String,
    secret: String,
    org_event: String,
    group_event: String,
}

async fn account(world: &World, name: &str) -> String {
    let created = world
        .admin
        .call_in(
            Method::POST,
            &format!("/api/atlas/v2/orgs/{}/serviceAccounts", world.org),
            Some(json!({
                "name": name,
                "description": "a target",
                "roles": ["ORG_MEMBER"],
                "secretExpiresAfterHours": 24,
            })),
            SERVICE_ACCOUNT_MEDIA_TYPE,
        )
        .await;
    assert!((200..300).contains(&created.status), "{}", created.body);
    created.body["clientId"].as_str().unwrap().to_owned()
}

async fn targets(world: &World, n: usize, op: &Spec) -> Targets {
    let admin = &world.admin;
    let (org, project) = (&world.org, &world.project);
    let (key_id, _) = key(
        admin,
        &format!("/api/atlas/v2/orgs/{org}/apiKeys"),
        &format!("target {n}"),
        &["ORG_MEMBER"],
    )
    .await;
    add_key_entries(admin, org, &key_id, &[ENTRY]).await;
    let in_project = admin
        .call_in(
            Method::POST,
            &format!("/api/atlas/v2/groups/{project}/apiKeys/{key_id}"),
            Some(json!([{"roles": ["GROUP_READ_ONLY"]}])),
            MEDIA_TYPE,
        )
        .await;
    assert!(
        (200..300).contains(&in_project.status),
        "{}",
        in_project.body
    );

    let client_id = account(world, &format!("target {n}")).await;
    let accounts = format!("/api/atlas/v2/groups/{project}/serviceAccounts");
    let sa = |method: Method, path: String, body: Option<Value>| async move {
        admin
            .call_in(method, &path, body, SERVICE_ACCOUNT_MEDIA_TYPE)
            .await
    };
    let invited = sa(
        Method::POST,
        format!("{accounts}/{client_id}:invite"),
        Some(json!({"roles": ["GROUP_READ_ONLY"]})),
    )
    .await;
    assert!((200..300).contains(&invited.status), "{}", invited.body);
    let entry = sa(
        Method::POST,
        format!("{accounts}/{client_id}/accessList"),
        Some(json!([{"ipAddress": ENTRY}])),
    )
    .await;
    assert!((200..300).contains(&entry.status), "{}", entry.body);
    // A second secret to delete; none where the try makes one (two at most).
    let secret = if op.operation_id.ends_with("Secret") && op.method == Method::POST {
        String::new()
    } else {
        let made = sa(
            Method::POST,
            format!("{accounts}/{client_id}/secrets"),
            Some(json!({"secretExpiresAfterHours": 24})),
        )
        .await;
        assert!((200..300).contains(&made.status), "{}", made.body);
        made.body["id"].as_str().unwrap().to_owned()
    };
    let outsider_account = account(world, &format!("outsider {n}")).await;

    let newest = |path: String| async move {
        let page = admin.call_in(Method::GET, &path, None, MEDIA_TYPE).await;
        assert!((200..300).contains(&page.status), "{}", page.body);
        page.body["results"][0]["id"].as_str().unwrap().to_owned()
    };
    Targets {
        key: key_id,
        account: client_id,
        outsider_account,
        secret,
        org_event: newest(format!("/api/atlas/v2/orgs/{org}/events?itemsPerPage=1")).await,
        group_event: newest(format!(
            "/api/atlas/v2/groups/{project}/events?itemsPerPage=1"
        ))
        .await,
    }
}

/// The operation's path with the targets' ids, and a body it accepts.
fn request(world: &World, t: &Targets, op: &Spec, n: usize) -> (String, Option<Value>) {
    let account = if op.operation_id == "inviteGroupServiceAccount" {
        &t.outsider_account
    } else {
        &t.account
    };
    let path = op
        .path
        .replace("{orgId}", &world.org)
        .replace("{groupId}", &world.project)
        .replace("{groupName}", &world.project_name)
        .replace("{apiUserId}", &t.key)
        .replace("{clientId}", account)
        .replace("{ipAddress}", ENTRY)
        .replace("{secretId}", &t.secret)
        .replace(
            "{eventId}",
            if op.path.contains("/groups/") {
                &t.group_event
            } else {
                &t.org_event
            },
        );
    assert!(!path.contains('{'), "unfilled parameter in {path}");
    let entries = json!([{"ipAddress": "198.51.100.9"}]);
    let body = match op.operation_id.as_str() {
        "createGroup" => Some(json!({"name": format!("Made-{n}"), "orgId": world.org})),
        "createGroupApiKey" => Some(json!({"desc": "made", "roles": ["GROUP_READ_ONLY"]})),
        "createOrgApiKey" => Some(json!({"desc": "made", "roles": ["ORG_MEMBER"]})),
        "updateApiKeyRoles" => Some(json!({"roles": ["GROUP_CLUSTER_MANAGER"]})),
        "addGroupApiKey" => Some(json!([{"roles": ["GROUP_CLUSTER_MANAGER"]}])),
        "updateOrgApiKey" => Some(json!({"desc": "changed"})),
        "createGroupServiceAccount" | "createOrgServiceAccount" => Some(json!({
            "name": format!("made {n}"),
            "description": "made",
            "roles": [if op.path.contains("/groups/") { "GROUP_READ_ONLY" } else { "ORG_MEMBER" }],
            "secretExpiresAfterHours": 24,
        })),
        "updateGroupServiceAccount" | "updateOrgServiceAccount" => {
            Some(json!({"description": "changed"}))
        }
        "inviteGroupServiceAccount" => Some(json!({"roles": ["GROUP_READ_ONLY"]})),
        "createAccessList" | "createOrgAccessList" | "createOrgAccessEntry" => Some(entries),
        "createGroupSecret" | "createOrgSecret" => Some(json!({"secretExpiresAfterHours": 24})),
        "updateOrgSettings" => Some(json!({"genAIFeaturesEnabled": true})),
        "updateOrgDelegationSettings" => Some(json!({"idleRefreshTokenLifetime": 3600})),
        _ => None,
    };
    (path, body)
}

/// Every operation × the five administrators: done where the spec's role (or
/// the documented exception) allows it, refused as Atlas refuses otherwise.
#[tokio::test]
async fn every_operation_answers_each_administrator_as_the_spec_says() {
    let sandbox = common::demo().await;
    let world = world(&sandbox).await;
    let operations = operations();
    let mut wrong = Vec::new();
    let mut tried = 0;
    for op in &operations {
        for (who, client) in &world.callers {
            let targets = targets(&world, tried, op).await;
            let (path, body) = request(&world, &targets, op, tried);
            let answer = client
                .call_in(op.method.clone(), &path, body, op.media_type)
                .await;
            let want = expected(&op.operation_id, &op.roles, *who);
            let got = outcome(&answer);
            if got != want {
                wrong.push(format!(
                    "{} ({} {}) as {who:?}: expected {want:?}, got {got:?}: {} {}",
                    op.operation_id, op.method, op.path, answer.status, answer.body
                ));
            }
            tried += 1;
        }
    }
    assert_eq!(tried, 53 * 5);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A key reads its own access list whatever its role; an auditor gets the
/// documented denial for another key's, not an empty list.
#[tokio::test]
async fn a_key_reads_its_own_access_list_and_an_auditor_not_another() {
    let sandbox = common::demo().await;
    let world = world(&sandbox).await;
    for (who, client) in &world.callers {
        let own = client
            .call_in(Method::GET, "/api/atlas/v2", None, MEDIA_TYPE)
            .await;
        let own_id = own.body["apiKey"]["id"].as_str().unwrap().to_owned();
        let path = format!(
            "/api/atlas/v2/orgs/{}/apiKeys/{own_id}/accessList",
            world.org
        );
        let answer = client.call(Method::GET, &path, None).await;
        assert_eq!(answer.status, 200, "{who:?}: {}", answer.body);
        assert_eq!(answer.body["totalCount"], 2, "{who:?}");
    }
    let targets_key = key(
        &world.admin,
        &format!("/api/atlas/v2/orgs/{}/apiKeys", world.org),
        "another",
        &["ORG_MEMBER"],
    )
    .await
    .0;
    let auditor = &world.callers[1];
    assert_eq!(auditor.0, Who::OrgReadOnly);
    let denied = auditor
        .1
        .call_in(
            Method::GET,
            &format!(
                "/api/atlas/v2/orgs/{}/apiKeys/{targets_key}/accessList",
                world.org
            ),
            None,
            MEDIA_TYPE,
        )
        .await;
    assert_eq!(
        (denied.status, denied.error_code()),
        (403, "API_KEY_ACCESS_LIST_ACCESS_DENIED"),
        "{}",
        denied.body
    );
}

async fn sa(client: &Client, method: Method, path: &str, body: Option<Value>) -> Answer {
    client
        .call_in(method, path, body, SERVICE_ACCOUNT_MEDIA_TYPE)
        .await
}

async fn invite(admin: &Client, project: &str, client_id: &str) {
    let invited = sa(
        admin,
        Method::POST,
        &format!("/api/atlas/v2/groups/{project}/serviceAccounts/{client_id}:invite"),
        Some(json!({"roles": ["GROUP_READ_ONLY"]})),
    )
    .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
}

/// A Project Owner manages an account whose access is its project alone;
/// one with access to the organization or to another project needs an
/// Organization Owner. Removing either from the project stays allowed.
#[tokio::test]
async fn a_project_owner_manages_only_accounts_whose_access_is_its_project() {
    let sandbox = common::demo().await;
    let world = world(&sandbox).await;
    let project_owner = &world.callers[3].1;
    let other_project = sandbox.admin().project_ids[0].clone();
    let accounts = format!("/api/atlas/v2/groups/{}/serviceAccounts", world.project);
    let here_only = account(&world, "here only").await;
    invite(&world.admin, &world.project, &here_only).await;
    let elsewhere_too = account(&world, "elsewhere too").await;
    invite(&world.admin, &world.project, &elsewhere_too).await;
    invite(&world.admin, &other_project, &elsewhere_too).await;

    for (client_id, allowed) in [(&here_only, true), (&elsewhere_too, false)] {
        let secret = sa(
            project_owner,
            Method::POST,
            &format!("{accounts}/{client_id}/secrets"),
            Some(json!({"secretExpiresAfterHours": 24})),
        )
        .await;
        let entry = sa(
            project_owner,
            Method::POST,
            &format!("{accounts}/{client_id}/accessList"),
            Some(json!([{"ipAddress": "198.51.100.3"}])),
        )
        .await;
        for answer in [&secret, &entry] {
            if allowed {
                assert!(answer.status < 300, "{}", answer.body);
            } else {
                assert_eq!(
                    (answer.status, answer.error_code()),
                    (401, "USER_UNAUTHORIZED"),
                    "{}",
                    answer.body
                );
            }
        }
        let removed = sa(
            project_owner,
            Method::DELETE,
            &format!("{accounts}/{client_id}"),
            None,
        )
        .await;
        assert_eq!(removed.status, 204, "{}", removed.body);
    }
}

/// System-managed accounts (Atlas's own, for MCP) are left out of both
/// lists unless asked for; the demo has at least two.
#[tokio::test]
async fn system_managed_accounts_are_listed_only_when_asked_for() {
    let sandbox = common::demo().await;
    let admin = Client::admin(&sandbox);
    let org = sandbox.admin().org_id.clone();
    let names = |answer: &Answer| -> BTreeSet<String> {
        answer.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|account| account["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let path = format!("/api/atlas/v2/orgs/{org}/serviceAccounts");
    let usual = admin.versioned(Method::GET, &path, None).await;
    let all = admin
        .versioned(
            Method::GET,
            &format!("{path}?includeSystemManaged=true"),
            None,
        )
        .await;
    let hidden: Vec<String> = names(&all).difference(&names(&usual)).cloned().collect();
    assert!(hidden.len() >= 2, "{hidden:?}");
    assert_eq!(
        all.body["totalCount"].as_u64().unwrap(),
        usual.body["totalCount"].as_u64().unwrap() + hidden.len() as u64
    );
    let explicit = admin
        .versioned(
            Method::GET,
            &format!("{path}?includeSystemManaged=false"),
            None,
        )
        .await;
    assert_eq!(names(&explicit), names(&usual));
    let wrong = admin
        .call_in(
            Method::GET,
            &format!("{path}?includeSystemManaged=yes"),
            None,
            SERVICE_ACCOUNT_MEDIA_TYPE,
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
}

/// A project key's self link is under its organization, when made in the
/// project and when listed there.
#[tokio::test]
async fn a_project_key_links_to_itself_under_its_organization() {
    let sandbox = common::demo().await;
    let world = world(&sandbox).await;
    let path = format!("/api/atlas/v2/groups/{}/apiKeys", world.project);
    let created = world
        .admin
        .call(
            Method::POST,
            &path,
            Some(json!({"desc": "linked", "roles": ["GROUP_READ_ONLY"]})),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let want = format!(
        "{}/api/atlas/v2/orgs/{}/apiKeys/{id}",
        world.admin.base_url, world.org
    );
    assert_eq!(created.body["links"][0]["href"], want.as_str());
    let listed = world.admin.call(Method::GET, &path, None).await;
    let found = listed.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["id"] == id)
        .unwrap();
    assert_eq!(found["links"][0]["href"], want.as_str());
}
