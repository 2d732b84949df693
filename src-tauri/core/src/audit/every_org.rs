//! The access review over every organization the connection sees, for
//! those who administer many: each organization read as the review screen
//! reads one (its keys with their access lists, its service accounts with
//! theirs, its settings and delegated access), one organization at a time so
//! the requests stay as bounded as for one, and reviewed. An organization
//! the connection cannot read is listed as such; the run can be stopped.

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use ts_rs::TS;

use crate::access::usecases::{
    Inventory, Progress, ServiceAccountInventory, load_inventory, load_service_accounts,
};
use crate::atlas::{AtlasClient, AtlasError, Organization};
use crate::audit::review::{
    Concerned, FindingKind, ReviewInput, ReviewSettings, ReviewedAccount, ReviewedEntry,
    ReviewedKey, ReviewedSecret, Severity, review_now,
};

/// The review's input for one organization, from what was read of it: the
/// same shape the review screen makes from its caches. Accounts that could
/// not be read are left out (`None`), never taken for none.
pub fn review_input(
    org_id: &str,
    inventory: &Inventory,
    accounts: Option<&[ServiceAccountInventory]>,
    access_list_required: bool,
    delegation: Option<crate::atlas::DelegationSettings>,
) -> ReviewInput {
    let keys = inventory
        .keys
        .iter()
        .map(|item| ReviewedKey {
            id: item.key.id.clone(),
            public_key: item.key.public_key.clone(),
            desc: item.key.desc.clone(),
            org_roles: item.key.org_roles(org_id).map(str::to_owned).collect(),
            project_count: u32::try_from(item.project_roles.len()).unwrap_or(u32::MAX),
            entries: item.access_list_error.is_none().then(|| {
                item.access_list
                    .iter()
                    .map(|entry| ReviewedEntry {
                        entry: entry.name.clone(),
                        last_used: entry.last_used.clone(),
                    })
                    .collect()
            }),
            list_unreadable: item.access_list_error.is_some(),
        })
        .collect();
    let accounts = accounts
        .unwrap_or_default()
        .iter()
        .map(|item| ReviewedAccount {
            client_id: item.account.client_id.clone(),
            name: item.account.name.clone(),
            org_roles: item.account.roles.clone(),
            project_count: item
                .error
                .is_none()
                .then(|| u32::try_from(item.projects.len()).unwrap_or(u32::MAX)),
            secrets: item
                .account
                .secrets
                .iter()
                .map(|secret| ReviewedSecret {
                    id: secret.id.clone(),
                    expires_at: secret.expires_at.clone(),
                    last_used_at: secret.last_used_at.clone(),
                })
                .collect(),
            entries: item.error.is_none().then(|| {
                item.access_list
                    .iter()
                    .map(|entry| ReviewedEntry {
                        entry: entry.name.clone(),
                        last_used: entry.last_used_at.clone(),
                    })
                    .collect()
            }),
            system_managed: item.account.system_managed,
        })
        .collect();
    ReviewInput {
        access_list_required,
        keys,
        accounts,
        delegation,
    }
}

/// One finding of an organization, its credentials named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgFinding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    /// Each credential: "API key abcdefgh (its name): the note".
    pub credentials: Vec<String>,
}

/// How one organization's review went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "status",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum OrgReviewOutcome {
    Reviewed {
        findings: Vec<OrgFinding>,
        /// Keys and service accounts reviewed.
        credentials: u32,
        /// What could not be read with the connection's role (service
        /// accounts, delegated access), said so.
        #[ts(optional)]
        #[serde(skip_serializing_if = "Option::is_none")]
        partly: Option<String>,
    },
    /// The connection cannot read this organization: why, in words.
    Unreadable { reason: String },
    /// Stopped before it was read.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgReview {
    pub org_id: String,
    pub name: String,
    pub outcome: OrgReviewOutcome,
}

impl OrgReview {
    /// How many findings it has; none for an organization not reviewed.
    pub fn finding_count(&self) -> usize {
        match &self.outcome {
            OrgReviewOutcome::Reviewed { findings, .. } => findings.len(),
            _ => 0,
        }
    }
}

/// Stops a run: [`Stop::stop`] from anywhere, the run ends at its next
/// request and lists what it did not reach as cancelled.
#[derive(Debug, Clone)]
pub struct Stop(watch::Sender<bool>);

impl Default for Stop {
    fn default() -> Self {
        Self(watch::channel(false).0)
    }
}

