//! Access review: what an administrator should look at in an organization's
//! credentials, from what the app has already read (no request to Atlas):
//! open to the internet, no access list, owners, unused, secrets expiring or
//! expired, overlapping entries, credentials that can do nothing; and the
//! delegated access the access lists do not cover.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atlas::{DelegationSettings, McpAccess, PartnerAccess};

/// The thresholds of a review, kept with each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewSettings {
    /// A credential not used in this many days is reported.
    pub unused_days: u32,
    /// A secret that expires within this many days is reported.
    pub expiry_warning_days: u32,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            unused_days: 90,
            expiry_warning_days: 7,
        }
    }
}

impl ReviewSettings {
    /// Refuses thresholds that make no sense, saying what to fix.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=3650).contains(&self.unused_days) {
            return Err("\"Not used in\" must be 1 to 3,650 days.".to_owned());
        }
        if !(1..=365).contains(&self.expiry_warning_days) {
            return Err("\"Secrets expiring within\" must be 1 to 365 days.".to_owned());
        }
        Ok(())
    }
}

/// An access-list entry: its address or block, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedEntry {
    pub entry: String,
    #[ts(optional)]
    #[serde(default)]
    pub last_used: Option<String>,
}

/// An API key as the review needs it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedKey {
    pub id: String,
    pub public_key: String,
    pub desc: String,
    pub org_roles: Vec<String>,
    pub project_count: u32,
    /// Absent while its access list has not been read.
    #[ts(optional)]
    #[serde(default)]
    pub entries: Option<Vec<ReviewedEntry>>,
    /// Its access list cannot be read with the connection's role (only the
    /// key itself and an Organization Owner may): "list unknown", never
    /// "no list", and never waited for.
    #[serde(default)]
    pub list_unreadable: bool,
}

/// A service account's secret as the review needs it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedSecret {
    pub id: String,
    pub expires_at: String,
    #[ts(optional)]
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// A service account as the review needs it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewedAccount {
    pub client_id: String,
    pub name: String,
    pub org_roles: Vec<String>,
    /// Absent while its projects have not been read.
    #[ts(optional)]
    #[serde(default)]
    pub project_count: Option<u32>,
    pub secrets: Vec<ReviewedSecret>,
    /// Absent while its access list has not been read.
    #[ts(optional)]
    #[serde(default)]
    pub entries: Option<Vec<ReviewedEntry>>,
    /// Atlas's own (for MCP): counted and reviewed, but not told to be
    /// deleted or given roles, which Atlas decides.
    #[serde(default)]
    pub system_managed: bool,
}

/// What is reviewed: the organization's credentials as the app has read
/// them, and whether it requires an access list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewInput {
    pub access_list_required: bool,
    pub keys: Vec<ReviewedKey>,
    pub accounts: Vec<ReviewedAccount>,
    /// The organization's delegated-access policy; absent while not read
    /// (or not readable with the connection's role).
    #[ts(optional)]
    #[serde(default)]
    pub delegation: Option<DelegationSettings>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    OpenToInternet,
    NoAccessList,
    OrgOwners,
    NeverUsed,
    NotUsedRecently,
    UseUnknown,
    SecretsExpiring,
    ExpiredSecrets,
    OverlappingEntries,
    CanDoNothing,
    ListUnknown,
    NoProjectLiveSecrets,
    /// The organization's, not a credential's: MCP clients may change things.
    McpReadWrite,
    /// The organization's: partner apps may act for its people.
    PartnerAccessAllowed,
    /// The organization's: delegated access is allowed, and its refresh
    /// tokens last as long as Atlas's default lets them.
    RefreshTokensSystemDefault,
}

/// A credential a finding concerns: where its fix is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Concerned {
    ApiKey {
        id: String,
        public_key: String,
        name: String,
    },
    ServiceAccount {
        client_id: String,
        name: String,
    },
}

/// One credential in a finding, and what about it. The credential is named
/// by its place in the input, keys first, then accounts: a finding can list
/// thousands, and the page knows them already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindingItem {
    pub credential: u32,
    pub note: String,
}

