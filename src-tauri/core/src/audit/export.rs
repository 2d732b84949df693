//! Export for an auditor: the organization's credentials (roles, projects,
//! access lists with their last use, secrets' dates; never a secret), the
//! activity in view and the review's findings, as CSV or JSON.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::usecases::{
    Inventory, Progress, ServiceAccountInventory, load_inventory, load_service_accounts,
};
use crate::atlas::{AtlasClient, Project};
use crate::audit::activity::{ActivityEvent, ActivityFilter, Party, activity_page};
use crate::audit::review::{Concerned, ReviewInput, ReviewReport};
use crate::error::CoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// A project a credential is in, by name, with its roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedProject {
    pub project: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedEntry {
    pub entry: String,
    pub created: Option<String>,
    pub last_used: Option<String>,
    pub last_used_address: Option<String>,
    pub requests: Option<u64>,
}

/// A secret's dates: never its value, not even masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedSecret {
    pub created: String,
    pub expires: String,
    pub last_used: Option<String>,
}

/// One API key or service account, as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedCredential {
    /// "API key" or "service account".
    pub kind: &'static str,
    /// The public key, or the client id.
    pub id: String,
    pub name: String,
    pub org_roles: Vec<String>,
    pub projects: Vec<ExportedProject>,
    pub access_list: Vec<ExportedEntry>,
    pub secrets: Vec<ExportedSecret>,
    /// Why its access list or projects could not be read, if they could not.
    pub unread: Option<String>,
}

fn project_name(projects: &[Project], id: &str) -> String {
    projects
        .iter()
        .find(|project| project.id == id)
        .map_or_else(|| id.to_owned(), |project| project.name.clone())
}

/// Every credential of the organization, keys first, each sorted by name.
pub fn credentials(
    org_id: &str,
    inventory: &Inventory,
    accounts: &[ServiceAccountInventory],
) -> Vec<ExportedCredential> {
    let mut keys: Vec<ExportedCredential> = inventory
        .keys
        .iter()
        .map(|item| ExportedCredential {
            kind: "API key",
            id: item.key.public_key.clone(),
            name: item.key.desc.clone(),
            org_roles: item.key.org_roles(org_id).map(str::to_owned).collect(),
            projects: item
                .project_roles
                .iter()
                .map(|project| ExportedProject {
                    project: project_name(&inventory.projects, &project.project_id),
                    roles: project.roles.clone(),
                })
                .collect(),
            access_list: item
                .access_list
                .iter()
                .map(|entry| ExportedEntry {
                    entry: entry.path_name().to_owned(),
                    created: entry.created.clone(),
                    last_used: entry.last_used.clone(),
                    last_used_address: entry.last_used_address.clone(),
                    requests: entry.count,
                })
                .collect(),
            secrets: Vec::new(),
            unread: item.access_list_error.clone(),
        })
        .collect();
    let mut service_accounts: Vec<ExportedCredential> = accounts
        .iter()
        .map(|item| ExportedCredential {
            kind: "service account",
            id: item.account.client_id.clone(),
            name: item.account.name.clone(),
            org_roles: item.account.roles.clone(),
            projects: item
                .projects
                .iter()
                .map(|project| ExportedProject {
                    project: project_name(&inventory.projects, &project.group_id),
                    roles: project.roles.clone(),
                })
                .collect(),
            access_list: item
                .access_list
                .iter()
                .map(|entry| ExportedEntry {
                    entry: entry
                        .ip_address
                        .clone()
                        .or_else(|| entry.cidr_block.clone())
                        .unwrap_or_default(),
                    created: entry.created_at.clone(),
                    last_used: entry.last_used_at.clone(),
                    last_used_address: entry.last_used_address.clone(),
                    requests: Some(entry.request_count),
                })
                .collect(),
            secrets: item
                .account
                .secrets
                .iter()
                .map(|secret| ExportedSecret {
                    created: secret.created_at.clone(),
                    expires: secret.expires_at.clone(),
                    last_used: secret.last_used_at.clone(),
                })
                .collect(),
            unread: item.error.clone(),
        })
        .collect();
    let by_name = |a: &ExportedCredential, b: &ExportedCredential| {
        a.name.to_lowercase().cmp(&b.name.to_lowercase())
    };
    keys.sort_by(by_name);
    service_accounts.sort_by(by_name);
    keys.extend(service_accounts);
    keys
}

/// A spreadsheet cell: text a spreadsheet would run as a formula is quoted.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

pub(crate) fn csv_file<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Vec<u8>, CoreError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed =
        |error: csv::Error| CoreError::Internal(format!("the CSV was not written: {error}"));
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|text| cell(text)))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| CoreError::Internal(format!("the CSV was not written: {error}")))
}

