//! What the sandbox knows: organizations, projects, API keys and service
//! accounts with their roles and access lists. Serialised as is for `--state`.
//!
//! Private keys are never kept: only the digest HA1 (what Digest auth needs)
//! and the last 12 characters (what every read after creation shows).

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// The roles an organization can grant, as Atlas names them.
pub const ORG_ROLES: &[&str] = &[
    "ORG_OWNER",
    "ORG_MEMBER",
    "ORG_GROUP_CREATOR",
    "ORG_BILLING_ADMIN",
    "ORG_BILLING_READ_ONLY",
    "ORG_STREAM_PROCESSING_ADMIN",
    "ORG_READ_ONLY",
];

/// The roles a project can grant, as Atlas names them.
pub const PROJECT_ROLES: &[&str] = &[
    "GROUP_OWNER",
    "GROUP_CLUSTER_MANAGER",
    "GROUP_DATA_ACCESS_ADMIN",
    "GROUP_DATA_ACCESS_READ_WRITE",
    "GROUP_DATA_ACCESS_READ_ONLY",
    "GROUP_READ_ONLY",
    "GROUP_SEARCH_INDEX_EDITOR",
    "GROUP_STREAM_PROCESSING_OWNER",
    "GROUP_DATABASE_ACCESS_ADMIN",
    "GROUP_BACKUP_MANAGER",
    "GROUP_OBSERVABILITY_VIEWER",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub settings: OrgSettings,
    /// Delegated access (App Connections); a state file saved before the
    /// sandbox served it reads as Atlas's defaults.
    #[serde(default)]
    pub delegation: DelegationSettings,
}

/// An organization's policy for delegated access: MCP clients, MongoDB's
/// own apps and partner apps acting on a person's behalf. `None` is the
/// system default (DISALLOWED for the two policies).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DelegationSettings {
    pub delegated_mcp_access: Option<String>,
    pub delegated_partner_access: Option<String>,
    pub maximum_refresh_token_lifetime: Option<i64>,
    pub idle_refresh_token_lifetime: Option<i64>,
}

/// The organization settings the Admin API reads and writes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OrgSettings {
    pub api_access_list_required: bool,
    pub gen_ai_features_enabled: bool,
    pub max_service_account_secret_validity_in_hours: Option<i32>,
    pub multi_factor_auth_required: bool,
    pub operations_contact: Option<String>,
    pub restrict_employee_access: bool,
    pub security_contact: Option<String>,
    pub streams_cross_group_enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created: DateTime<Utc>,
}

/// One role of a key: in an organization or in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Org(String),
    Project(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub scope: Scope,
    pub name: String,
}

impl Role {
    pub fn org(org_id: &str, name: &str) -> Self {
        Self {
            scope: Scope::Org(org_id.to_owned()),
            name: name.to_owned(),
        }
    }

    pub fn project(project_id: &str, name: &str) -> Self {
        Self {
            scope: Scope::Project(project_id.to_owned()),
            name: name.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessEntry {
    /// Always the network form; a single address is a /32 or /128.
    pub cidr: IpNet,
    /// Set when the entry was added as one address (`ipAddress`).
    pub ip_address: Option<IpAddr>,
    pub created: DateTime<Utc>,
    pub count: u64,
    pub last_used: Option<DateTime<Utc>>,
    pub last_used_address: Option<IpAddr>,
}

impl AccessEntry {
    pub fn new(cidr: IpNet, ip_address: Option<IpAddr>, created: DateTime<Utc>) -> Self {
        Self {
            cidr,
            ip_address,
            created,
            count: 0,
            last_used: None,
            last_used_address: None,
        }
    }

    /// True when `text` (an address or a block, in any notation) names this entry.
    pub fn is_named_by(&self, text: &str) -> bool {
        if let Ok(ip) = text.parse::<IpAddr>() {
            return self.cidr.prefix_len() == self.cidr.max_prefix_len() && self.cidr.addr() == ip;
        }
        text.parse::<IpNet>().is_ok_and(|net| net == self.cidr)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub public_key: String,
    pub desc: String,
    /// MD5("publicKey:realm:privateKey"), all Digest auth needs.
    pub ha1: String,
    /// The last 12 characters of the private key, for the redacted form.
    pub private_key_tail: String,
    pub roles: Vec<Role>,
    pub access_list: Vec<AccessEntry>,
}

/// Whoever can be granted roles and be held to an access list: an API key
/// or a service account. Authorization reads only this.
pub trait Grantee {
    fn roles(&self) -> &[Role];
    fn access_list(&self) -> &[AccessEntry];

    fn org_roles<'a>(&'a self, org_id: &'a str) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        Box::new(
            self.roles()
                .iter()
                .filter_map(move |role| match &role.scope {
                    Scope::Org(id) if id == org_id => Some(role.name.as_str()),
                    _ => None,
                }),
        )
    }

    fn project_roles<'a>(&'a self, project_id: &'a str) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        Box::new(
            self.roles()
                .iter()
                .filter_map(move |role| match &role.scope {
                    Scope::Project(id) if id == project_id => Some(role.name.as_str()),
                    _ => None,
                }),
        )
    }