impl ReviewInput {
    /// The credential at `index` (keys first, then accounts), if any.
    pub fn concerned(&self, index: u32) -> Option<Concerned> {
        let index = index as usize;
        match self.keys.get(index) {
            Some(key) => Some(Concerned::ApiKey {
                id: key.id.clone(),
                public_key: key.public_key.clone(),
                name: key.desc.clone(),
            }),
            None => self.accounts.get(index - self.keys.len()).map(|account| {
                Concerned::ServiceAccount {
                    client_id: account.client_id.clone(),
                    name: account.name.clone(),
                }
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    pub items: Vec<FindingItem>,
}

/// The findings, the most severe first, and how many credentials could not
/// be fully reviewed because their access list or projects are not read yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewReport {
    pub findings: Vec<Finding>,
    pub not_read: u32,
}

fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// An entry's network: an address is its own /32 or /128.
fn network(text: &str) -> Option<IpNet> {
    text.parse::<IpNet>()
        .map(|net| net.trunc())
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .ok()
}

fn days(duration: Duration) -> i64 {
    duration.num_days().max(0)
}

/// One credential, in the parts every check reads.
struct Subject<'a> {
    /// Its place in the input: keys first, then accounts.
    concerned: u32,
    org_roles: &'a [String],
    project_count: Option<u32>,
    entries: Option<&'a [ReviewedEntry]>,
    list_unreadable: bool,
    /// Atlas's own account: its lifecycle is not the reviewer's to change.
    system_managed: bool,
    /// The last uses Atlas records for it besides its entries (secrets).
    other_uses: Vec<DateTime<Utc>>,
    is_key: bool,
}

#[derive(Default)]
struct Findings(BTreeMap<(Severity, usize), Finding>);

impl Findings {
    fn add(&mut self, kind: FindingKind, severity: Severity, credential: &u32, note: String) {
        let order = kind as usize;
        self.0
            .entry((severity, order))
            .or_insert_with(|| Finding {
                kind,
                severity,
                title: String::new(),
                detail: String::new(),
                items: Vec::new(),
            })
            .items
            .push(FindingItem {
                credential: *credential,
                note,
            });
    }
}

impl Findings {
    /// A finding about the organization itself: no credential, a note.
    fn add_org(&mut self, kind: FindingKind, severity: Severity, note: String) {
        self.0.insert(
            (severity, kind as usize),
            Finding {
                kind,
                severity,
                title: String::new(),
                detail: note,
                items: Vec::new(),
            },
        );
    }
}

/// What the organization lets apps do on a person's behalf, where the
/// access lists and the access-list requirement do not reach.
fn review_delegation(delegation: &DelegationSettings, findings: &mut Findings) {
    if delegation.delegated_mcp_access == McpAccess::ReadWrite {
        findings.add_org(
            FindingKind::McpReadWrite,
            Severity::Medium,
            "MCP clients (AI assistants and agents) signed in as anyone in the organization may change what that person can change, from any address: the API access lists and the access-list requirement do not apply to delegated access. Set MCP access to Read only or Disallowed unless changes through MCP are needed.".to_owned(),
        );
    }
    if delegation.delegated_partner_access == PartnerAccess::ReadWrite {
        findings.add_org(
            FindingKind::PartnerAccessAllowed,
            Severity::Medium,
            "Partner apps signed in as anyone in the organization may read and change what that person can, from any address: the API access lists do not apply to them. Disallow it unless a partner integration needs it.".to_owned(),
        );
    }
    let delegated = delegation.delegated_mcp_access != McpAccess::Disallowed
        || delegation.delegated_partner_access != PartnerAccess::Disallowed;
    let defaults: Vec<&str> = [
        ("maximum", delegation.maximum_refresh_token_lifetime),
        ("idle", delegation.idle_refresh_token_lifetime),
    ]
    .into_iter()
    .filter(|(_, lifetime)| lifetime.is_none())
    .map(|(name, _)| name)
    .collect();
    if delegated && !defaults.is_empty() {
        findings.add_org(
            FindingKind::RefreshTokensSystemDefault,
            Severity::Low,
            format!(
                "Delegated access is allowed, and its refresh tokens' {} {} Atlas's system default: an app keeps signing in as the person for as long as Atlas allows. Set lifetimes as short as the apps need.",
                defaults.join(" and "),
                if defaults.len() == 1 { "lifetime is" } else { "lifetimes are" }
            ),
        );
    }
}

/// Reviews `input` as of `now`.
pub fn review(input: &ReviewInput, settings: &ReviewSettings, now: DateTime<Utc>) -> ReviewReport {
    let mut subjects: Vec<Subject> = Vec::new();
    for (index, key) in input.keys.iter().enumerate() {
        subjects.push(Subject {
            concerned: index as u32,
            org_roles: &key.org_roles,
            project_count: Some(key.project_count),
            entries: key.entries.as_deref(),
            list_unreadable: key.list_unreadable,
            system_managed: false,
            other_uses: Vec::new(),
            is_key: true,
        });
    }
    let mut findings = Findings::default();
    if let Some(delegation) = &input.delegation {
        review_delegation(delegation, &mut findings);
    }
    for (index, account) in input.accounts.iter().enumerate() {
        let concerned = (input.keys.len() + index) as u32;
        for secret in &account.secrets {
            let Some(expires) = time(&secret.expires_at) else {
                continue;
            };
            if expires <= now {
                findings.add(
                    FindingKind::ExpiredSecrets,
                    Severity::Low,
                    &concerned,
                    format!(
                        "a secret expired {} days ago and is still there",
                        days(now - expires)
                    ),
                );
            } else if expires - now <= Duration::days(i64::from(settings.expiry_warning_days)) {
                let left = expires - now;
                let when = if left.num_days() >= 1 {
                    format!("in {} days", left.num_days())
                } else {
                    format!("in {} hours", left.num_hours().max(1))
                };
                findings.add(
                    FindingKind::SecretsExpiring,
                    Severity::Medium,
                    &concerned,
                    format!("a secret expires {when}"),
                );
            }
        }
        let live = account
            .secrets
            .iter()
            .filter(|secret| time(&secret.expires_at).is_some_and(|at| at > now))
            .count();
        if account.project_count == Some(0) && live > 0 && !account.system_managed {
            findings.add(
                FindingKind::NoProjectLiveSecrets,
                Severity::Low,
                &concerned,
                format!(
                    "in no project, {live} live {}",
                    if live == 1 { "secret" } else { "secrets" }
                ),
            );
        }
        subjects.push(Subject {
            concerned,
            org_roles: &account.org_roles,
            project_count: account.project_count,
            entries: account.entries.as_deref(),
            list_unreadable: false,
            system_managed: account.system_managed,
            other_uses: account
                .secrets
                .iter()
                .filter_map(|secret| secret.last_used_at.as_deref().and_then(time))
                .collect(),
            is_key: false,
        });
    }

    let mut not_read = 0;
    for subject in &subjects {
        let concerned = &subject.concerned;
        if subject.org_roles.iter().any(|role| role == "ORG_OWNER") {
            findings.add(
                FindingKind::OrgOwners,
                Severity::Medium,
                concerned,
                "Organization Owner".to_owned(),
            );
        }
        if subject.project_count == Some(0)
            && !subject.system_managed
            && !subject.org_roles.is_empty()
            && subject.org_roles.iter().all(|role| role == "ORG_MEMBER")
        {
            findings.add(
                FindingKind::CanDoNothing,
                Severity::Low,
                concerned,
                "Organization Member only, in no project".to_owned(),
            );
        }
        let Some(entries) = subject.entries else {
            if subject.list_unreadable {
                findings.add(
                    FindingKind::ListUnknown,
                    Severity::Low,
                    concerned,
                    "its access list could not be read".to_owned(),
                );
            } else {
                not_read += 1;
            }
            continue;
        };
        if subject.project_count.is_none() {
            not_read += 1;
        }
        let networks: Vec<(&str, IpNet)> = entries
            .iter()
            .filter_map(|entry| network(&entry.entry).map(|net| (entry.entry.as_str(), net)))
            .collect();
        for (text, net) in &networks {
            if net.prefix_len() == 0 {
                findings.add(
                    FindingKind::OpenToInternet,
                    Severity::High,
                    concerned,
                    format!("{text} lets in every address"),
                );
            }
        }
        if entries.is_empty() && !input.access_list_required {
            findings.add(
                FindingKind::NoAccessList,
                Severity::Medium,
                concerned,
                "no access list".to_owned(),
            );
        }
        for (index, (inner_text, inner)) in networks.iter().enumerate() {
            let outer = networks.iter().enumerate().find(|(other, (_, outer))| {
                *other != index
                    && outer.contains(inner)
                    && (outer != inner || *other < index)
                    && outer.prefix_len() > 0
            });
            if let Some((_, (outer_text, _))) = outer {
                findings.add(
                    FindingKind::OverlappingEntries,
                    Severity::Low,
                    concerned,
                    format!("{inner_text} is already inside {outer_text}"),
                );
            }
        }
        let last_use = entries
            .iter()
            .filter_map(|entry| entry.last_used.as_deref().and_then(time))
            .chain(subject.other_uses.iter().copied())
            .max();
        match last_use {
            Some(at) if now - at > Duration::days(i64::from(settings.unused_days)) => findings.add(
                FindingKind::NotUsedRecently,
                Severity::Low,
                concerned,
                format!("last used {} days ago", days(now - at)),
            ),
            Some(_) => {}
            // Atlas records a key's use only on its access-list entries.
            None if subject.is_key && entries.is_empty() => findings.add(
                FindingKind::UseUnknown,
                Severity::Low,
                concerned,
                "no access list, so Atlas records no use".to_owned(),
            ),
            None => findings.add(
                FindingKind::NeverUsed,
                Severity::Low,
                concerned,
                "no recorded use".to_owned(),
            ),
        }
    }

    let findings = findings
        .0
        .into_values()
        .map(|mut finding| {
            let (title, detail) = words(finding.kind, finding.items.len(), settings);
            finding.title = title;
            // An organization's finding keeps the note it was made with.
            if !detail.is_empty() {
                finding.detail = detail;
            }
            finding
        })
        .collect();
    ReviewReport { findings, not_read }
}

/// Reviews `input` as of this moment.
pub fn review_now(input: &ReviewInput, settings: &ReviewSettings) -> ReviewReport {
    review(
        input,
        settings,
        DateTime::<Utc>::from(std::time::SystemTime::now()),
    )
}

/// A finding's title and what it means, in words.
fn words(kind: FindingKind, count: usize, settings: &ReviewSettings) -> (String, String) {
    let credentials = if count == 1 {
        "1 credential".to_owned()
    } else {
        format!("{count} credentials")
    };
    match kind {
        FindingKind::OpenToInternet => (
            format!("{credentials} open to the whole internet"),
            "An entry of 0.0.0.0/0 or ::/0 lets anyone who has the key or secret use it from anywhere. Replace it with the addresses that need access.".to_owned(),
        ),
        FindingKind::NoAccessList => (
            format!("{credentials} with no access list"),
            "The organization does not require an access list, so these can be used from any address. Give each the addresses that use it.".to_owned(),
        ),
        FindingKind::OrgOwners => (
            format!("{credentials} with Organization Owner"),
            "Organization Owner can do anything in the organization, including managing every key. Keep it to the few that need it.".to_owned(),
        ),
        FindingKind::NeverUsed => (
            format!("{credentials} never used"),
            "Atlas records no use of these. If nothing needs them, delete them.".to_owned(),
        ),
        FindingKind::NotUsedRecently => (
            format!("{credentials} not used in {} days", settings.unused_days),
            "Atlas has recorded no use of these for a while. If nothing needs them any more, delete them.".to_owned(),
        ),
        FindingKind::UseUnknown => (
            format!("{credentials} whose use cannot be known"),
            "Atlas records an API key's use only on its access-list entries: with no list, whether these keys were ever used cannot be known.".to_owned(),
        ),
        FindingKind::SecretsExpiring => (
            format!(
                "{credentials} with a secret expiring within {} days",
                settings.expiry_warning_days
            ),
            "Once a secret expires, what uses it is refused. Generate a new secret and move its users to it.".to_owned(),
        ),
        FindingKind::ExpiredSecrets => (
            format!("{credentials} with expired secrets not deleted"),
            "An expired secret no longer works. Delete it, so the account lists only secrets in use.".to_owned(),
        ),
        FindingKind::OverlappingEntries => (
            format!("{credentials} with overlapping access-list entries"),
            "An entry inside another of the same list adds nothing. Remove the narrower one, or the wider one if it is too wide.".to_owned(),
        ),
        FindingKind::CanDoNothing => (
            format!("{credentials} that can do nothing"),
            "Organization Member alone, in no project, gives no access to anything. Give it the roles it needs, or delete it.".to_owned(),
        ),
        FindingKind::NoProjectLiveSecrets => (
            format!("{credentials} in no project, with live secrets"),
            "Removing a service account from its projects leaves its secrets live: whatever holds one still signs in, with the account's organization roles. If nothing needs them, delete the secrets or the account.".to_owned(),
        ),
        FindingKind::ListUnknown => (
            format!("{credentials} whose access list is unknown"),
            "Only a key itself and an Organization Owner may read its access list, so whether these are open to every address cannot be told with this connection. Review them with an Organization Owner connection.".to_owned(),
        ),
        FindingKind::McpReadWrite => (
            "MCP delegated access is read and write".to_owned(),
            String::new(),
        ),
        FindingKind::PartnerAccessAllowed => {
            ("Partner access is allowed".to_owned(), String::new())
        }
        FindingKind::RefreshTokensSystemDefault => (
            "Refresh tokens last the system default".to_owned(),
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn now() -> DateTime<Utc> {
        time("2026-11-24T12:00:00Z").unwrap()
    }

    fn entry(text: &str, last_used: Option<&str>) -> ReviewedEntry {
        ReviewedEntry {
            entry: text.to_owned(),
            last_used: last_used.map(str::to_owned),
        }
    }

    fn key(
        public_key: &str,
        roles: &[&str],
        projects: u32,
        entries: Option<Vec<ReviewedEntry>>,
    ) -> ReviewedKey {
        ReviewedKey {
            id: format!("{public_key}0000000000000000"),
            public_key: public_key.to_owned(),
            desc: format!("key {public_key}"),
            org_roles: roles.iter().map(|role| (*role).to_owned()).collect(),
            project_count: projects,
            entries,
            list_unreadable: false,
        }
    }

    #[test]
    fn an_account_in_no_project_with_a_live_secret_is_a_finding() {
        let account = |id: &str, projects: Option<u32>, expires_at: &str| ReviewedAccount {
            client_id: id.to_owned(),
            name: id.to_owned(),
            org_roles: vec!["ORG_MEMBER".to_owned()],
            project_count: projects,
            secrets: vec![ReviewedSecret {
                id: format!("{id}-secret"),
                expires_at: expires_at.to_owned(),
                last_used_at: None,
            }],
            entries: Some(Vec::new()),
            system_managed: false,
        };
        let input = ReviewInput {
            access_list_required: true,
            keys: Vec::new(),
            accounts: vec![
                account("orphan", Some(0), "2027-06-01T00:00:00Z"),
                account("expired", Some(0), "2026-01-01T00:00:00Z"),
                account("placed", Some(1), "2027-06-01T00:00:00Z"),
                account("unread", None, "2027-06-01T00:00:00Z"),
                ReviewedAccount {
                    system_managed: true,
                    ..account("atlas-own", Some(0), "2027-06-01T00:00:00Z")
                },
            ],
            delegation: None,
        };
        let report = review(&input, &ReviewSettings::default(), now());
        assert_eq!(
            find_in(&input, &report, FindingKind::NoProjectLiveSecrets),
            ["orphan"]
        );
    }

    #[test]
    fn a_list_the_role_cannot_read_is_unknown_not_missing_and_not_awaited() {
        let unreadable = ReviewedKey {
            list_unreadable: true,
            ..key("denied", &["ORG_MEMBER"], 1, None)
        };
        let input = ReviewInput {
            access_list_required: false,
            keys: vec![unreadable, key("pending", &["ORG_MEMBER"], 1, None)],
            accounts: Vec::new(),
            delegation: None,
        };
        let report = review(&input, &ReviewSettings::default(), now());
        assert_eq!(
            find_in(&input, &report, FindingKind::ListUnknown),
            ["denied"]
        );
        for listless in [
            FindingKind::NoAccessList,
            FindingKind::UseUnknown,
            FindingKind::OpenToInternet,
        ] {
            assert!(
                find_in(&input, &report, listless).is_empty(),
                "{listless:?}"
            );
        }
        // Only the list still being read is waited for.
        assert_eq!(report.not_read, 1);
    }

    fn find_in(input: &ReviewInput, report: &ReviewReport, kind: FindingKind) -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|finding| finding.kind == kind)
            .flat_map(|finding| &finding.items)
            .map(|item| match input.concerned(item.credential).unwrap() {
                Concerned::ApiKey { public_key, .. } => public_key,
                Concerned::ServiceAccount { client_id, .. } => client_id,
            })
            .collect()
    }

    #[test]
    fn each_check_finds_what_it_is_about_and_nothing_else() {
        let recent = Some("2026-11-20T00:00:00Z");
        let input = ReviewInput {
            access_list_required: false,
            keys: vec![
                key(
                    "open",
                    &["ORG_MEMBER"],
                    1,
                    Some(vec![entry("0.0.0.0/0", recent)]),
                ),
                key("nolist", &["ORG_READ_ONLY"], 0, Some(vec![])),
                key(
                    "owner",
                    &["ORG_OWNER"],
                    0,
                    Some(vec![entry("192.0.2.1", recent)]),
                ),
                key(
                    "idle",
                    &["ORG_READ_ONLY"],
                    0,
                    Some(vec![entry("192.0.2.2", Some("2026-01-01T00:00:00Z"))]),
                ),
                key(
                    "never",
                    &["ORG_READ_ONLY"],
                    0,
                    Some(vec![entry("192.0.2.3", None)]),
                ),
                key(
                    "overlap",
                    &["ORG_READ_ONLY"],
                    0,
                    Some(vec![
                        entry("203.0.113.0/24", recent),
                        entry("203.0.113.0/28", None),
                        entry("2001:db8::/32", None),
                        entry("2001:db8::17", None),
                    ]),
                ),
                key(
                    "idlekey",
                    &["ORG_MEMBER"],
                    0,
                    Some(vec![entry("192.0.2.4", recent)]),
                ),
                key("unread", &["ORG_READ_ONLY"], 0, None),
            ],
            accounts: vec![ReviewedAccount {
                client_id: "mdb_sa_id_1".to_owned(),
                name: "Deployer".to_owned(),
                org_roles: vec!["ORG_MEMBER".to_owned()],
                project_count: Some(2),
                secrets: vec![
                    ReviewedSecret {
                        id: "s1".to_owned(),
                        expires_at: "2026-11-27T12:00:00Z".to_owned(),
                        last_used_at: Some("2026-11-23T00:00:00Z".to_owned()),
                    },
                    ReviewedSecret {
                        id: "s2".to_owned(),
                        expires_at: "2026-11-01T00:00:00Z".to_owned(),
                        last_used_at: None,
                    },
                ],
                entries: Some(vec![entry("198.51.100.1", None)]),
                system_managed: false,
            }],
            delegation: None,
        };
        let report = review(&input, &ReviewSettings::default(), now());
        assert_eq!(
            find_in(&input, &report, FindingKind::OpenToInternet),
            ["open"]
        );
        assert_eq!(
            find_in(&input, &report, FindingKind::NoAccessList),
            ["nolist"]
        );
        assert_eq!(find_in(&input, &report, FindingKind::OrgOwners), ["owner"]);
        assert_eq!(
            find_in(&input, &report, FindingKind::NotUsedRecently),
            ["idle"]
        );
        assert_eq!(find_in(&input, &report, FindingKind::NeverUsed), ["never"]);
        assert_eq!(
            find_in(&input, &report, FindingKind::UseUnknown),
            ["nolist"]
        );
        assert_eq!(
            find_in(&input, &report, FindingKind::OverlappingEntries),
            ["overlap", "overlap"]
        );
        assert_eq!(
            find_in(&input, &report, FindingKind::CanDoNothing),
            ["idlekey"]
        );
        // The account was used through a secret: not "never used".
        assert_eq!(
            find_in(&input, &report, FindingKind::SecretsExpiring),
            ["mdb_sa_id_1"]
        );
        assert_eq!(
            find_in(&input, &report, FindingKind::ExpiredSecrets),
            ["mdb_sa_id_1"]
        );
        assert_eq!(report.not_read, 1);
        assert_eq!(report.findings[0].severity, Severity::High);
        assert!(
            report
                .findings
                .windows(2)
                .all(|pair| pair[0].severity <= pair[1].severity)
        );
        let overlap = report
            .findings
            .iter()
            .find(|finding| finding.kind == FindingKind::OverlappingEntries)
            .unwrap();
        assert_eq!(
            overlap.items[0].note,
            "203.0.113.0/28 is already inside 203.0.113.0/24"
        );
        assert_eq!(
            overlap.items[1].note,
            "2001:db8::17 is already inside 2001:db8::/32"
        );
    }

    #[test]
    fn a_required_access_list_and_the_thresholds_change_what_is_found() {
        let input = ReviewInput {
            access_list_required: true,
            keys: vec![
                key(
                    "idle",
                    &["ORG_READ_ONLY"],
                    0,
                    Some(vec![entry("192.0.2.2", Some("2026-10-01T00:00:00Z"))]),
                ),
                key("nolist", &["ORG_READ_ONLY"], 0, Some(vec![])),
            ],
            accounts: vec![],
            delegation: None,
        };
        let report = review(&input, &ReviewSettings::default(), now());
        assert!(find_in(&input, &report, FindingKind::NoAccessList).is_empty());
        assert!(find_in(&input, &report, FindingKind::NotUsedRecently).is_empty());
        let strict = ReviewSettings {
            unused_days: 30,
            expiry_warning_days: 7,
        };
        let report = review(&input, &strict, now());
        assert_eq!(
            find_in(&input, &report, FindingKind::NotUsedRecently),
            ["idle"]
        );
        assert_eq!(report.findings[0].title, "1 credential not used in 30 days");
        assert!(
            ReviewSettings {
                unused_days: 0,
                expiry_warning_days: 7
            }
            .check()
            .is_err()
        );
        assert!(ReviewSettings::default().check().is_ok());
    }

    #[test]
    fn delegated_access_the_access_lists_do_not_cover_is_found_on_the_organization() {
        let input = |delegation| ReviewInput {
            access_list_required: true,
            keys: vec![],
            accounts: vec![],
            delegation,
        };
        let kinds = |report: &ReviewReport| -> Vec<FindingKind> {
            report.findings.iter().map(|finding| finding.kind).collect()
        };
        let settings = ReviewSettings::default();
        // Not read: nothing said about it.
        assert!(review(&input(None), &settings, now()).findings.is_empty());
        // Atlas's defaults: nothing delegated, so nothing to find.
        let defaults = DelegationSettings::default();
        assert!(
            review(&input(Some(defaults)), &settings, now())
                .findings
                .is_empty()
        );
        let open = DelegationSettings {
            delegated_mcp_access: McpAccess::ReadWrite,
            delegated_partner_access: PartnerAccess::ReadWrite,
            maximum_refresh_token_lifetime: Some(86_400),
            idle_refresh_token_lifetime: None,
        };
        let report = review(&input(Some(open)), &settings, now());
        assert_eq!(
            kinds(&report),
            [
                FindingKind::McpReadWrite,
                FindingKind::PartnerAccessAllowed,
                FindingKind::RefreshTokensSystemDefault
            ]
        );
        let titles: Vec<&str> = report.findings.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "MCP delegated access is read and write",
                "Partner access is allowed",
                "Refresh tokens last the system default"
            ]
        );
        assert!(
            report
                .findings
                .iter()
                .all(|finding| finding.items.is_empty())
        );
        assert!(
            report.findings[0]
                .detail
                .contains("the API access lists and the access-list requirement do not apply")
        );
        assert!(
            report.findings[2]
                .detail
                .contains("idle lifetime is Atlas's"),
            "{}",
            report.findings[2].detail
        );
        // Read only, lifetimes set: nothing to find.
        let tight = DelegationSettings {
            delegated_mcp_access: McpAccess::ReadOnly,
            delegated_partner_access: PartnerAccess::Disallowed,
            maximum_refresh_token_lifetime: Some(86_400),
            idle_refresh_token_lifetime: Some(3_600),
        };
        assert!(
            review(&input(Some(tight)), &settings, now())
                .findings
                .is_empty()
        );
        // Read only with default lifetimes: only the lifetimes.
        let report = review(
            &input(Some(DelegationSettings {
                delegated_mcp_access: McpAccess::ReadOnly,
                ..DelegationSettings::default()
            })),
            &settings,
            now(),
        );
        assert_eq!(kinds(&report), [FindingKind::RefreshTokensSystemDefault]);
        assert!(
            report.findings[0]
                .detail
                .contains("maximum and idle lifetimes are")
        );
    }
}