pub(crate) fn json_file(value: &impl Serialize) -> Result<Vec<u8>, CoreError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|error| CoreError::Internal(format!("the JSON was not written: {error}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn optional(text: &Option<String>) -> String {
    text.clone().unwrap_or_default()
}

/// The credentials as a file: one CSV row per credential (lists joined with
/// "; "), or a JSON document with an array of them.
pub fn credentials_file(
    organization: &str,
    exported_at: &str,
    credentials: &[ExportedCredential],
    format: ExportFormat,
) -> Result<Vec<u8>, CoreError> {
    match format {
        ExportFormat::Json => {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Document<'a> {
                organization: &'a str,
                exported_at: &'a str,
                credentials: &'a [ExportedCredential],
            }
            json_file(&Document {
                organization,
                exported_at,
                credentials,
            })
        }
        ExportFormat::Csv => csv_file(CREDENTIAL_COLUMNS, credentials.iter().map(credential_row)),
    }
}

const CREDENTIAL_COLUMNS: [&str; 8] = [
    "kind",
    "id",
    "name",
    "organization roles",
    "projects",
    "access list",
    "secrets",
    "not read",
];

/// The credential columns with an Organization column first.
fn every_org_columns() -> [&'static str; 9] {
    let mut columns = ["organization"; 9];
    columns[1..].copy_from_slice(&CREDENTIAL_COLUMNS);
    columns
}