impl Stop {
    pub fn stop(&self) {
        self.0.send_replace(true);
    }

    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    pub(crate) async fn stopped(&self) {
        let mut receiver = self.0.subscribe();
        // An error means the sender is gone: never stopped, then.
        if receiver.wait_for(|stopped| *stopped).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

fn reason(error: &AtlasError) -> String {
    error.advice()
}

/// Reads and reviews one organization.
async fn review_one(
    client: &AtlasClient,
    org: &Organization,
    settings: &ReviewSettings,
    concurrency: usize,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> OrgReviewOutcome {
    let org_id = org.id.as_str();
    // What every role may read: a refusal here means the organization cannot
    // be reviewed at all. Delegated access, one request, is read alongside.
    let (readable, delegation) = futures::join!(
        async {
            futures::try_join!(
                load_inventory(client, org_id, concurrency, on_progress),
                client.org_settings(org_id)
            )
        },
        client.delegation_settings(org_id)
    );
    let (inventory, org_settings) = match readable {
        Ok(read) => read,
        Err(error) => {
            return OrgReviewOutcome::Unreadable {
                reason: reason(&error),
            };
        }
    };
    let mut partly = Vec::new();
    let accounts = match load_service_accounts(client, org_id, concurrency, &|_| {}).await {
        Ok(accounts) => Some(accounts),
        Err(error) => {
            partly.push(format!("service accounts not read ({})", reason(&error)));
            None
        }
    };
    let delegation = match delegation {
        Ok(delegation) => Some(delegation),
        Err(error) => {
            partly.push(format!("delegated access not read ({})", reason(&error)));
            None
        }
    };
    let input = review_input(
        org_id,
        &inventory,
        accounts.as_deref(),
        org_settings.api_access_list_required,
        delegation,
    );
    let report = review_now(&input, settings);
    let findings = report
        .findings
        .into_iter()
        .map(|finding| OrgFinding {
            credentials: finding
                .items
                .iter()
                .filter_map(|item| {
                    let named = match input.concerned(item.credential)? {
                        Concerned::ApiKey {
                            public_key, name, ..
                        } => format!("API key {public_key} ({name})"),
                        Concerned::ServiceAccount { client_id, name } => {
                            format!("service account {client_id} ({name})")
                        }
                    };
                    Some(format!("{named}: {}", item.note))
                })
                .collect(),
            kind: finding.kind,
            severity: finding.severity,
            title: finding.title,
            detail: finding.detail,
        })
        .collect();
    OrgReviewOutcome::Reviewed {
        findings,
        credentials: u32::try_from(input.keys.len() + input.accounts.len()).unwrap_or(u32::MAX),
        partly: (!partly.is_empty()).then(|| partly.join("; ")),
    }
}

/// Reviews every organization of `orgs`, one after another, each read
/// `concurrency` requests at a time (Atlas's 429s waited out as for any
/// read). `on_progress` counts the organizations done. Stopped through
/// `stop`, the organizations not reached are listed as cancelled.
pub async fn review_every_org(
    client: &AtlasClient,
    orgs: &[Organization],
    settings: &ReviewSettings,
    concurrency: usize,
    stop: &Stop,
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Vec<OrgReview> {
    let total = orgs.len();
    let mut reviews = Vec::with_capacity(total);
    let mut stopped = false;
    for (done, org) in orgs.iter().enumerate() {
        on_progress(Progress { done, total });
        let outcome = if stopped {
            OrgReviewOutcome::Cancelled
        } else {
            tokio::select! {
                biased;
                () = stop.stopped() => {
                    stopped = true;
                    OrgReviewOutcome::Cancelled
                }
                outcome = review_one(client, org, settings, concurrency, &|_| {}) => outcome,
            }
        };
        reviews.push(OrgReview {
            org_id: org.id.clone(),
            name: org.name.clone(),
            outcome,
        });
    }
    on_progress(Progress { done: total, total });
    tracing::info!(orgs = total, stopped, "every organization reviewed");
    reviews
}

/// The review of every organization as a file: one CSV row per credential
/// of each finding (one for a finding about an organization itself, and
/// one for an organization not reviewed, saying why), each with its
/// Organization and the organization's finding count; or the reviews as JSON.
pub fn every_org_review_file(
    reviews: &[OrgReview],
    format: crate::audit::export::ExportFormat,
) -> Result<crate::audit::export::Export, crate::error::CoreError> {
    use crate::audit::export::{Export, ExportFormat, csv_file, json_file};
    let severity = |severity: Severity| format!("{severity:?}").to_lowercase();
    let mut rows: Vec<[String; 6]> = Vec::new();
    for review in reviews {
        let count = review.finding_count().to_string();
        let mut row = |status: &str, severity: String, finding: &str, credential: &str| {
            rows.push([
                review.name.clone(),
                count.clone(),
                status.to_owned(),
                severity,
                finding.to_owned(),
                credential.to_owned(),
            ]);
        };
        match &review.outcome {
            OrgReviewOutcome::Reviewed { findings, .. } if findings.is_empty() => {
                row("reviewed", String::new(), "no finding", "");
            }
            OrgReviewOutcome::Reviewed { findings, .. } => {
                for finding in findings {
                    if finding.credentials.is_empty() {
                        row(
                            "reviewed",
                            severity(finding.severity),
                            &finding.title,
                            &finding.detail,
                        );
                    }
                    for credential in &finding.credentials {
                        row(
                            "reviewed",
                            severity(finding.severity),
                            &finding.title,
                            credential,
                        );
                    }
                }
            }
            OrgReviewOutcome::Unreadable { reason } => {
                row("not readable", String::new(), reason, "");
            }
            OrgReviewOutcome::Cancelled => row("stopped before it was read", String::new(), "", ""),
        }
    }
    let bytes = match format {
        ExportFormat::Json => json_file(&reviews)?,
        ExportFormat::Csv => csv_file(
            [
                "organization",
                "findings",
                "review",
                "severity",
                "finding",
                "credential",
            ],
            rows.iter().cloned(),
        )?,
    };
    Ok(Export {
        bytes,
        rows: rows.len(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::audit::export::ExportFormat;

    /// One organization as read, and the review input made of it.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ReadOrganization {
        org_id: String,
        access_list_required: bool,
        delegation: Option<crate::atlas::DelegationSettings>,
        inventory: Inventory,
        accounts: Vec<ServiceAccountInventory>,
        input: ReviewInput,
    }

    /// The review screen makes its input in TypeScript (ui/src/review.ts,
    /// from its caches); `ui/src/review.test.ts` reads the same file, so the
    /// two ways agree.
    #[test]
    fn the_review_input_is_made_as_the_review_screen_makes_it() {
        let read: ReadOrganization = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../ui/src/test/review-input.json"
        )))
        .unwrap();
        let made = review_input(
            &read.org_id,
            &read.inventory,
            Some(&read.accounts),
            read.access_list_required,
            read.delegation,
        );
        assert_eq!(made, read.input);
        assert!(
            made.keys.iter().any(|key| key.list_unreadable)
                && made
                    .accounts
                    .iter()
                    .any(|account| account.entries.is_none()),
            "the file has a list that could not be read, of a key and of an account"
        );
    }

    #[test]
    fn every_organization_is_a_row_or_more_with_its_name_and_count() {
        let reviews = vec![
            OrgReview {
                org_id: "a".into(),
                name: "Acme, Inc".into(),
                outcome: OrgReviewOutcome::Reviewed {
                    findings: vec![OrgFinding {
                        kind: FindingKind::OpenToInternet,
                        severity: Severity::High,
                        title: "1 credential open to the whole internet".into(),
                        detail: "d".into(),
                        credentials: vec!["API key abcdefgh (x): 0.0.0.0/0".into()],
                    }],
                    credentials: 3,
                    partly: None,
                },
            },
            OrgReview {
                org_id: "b".into(),
                name: "Clean".into(),
                outcome: OrgReviewOutcome::Reviewed {
                    findings: vec![],
                    credentials: 1,
                    partly: None,
                },
            },
            OrgReview {
                org_id: "c".into(),
                name: "Closed".into(),
                outcome: OrgReviewOutcome::Unreadable {
                    reason: "This needs Organization Member".into(),
                },
            },
            OrgReview {
                org_id: "d".into(),
                name: "Later".into(),
                outcome: OrgReviewOutcome::Cancelled,
            },
        ];
        let export = every_org_review_file(&reviews, ExportFormat::Csv).unwrap();
        let text = String::from_utf8(export.bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "organization,findings,review,severity,finding,credential",
                "\"Acme, Inc\",1,reviewed,high,1 credential open to the whole internet,API key abcdefgh (x): 0.0.0.0/0",
                "Clean,0,reviewed,,no finding,",
                "Closed,0,not readable,,This needs Organization Member,",
                "Later,0,stopped before it was read,,,",
            ]
        );
        assert_eq!(export.rows, 4);
        let json = every_org_review_file(&reviews, ExportFormat::Json).unwrap();
        let back: Vec<OrgReview> = serde_json::from_slice(&json.bytes).unwrap();
        assert_eq!(back, reviews);
    }
}