    fn in_org(&self, org_id: &str) -> bool {
        self.org_roles(org_id).next().is_some()
    }

    fn in_project(&self, project_id: &str) -> bool {
        self.project_roles(project_id).next().is_some()
    }

    fn has_org_role(&self, org_id: &str, role: &str) -> bool {
        self.org_roles(org_id).any(|name| name == role)
    }

    /// The organizations this grantee has a role in.
    fn org_ids(&self) -> Vec<&str> {
        self.roles()
            .iter()
            .filter_map(|role| match &role.scope {
                Scope::Org(id) => Some(id.as_str()),
                Scope::Project(_) => None,
            })
            .collect()
    }
}

impl Grantee for ApiKey {
    fn roles(&self) -> &[Role] {
        &self.roles
    }

    fn access_list(&self) -> &[AccessEntry] {
        &self.access_list
    }
}

impl ApiKey {
    pub fn redacted_private_key(&self) -> String {
        format!("********-****-****-{}", self.private_key_tail)
    }
}

/// A service account: an OAuth client with secrets instead of a key pair.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceAccount {
    /// `mdb_sa_id_` and 24 hexadecimal digits.
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub created: DateTime<Utc>,
    /// Organization roles, and project roles where it was invited.
    pub roles: Vec<Role>,
    pub secrets: Vec<Secret>,
    pub access_list: Vec<AccessEntry>,
    /// Made and managed by Atlas itself (as for MCP integrations): left out
    /// of lists unless `includeSystemManaged=true`. Absent from older state
    /// files.
    #[serde(default)]
    pub system_managed: bool,
}

impl Grantee for ServiceAccount {
    fn roles(&self) -> &[Role] {
        &self.roles
    }

    fn access_list(&self) -> &[AccessEntry] {
        &self.access_list
    }
}

/// A service account's secret. Its value is never kept: only a SHA-256 of
/// it (what the token endpoint checks) and the masked form reads show.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Secret {
    pub id: String,
    pub sha256: String,
    pub masked: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub last_used: Option<DateTime<Utc>>,
}

impl Secret {
    /// A new secret and its value, which is answered once and never kept.
    /// The value comes from the OS's randomness, never from a seed.
    pub fn generate(id: String, created: DateTime<Utc>, expires: DateTime<Utc>) -> (Self, String) {
        let value = format!("mdb_sa_sk_{}", uuid::Uuid::new_v4().simple());
        let secret = Self {
            id,
            sha256: crate::oauth::sha256_hex(&value),
            masked: format!("mdb_sa_sk_********{}", &value[value.len() - 4..]),
            created,
            expires,
            last_used: None,
        };
        (secret, value)
    }
}

/// A change Atlas records in an organization's activity feed: who made it,
/// from where, and what it touched.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub created: DateTime<Utc>,
    /// Atlas's `eventTypeName`, such as `API_KEY_CREATED`.
    pub kind: String,
    pub org_id: String,
    pub group_id: Option<String>,
    pub actor: Actor,
    pub remote_address: IpAddr,
    pub target: Option<Target>,
    /// The access-list entry added or deleted, as Atlas writes it.
    pub entry: Option<String>,
}

/// Who made a change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Actor {
    Key { id: String, public_key: String },
    Account { client_id: String, name: String },
}

/// The credential a change was made to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Target {
    Key { public_key: String },
    Account { client_id: String, name: String },
}

impl Target {
    pub fn key(key: &ApiKey) -> Self {
        Self::Key {
            public_key: key.public_key.clone(),
        }
    }

    pub fn account(account: &ServiceAccount) -> Self {
        Self::Account {
            client_id: account.client_id.clone(),
            name: account.name.clone(),
        }
    }
}

/// Everything the sandbox stores.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Data {
    pub orgs: BTreeMap<String, Org>,
    pub projects: BTreeMap<String, Project>,
    pub keys: BTreeMap<String, ApiKey>,
    /// By client id. Absent from state files written before they existed.
    #[serde(default)]
    pub service_accounts: BTreeMap<String, ServiceAccount>,
    /// Everything that happened, oldest first. Absent from older state files.
    #[serde(default)]
    pub events: Vec<Event>,
}

impl Data {
    pub fn key_by_public(&self, public_key: &str) -> Option<&ApiKey> {
        self.keys.values().find(|key| key.public_key == public_key)
    }
}