/// One credential as a CSV row (lists joined with "; ").
fn credential_row(credential: &ExportedCredential) -> [String; 8] {
    [
        credential.kind.to_owned(),
        credential.id.clone(),
        credential.name.clone(),
        credential.org_roles.join("; "),
        credential
            .projects
            .iter()
            .map(|project| format!("{}: {}", project.project, project.roles.join(", ")))
            .collect::<Vec<_>>()
            .join("; "),
        credential
            .access_list
            .iter()
            .map(|entry| match &entry.last_used {
                Some(at) => format!("{} (last used {at})", entry.entry),
                None => format!("{} (never used)", entry.entry),
            })
            .collect::<Vec<_>>()
            .join("; "),
        credential
            .secrets
            .iter()
            .map(|secret| {
                format!(
                    "created {}, expires {}, last used {}",
                    secret.created,
                    secret.expires,
                    secret.last_used.as_deref().unwrap_or("never")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        optional(&credential.unread),
    ]
}

/// One organization's credentials, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgCredentials {
    pub organization: String,
    pub credentials: Vec<ExportedCredential>,
    /// Why the organization (or its service accounts) could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
}

/// Every organization's credentials as a file: the CSV's rows each with an
/// Organization column first (and a row saying what of an organization
/// could not be read, and why), or a JSON document with each organization.
pub fn every_org_credentials_file(
    exported_at: &str,
    orgs: &[OrgCredentials],
    format: ExportFormat,
) -> Result<Vec<u8>, CoreError> {
    match format {
        ExportFormat::Json => {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Document<'a> {
                exported_at: &'a str,
                organizations: &'a [OrgCredentials],
            }
            json_file(&Document {
                exported_at,
                organizations: orgs,
            })
        }
        ExportFormat::Csv => csv_file(
            every_org_columns(),
            orgs.iter().flat_map(|org| {
                let unread = org.unread.as_ref().map(|why| {
                    let mut row: [String; 9] = Default::default();
                    row[0] = org.organization.clone();
                    row[1] = "organization".to_owned();
                    row[3] = org.organization.clone();
                    row[8] = why.clone();
                    row
                });
                org.credentials
                    .iter()
                    .map(|credential| {
                        let [a, b, c, d, e, f, g, h] = credential_row(credential);
                        [org.organization.clone(), a, b, c, d, e, f, g, h]
                    })
                    .chain(unread)
            }),
        ),
    }
}

/// Every organization of `orgs`, read one after another as
/// [`export_credentials`] reads one, as a file. `on_progress` counts the
/// organizations done. Stopped through `stop`, it ends at once and makes no
/// file (`None`): half an inventory would read as the whole.
pub async fn export_every_org_credentials(
    client: &AtlasClient,
    orgs: &[crate::atlas::Organization],
    format: ExportFormat,
    concurrency: usize,
    stop: &crate::audit::every_org::Stop,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Option<Export>, CoreError> {
    let total = orgs.len();
    let mut read = Vec::with_capacity(total);
    for (done, org) in orgs.iter().enumerate() {
        on_progress(Progress { done, total });
        let org_credentials = tokio::select! {
            biased;
            () = stop.stopped() => {
                tracing::info!(done, total, "inventory of every organization stopped");
                return Ok(None);
            }
            read = read_org_credentials(client, org, concurrency) => read,
        };
        read.push(org_credentials);
    }
    on_progress(Progress { done: total, total });
    let rows = read
        .iter()
        .map(|org| org.credentials.len() + usize::from(org.unread.is_some()))
        .sum();
    Ok(Some(Export {
        bytes: every_org_credentials_file(&now_text(), &read, format)?,
        rows,
    }))
}

/// One organization's credentials, or what of it could not be read.
async fn read_org_credentials(
    client: &AtlasClient,
    org: &crate::atlas::Organization,
    concurrency: usize,
) -> OrgCredentials {
    match load_inventory(client, &org.id, concurrency, &|_| {}).await {
        Err(error) => OrgCredentials {
            organization: org.name.clone(),
            credentials: Vec::new(),
            unread: Some(error.advice()),
        },
        Ok(inventory) => {
            let (accounts, unread) =
                match load_service_accounts(client, &org.id, concurrency, &|_| {}).await {
                    Ok(accounts) => (accounts, None),
                    Err(error) => (
                        Vec::new(),
                        Some(format!("service accounts not read: {}", error.advice())),
                    ),
                };
            OrgCredentials {
                organization: org.name.clone(),
                credentials: credentials(&org.id, &inventory, &accounts),
                unread,
            }
        }
    }
}

fn party(party: &Party) -> String {
    match party {
        Party::ApiKey { public_key } => format!("API key {public_key}"),
        Party::ServiceAccount { client_id, name } => match name {
            Some(name) => format!("service account {name} ({client_id})"),
            None => format!("service account {client_id}"),
        },
        Party::Person { username } => username.clone(),
        Party::Unknown => String::new(),
    }
}

/// Events as a file: one CSV row per event, or a JSON array.
pub fn activity_file(events: &[ActivityEvent], format: ExportFormat) -> Result<Vec<u8>, CoreError> {
    match format {
        ExportFormat::Json => json_file(&events),
        ExportFormat::Csv => csv_file(
            [
                "time",
                "event",
                "who acted",
                "credential",
                "entry",
                "project",
                "from",
            ],
            events.iter().map(|event| {
                [
                    event.created.clone(),
                    event.event_type.clone(),
                    party(&event.actor),
                    event.target.as_ref().map(party).unwrap_or_default(),
                    optional(&event.entry),
                    optional(&event.project_id),
                    optional(&event.remote_address),
                ]
            }),
        ),
    }
}

/// A finding's credential, named, for a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportedItem {
    kind: &'static str,
    id: String,
    name: String,
    note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExportedFinding {
    severity: String,
    title: String,
    detail: String,
    credentials: Vec<ExportedItem>,
}

/// Findings as a file: one CSV row per credential of each finding (one for
/// a finding about the organization itself), or the findings as JSON, each
/// credential named.
pub fn review_file(
    input: &ReviewInput,
    report: &ReviewReport,
    format: ExportFormat,
) -> Result<Vec<u8>, CoreError> {
    let findings: Vec<ExportedFinding> = report
        .findings
        .iter()
        .map(|finding| ExportedFinding {
            severity: format!("{:?}", finding.severity).to_lowercase(),
            title: finding.title.clone(),
            detail: finding.detail.clone(),
            credentials: finding
                .items
                .iter()
                .filter_map(|item| {
                    let (kind, id, name) = match input.concerned(item.credential)? {
                        Concerned::ApiKey {
                            public_key, name, ..
                        } => ("API key", public_key, name),
                        Concerned::ServiceAccount { client_id, name } => {
                            ("service account", client_id, name)
                        }
                    };
                    Some(ExportedItem {
                        kind,
                        id,
                        name,
                        note: item.note.clone(),
                    })
                })
                .collect(),
        })
        .collect();
    match format {
        ExportFormat::Json => json_file(&findings),
        ExportFormat::Csv => csv_file(
            ["severity", "finding", "kind", "id", "name", "note"],
            findings.iter().flat_map(|finding| {
                // A finding about the organization itself (its delegated
                // access) concerns no credential: one row, its detail as note.
                let organization = finding.credentials.is_empty().then(|| {
                    [
                        finding.severity.clone(),
                        finding.title.clone(),
                        "organization".to_owned(),
                        String::new(),
                        String::new(),
                        finding.detail.clone(),
                    ]
                });
                finding
                    .credentials
                    .iter()
                    .map(move |item| {
                        [
                            finding.severity.clone(),
                            finding.title.clone(),
                            item.kind.to_owned(),
                            item.id.clone(),
                            item.name.clone(),
                            item.note.clone(),
                        ]
                    })
                    .chain(organization)
            }),
        ),
    }
}

/// A file to save, and how many rows (credentials, events, findings' items) it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub bytes: Vec<u8>,
    pub rows: usize,
}

fn now_text() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The organization's credentials, read from Atlas as they are now (the keys
/// with their access lists, the service accounts with theirs and their
/// projects), as a file.
pub async fn export_credentials(
    client: &AtlasClient,
    org_id: &str,
    organization: &str,
    format: ExportFormat,
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Export, CoreError> {
    let inventory = load_inventory(client, org_id, concurrency, on_progress).await?;
    let accounts = load_service_accounts(client, org_id, concurrency, &|_| {}).await?;
    let rows = credentials(org_id, &inventory, &accounts);
    Ok(Export {
        bytes: credentials_file(organization, &now_text(), &rows, format)?,
        rows: rows.len(),
    })
}

/// The events of the first `pages` Atlas pages that `filter` picks (what the
/// Activity screen shows), as a file.
pub async fn export_activity(
    client: &AtlasClient,
    org_id: &str,
    filter: &ActivityFilter,
    pages: u32,
    format: ExportFormat,
) -> Result<Export, CoreError> {
    let mut events = Vec::new();
    let mut page = Some(1);
    while let Some(number) = page.filter(|number| *number <= pages.max(1)) {
        let read = activity_page(client, org_id, filter, number).await?;
        events.extend(read.events);
        page = read.next_page;
    }
    Ok(Export {
        bytes: activity_file(&events, format)?,
        rows: events.len(),
    })
}

/// The review's findings about `input`, as a file.
pub fn export_review(
    input: &ReviewInput,
    report: &ReviewReport,
    format: ExportFormat,
) -> Result<Export, CoreError> {
    Ok(Export {
        bytes: review_file(input, report, format)?,
        rows: report
            .findings
            .iter()
            .map(|finding| finding.items.len().max(1))
            .sum(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn credential() -> ExportedCredential {
        ExportedCredential {
            kind: "API key",
            id: "abcdefgh".to_owned(),
            name: "=HYPERLINK(\"http://example.com\")".to_owned(),
            org_roles: vec!["ORG_MEMBER".to_owned(), "ORG_READ_ONLY".to_owned()],
            projects: vec![ExportedProject {
                project: "Production".to_owned(),
                roles: vec!["GROUP_OWNER".to_owned()],
            }],
            access_list: vec![
                ExportedEntry {
                    entry: "203.0.113.10".to_owned(),
                    created: None,
                    last_used: Some("2026-11-20T00:00:00Z".to_owned()),
                    last_used_address: Some("203.0.113.10".to_owned()),
                    requests: Some(3),
                },
                ExportedEntry {
                    entry: "198.51.100.0/24".to_owned(),
                    created: None,
                    last_used: None,
                    last_used_address: None,
                    requests: None,
                },
            ],
            secrets: Vec::new(),
            unread: None,
        }
    }

    #[test]
    fn csv_has_one_row_per_credential_and_no_formula() {
        let bytes = credentials_file(
            "Acme",
            "2026-11-24T00:00:00Z",
            &[credential()],
            ExportFormat::Csv,
        )
        .unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "abcdefgh");
        assert!(rows[0][2].starts_with("'="), "{}", &rows[0][2]);
        assert_eq!(&rows[0][3], "ORG_MEMBER; ORG_READ_ONLY");
        assert_eq!(&rows[0][4], "Production: GROUP_OWNER");
        assert_eq!(
            &rows[0][5],
            "203.0.113.10 (last used 2026-11-20T00:00:00Z); 198.51.100.0/24 (never used)"
        );
    }

    #[test]
    fn json_has_the_organization_and_every_credential() {
        let bytes = credentials_file(
            "Acme",
            "2026-11-24T00:00:00Z",
            &[credential()],
            ExportFormat::Json,
        )
        .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["organization"], "Acme");
        assert_eq!(value["credentials"][0]["accessList"][0]["requests"], 3);
        assert_eq!(value["credentials"][0]["orgRoles"][1], "ORG_READ_ONLY");
    }

    #[test]
    fn a_finding_about_the_organization_is_a_row_of_its_own() {
        use crate::atlas::{DelegationSettings, McpAccess};
        use crate::audit::review::{ReviewSettings, review_now};
        let input = ReviewInput {
            access_list_required: true,
            keys: Vec::new(),
            accounts: Vec::new(),
            delegation: Some(DelegationSettings {
                delegated_mcp_access: McpAccess::ReadWrite,
                maximum_refresh_token_lifetime: Some(86_400),
                idle_refresh_token_lifetime: Some(3_600),
                ..DelegationSettings::default()
            }),
        };
        let report = review_now(&input, &ReviewSettings::default());
        let export = export_review(&input, &report, ExportFormat::Csv).unwrap();
        assert_eq!(export.rows, 1);
        let text = String::from_utf8(export.bytes).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 2, "{text}");
        assert!(
            rows[1].starts_with(
                "medium,MCP delegated access is read and write,organization,,,\"MCP clients"
            ),
            "{}",
            rows[1]
        );
    }
}
