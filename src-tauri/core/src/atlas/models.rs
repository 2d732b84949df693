//! The JSON of the Atlas Administration API, as typed values. Unknown fields
//! are ignored and unknown role names kept, because Atlas adds both over time.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub href: String,
    pub rel: String,
}

/// One page of a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
    pub total_count: Option<u64>,
}

impl<T> Page<T> {
    /// Whether Atlas links a next page.
    pub fn has_next(&self) -> bool {
        self.links.iter().any(|link| link.rel == "next")
    }
}

/// A role of a key, in an organization (`orgId`) or a project (`groupId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub group_id: Option<String>,
    pub role_name: String,
}

/// An API key as every read after its creation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    #[serde(default)]
    pub desc: String,
    pub public_key: String,
    /// Always the redacted form, `********-****-****-` and 12 characters
    /// (the UI sees it as `privateKey`, as Atlas names it).
    #[serde(rename = "privateKey", default)]
    pub redacted_private_key: String,
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
}

impl ApiKey {
    pub fn org_roles<'a>(&'a self, org_id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.roles
            .iter()
            .filter(move |role| role.org_id.as_deref() == Some(org_id))
            .map(|role| role.role_name.as_str())
    }

    pub fn project_roles<'a>(&'a self, project_id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.roles
            .iter()
            .filter(move |role| role.group_id.as_deref() == Some(project_id))
            .map(|role| role.role_name.as_str())
    }

    /// The projects this key has a role in.
    pub fn project_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .roles
            .iter()
            .filter_map(|role| role.group_id.as_deref())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The answer to a create: the key, and its private key, shown this once.
/// Not `Serialize`: the private key leaves Rust only through the one-time display.
#[derive(Debug)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub private_key: SecretString,
}

/// The create answer as it comes over the wire.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedApiKeyWire {
    pub id: String,
    #[serde(default)]
    pub desc: String,
    pub public_key: String,
    pub private_key: SecretString,
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
}

impl From<CreatedApiKeyWire> for CreatedApiKey {
    fn from(wire: CreatedApiKeyWire) -> Self {
        use secrecy::ExposeSecret;
        let secret = wire.private_key.expose_secret();
        let tail: String = secret
            .chars()
            .skip(secret.chars().count().saturating_sub(12))
            .collect();
        Self {
            key: ApiKey {
                id: wire.id,
                desc: wire.desc,
                public_key: wire.public_key,
                redacted_private_key: format!("********-****-****-{tail}"),
                roles: wire.roles,
            },
            private_key: wire.private_key,
        }
    }
}

/// One entry of a key's access list, as Atlas answers it, with its name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessListEntry {
    /// What names the entry everywhere (a path, the page, a finding): the
    /// address for a single address, else the block. Worked out here, so no
    /// other place repeats the rule.
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub ip_address: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub created: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub last_used: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub last_used_address: Option<String>,
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub count: Option<u64>,
}

impl AccessListEntry {
    /// What names the entry in a path: the address for one, else the block.
    pub fn path_name(&self) -> &str {
        &self.name
    }

    /// An entry of these parts, named by the one rule.
    pub fn new(cidr_block: Option<String>, ip_address: Option<String>) -> Self {
        Self {
            name: path_name(ip_address.as_deref(), cidr_block.as_deref()).to_owned(),
            cidr_block,
            ip_address,
            ..Self::default()
        }
    }
}

impl<'de> Deserialize<'de> for AccessListEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire {
            #[serde(default)]
            cidr_block: Option<String>,
            #[serde(default)]
            ip_address: Option<String>,
            #[serde(default)]
            created: Option<String>,
            #[serde(default)]
            last_used: Option<String>,
            #[serde(default)]
            last_used_address: Option<String>,
            #[serde(default)]
            count: Option<u64>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self {
            created: wire.created,
            last_used: wire.last_used,
            last_used_address: wire.last_used_address,
            count: wire.count,
            ..Self::new(wire.cidr_block, wire.ip_address)
        })
    }
}

impl ServiceAccountEntry {
    /// What names the entry in a path, as for a key's entry.
    pub fn path_name(&self) -> &str {
        &self.name
    }

    /// The entry in a key entry's shape, which the access-list rules read.
    pub fn as_key_entry(&self) -> AccessListEntry {
        AccessListEntry {
            created: self.created_at.clone(),
            last_used: self.last_used_at.clone(),
            last_used_address: self.last_used_address.clone(),
            count: Some(self.request_count),
            ..AccessListEntry::new(self.cidr_block.clone(), self.ip_address.clone())
        }
    }
}

impl<'de> Deserialize<'de> for ServiceAccountEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire {
            #[serde(default)]
            cidr_block: Option<String>,
            #[serde(default)]
            ip_address: Option<String>,
            #[serde(default)]
            created_at: Option<String>,
            #[serde(default)]
            last_used_at: Option<String>,
            #[serde(default)]
            last_used_address: Option<String>,
            #[serde(default)]
            request_count: u64,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self {
            name: path_name(wire.ip_address.as_deref(), wire.cidr_block.as_deref()).to_owned(),
            cidr_block: wire.cidr_block,
            ip_address: wire.ip_address,
            created_at: wire.created_at,
            last_used_at: wire.last_used_at,
            last_used_address: wire.last_used_address,
            request_count: wire.request_count,
        })
    }
}

/// An entry's name in a path: the address for a single address, else the block.
fn path_name<'a>(ip_address: Option<&'a str>, cidr_block: Option<&'a str>) -> &'a str {
    match (ip_address, cidr_block) {
        (Some(ip), Some(cidr)) if cidr.ends_with("/32") || cidr.ends_with("/128") => ip,
        (_, Some(cidr)) => cidr,
        (Some(ip), None) => ip,
        (None, None) => "",
    }
}

/// One entry to add: exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum AccessListRequest {
    IpAddress(String),
    CidrBlock(String),
}

impl AccessListRequest {
    /// The request body item: `{"ipAddress": …}` or `{"cidrBlock": …}`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Self::IpAddress(ip) => serde_json::json!({ "ipAddress": ip }),
            Self::CidrBlock(cidr) => serde_json::json!({ "cidrBlock": cidr }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub is_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub name: String,
    pub org_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub created: Option<String>,
}

/// The organization settings this app reads and changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgSettings {
    #[serde(default)]
    pub api_access_list_required: bool,
    #[serde(default)]
    pub multi_factor_auth_required: bool,
    #[serde(default)]
    pub restrict_employee_access: bool,
    /// The longest a service account's secret may last, in hours (8 to
    /// 8760); Atlas's default, a year, when unset.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub max_service_account_secret_validity_in_hours: Option<i64>,
}

/// Whether MCP clients (AI assistants and agents) may reach the Admin API on
/// a person's behalf, and how far.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum McpAccess {
    #[default]
    Disallowed,
    ReadOnly,
    ReadWrite,
}

/// Whether partner apps may reach the Admin API on a person's behalf.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartnerAccess {
    #[default]
    Disallowed,
    ReadWrite,
}

/// An organization's policy for delegated access (App Connections: MCP
/// clients, MongoDB's own apps, partner apps), which neither the API access
/// lists nor "Require IP Access List" cover. `GET|PATCH
/// /orgs/{orgId}/delegationSettings`, version 2025-03-12.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DelegationSettings {
    pub delegated_mcp_access: McpAccess,
    pub delegated_partner_access: PartnerAccess,
    /// The longest a refresh token lives, in seconds; `null` for the system
    /// default.
    pub maximum_refresh_token_lifetime: Option<u32>,
    /// The longest a refresh token may go unused, in seconds; `null` for the
    /// system default.
    pub idle_refresh_token_lifetime: Option<u32>,
}

/// [`DelegationSettings`] as Atlas writes them: a policy never set may be
/// `null`, which is its default.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DelegationSettingsWire {
    #[serde(default)]
    delegated_mcp_access: Option<McpAccess>,
    #[serde(default)]
    delegated_partner_access: Option<PartnerAccess>,
    #[serde(default)]
    maximum_refresh_token_lifetime: Option<u32>,
    #[serde(default)]
    idle_refresh_token_lifetime: Option<u32>,
}

impl From<DelegationSettingsWire> for DelegationSettings {
    fn from(wire: DelegationSettingsWire) -> Self {
        Self {
            delegated_mcp_access: wire.delegated_mcp_access.unwrap_or_default(),
            delegated_partner_access: wire.delegated_partner_access.unwrap_or_default(),
            maximum_refresh_token_lifetime: wire.maximum_refresh_token_lifetime,
            idle_refresh_token_lifetime: wire.idle_refresh_token_lifetime,
        }
    }
}

/// `GET /api/atlas/v2`: who the key in use is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemStatus {
    pub api_key: StatusApiKey,
    #[serde(default)]
    pub app_name: String,
    #[serde(default)]
    pub build: String,
    #[serde(default)]
    pub throttling: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusApiKey {
    pub id: String,
    pub public_key: String,
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
    #[serde(default)]
    pub access_list: Vec<AccessListEntry>,
}

/// `GET /api/private/ipinfo`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IpInfo {
    /// The address Atlas sees, in the family the request came in: either
    /// field, or both, may be there.
    #[serde(default)]
    pub current_ipv4_address: Option<String>,
    #[serde(default)]
    pub current_ipv6_address: Option<String>,
}

/// An Atlas error body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub error_code: String,
    #[serde(default)]
    pub parameters: Vec<serde_json::Value>,
}

/// A service account (`OrgServiceAccount`, `GroupServiceAccount`): its roles
/// are the organization's or the project's, as the endpoint says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    pub client_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<ServiceAccountSecret>,
    /// Made and managed by Atlas itself (as for MCP integrations): listed
    /// only when asked for with `includeSystemManaged=true`, and read-only
    /// in this app. Atlas's answer has no field for it: the app marks it.
    #[serde(default)]
    pub system_managed: bool,
}

/// A secret as every read shows it: masked. Its value is in
/// [`CreatedServiceAccount`] or [`CreatedSecret`], once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountSecret {
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default)]
    #[ts(optional)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub masked_secret_value: Option<String>,
}

/// A secret as a create answers it, value included.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecretWire {
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub masked_secret_value: Option<String>,
    #[serde(default)]
    pub secret: Option<SecretString>,
}

impl SecretWire {
    pub(crate) fn split(self) -> (ServiceAccountSecret, Option<SecretString>) {
        (
            ServiceAccountSecret {
                id: self.id,
                created_at: self.created_at,
                expires_at: self.expires_at,
                last_used_at: self.last_used_at,
                masked_secret_value: self.masked_secret_value,
            },
            self.secret,
        )
    }
}

/// A service account as its create answers it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedServiceAccountWire {
    pub client_id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<SecretWire>,
}

/// A new service account and its first secret's value, shown this once.
/// Not `Serialize`, like [`CreatedApiKey`].
#[derive(Debug)]
pub struct CreatedServiceAccount {
    pub account: ServiceAccount,
    pub secret: SecretString,
}

/// A new secret and its value, shown this once.
#[derive(Debug)]
pub struct CreatedSecret {
    pub secret: ServiceAccountSecret,
    pub value: SecretString,
}

/// What a new service account is made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewServiceAccount {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub secret_expires_after_hours: u32,
}

/// An entry of a service account's access list, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountEntry {
    /// Named as a key's entry is ([`AccessListEntry::name`]).
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub ip_address: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub created_at: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub last_used_address: Option<String>,
    #[serde(default)]
    #[ts(type = "number")]
    pub request_count: u64,
}

/// A project a service account is in, with its roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountProject {
    pub group_id: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[cfg(test)]
mod entry_names {
    use super::*;

    /// One rule names an entry everywhere (paths, the page, findings): the
    /// address for a single address, else the block; the page reads `name`.
    #[test]
    fn an_entry_is_named_by_its_address_or_its_block() {
        let key = |json: serde_json::Value| {
            serde_json::from_value::<AccessListEntry>(json)
                .map(|entry| entry.name)
                .unwrap_or_default()
        };
        let single =
            serde_json::json!({"cidrBlock": "203.0.113.10/32", "ipAddress": "203.0.113.10"});
        assert_eq!(key(single.clone()), "203.0.113.10");
        assert_eq!(
            key(serde_json::json!({"cidrBlock": "192.0.2.0/24"})),
            "192.0.2.0/24"
        );
        assert_eq!(
            key(serde_json::json!({"ipAddress": "2001:db8::1"})),
            "2001:db8::1"
        );
        assert_eq!(
            key(serde_json::json!({"cidrBlock": "2001:db8::1/128", "ipAddress": "2001:db8::1"})),
            "2001:db8::1"
        );
        // A name the page sends back is worked out again, never trusted.
        assert_eq!(
            key(serde_json::json!({"name": "0.0.0.0/0", "cidrBlock": "192.0.2.0/24"})),
            "192.0.2.0/24"
        );
        let account = serde_json::from_value::<ServiceAccountEntry>(single)
            .map(|entry| entry.name)
            .unwrap_or_default();
        assert_eq!(account, "203.0.113.10");
        // And it goes to the page with the entry.
        let sent = serde_json::to_value(AccessListEntry::new(Some("192.0.2.0/24".into()), None))
            .unwrap_or_default();
        assert_eq!(sent["name"], "192.0.2.0/24");
    }
}

#[cfg(test)]
mod recorded {
    //! Every response in `tests/fixtures/atlas-api/recorded/` parses into these models.

    use std::path::{Path, PathBuf};

    use secrecy::ExposeSecret;

    use super::*;

    fn files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("recorded dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                files(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "http") {
                found.push(path);
            }
        }
    }

    fn status_and_body(path: &Path) -> (u16, String) {
        let text = std::fs::read_to_string(path).expect("recorded file");
        let (head, body) = text
            .split_once("\r\n\r\n")
            .or_else(|| text.split_once("\n\n"))
            .unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("status");
        (status, body.trim().to_owned())
    }

    #[test]
    fn every_recorded_response_parses() {
        let root =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/atlas-api/recorded");
        let mut all = Vec::new();
        files(&root, &mut all);
        assert!(!all.is_empty(), "no recorded file under {}", root.display());
        for path in all {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            let (status, body) = status_and_body(&path);
            let method = name.split('_').next().expect("method");
            let route = name.trim_end_matches("_1.http");
            match (method, status) {
                ("DELETE", 204) => assert!(body.is_empty(), "{name}"),
                ("GET", 200) if route == "GET_api_private_ipinfo" => {
                    let info: IpInfo = serde_json::from_str(&body).expect("ipinfo");
                    let v4 = info.current_ipv4_address.expect("an IPv4 address");
                    assert!(v4.parse::<std::net::Ipv4Addr>().is_ok(), "{v4}");
                    assert_eq!(info.current_ipv6_address, None);
                }
                ("GET", 200) if route == "GET_api_atlas_v2_orgs" => {
                    let page: Page<Organization> = serde_json::from_str(&body).expect(&name);
                    let raw: serde_json::Value = serde_json::from_str(&body).expect(&name);
                    let names: Vec<&str> = raw["results"]
                        .as_array()
                        .expect("results")
                        .iter()
                        .filter_map(|org| org["name"].as_str())
                        .collect();
                    let parsed: Vec<&str> =
                        page.results.iter().map(|org| org.name.as_str()).collect();
                    assert_eq!(parsed, names, "{name}");
                }
                ("GET", 200) if route.ends_with("_apiKeys") => {
                    let page: Page<ApiKey> = serde_json::from_str(&body).expect(&name);
                    let raw: serde_json::Value = serde_json::from_str(&body).expect(&name);
                    let raw_keys = raw["results"].as_array().expect("results");
                    assert_eq!(page.results.len(), raw_keys.len(), "{name}");
                    for (key, raw_key) in page.results.iter().zip(raw_keys) {
                        assert!(key.redacted_private_key.starts_with("********-"));
                        // Projects and organization roles as the raw roles say.
                        let raw_roles = raw_key["roles"].as_array().expect("roles");
                        let mut groups: Vec<&str> = raw_roles
                            .iter()
                            .filter_map(|role| role["groupId"].as_str())
                            .collect();
                        groups.sort_unstable();
                        groups.dedup();
                        let mut projects = key.project_ids();
                        projects.sort_unstable();
                        assert_eq!(projects, groups, "{name}: {}", key.public_key);
                        for org_id in raw_roles.iter().filter_map(|role| role["orgId"].as_str()) {
                            let want: Vec<&str> = raw_roles
                                .iter()
                                .filter(|role| role["orgId"].as_str() == Some(org_id))
                                .filter_map(|role| role["roleName"].as_str())
                                .collect();
                            assert_eq!(key.org_roles(org_id).collect::<Vec<_>>(), want);
                        }
                    }
                }
                ("GET" | "POST", 200) if route.ends_with("_accessList") => {
                    let page: Page<AccessListEntry> = serde_json::from_str(&body).expect(&name);
                    let entry = &page.results[0];
                    assert_eq!(entry.path_name(), entry.ip_address.as_deref().expect("ip"));
                }
                ("POST", 200) if route.ends_with("_apiKeys") => {
                    let created: CreatedApiKey = serde_json::from_str::<CreatedApiKeyWire>(&body)
                        .expect(&name)
                        .into();
                    let secret = created.private_key.expose_secret().to_owned();
                    assert_eq!(secret.len(), 36);
                    assert!(created.key.redacted_private_key.ends_with(&secret[24..]));
                    assert!(
                        !format!("{created:?}").contains(&secret),
                        "Debug must not show the private key"
                    );
                }
                ("GET" | "PATCH", 200) if route.contains("_apiKeys_") => {
                    let key: ApiKey = serde_json::from_str(&body).expect(&name);
                    assert!(key.redacted_private_key.starts_with("********-****-****-"));
                }
                ("GET", 200) => {
                    let org: Organization = serde_json::from_str(&body).expect(&name);
                    let raw: serde_json::Value = serde_json::from_str(&body).expect(&name);
                    assert_eq!(Some(org.id.as_str()), raw["id"].as_str(), "{name}");
                    assert_eq!(Some(org.name.as_str()), raw["name"].as_str(), "{name}");
                }
                _ => panic!("{name}: no model for {method} {status}"),
            }
        }
    }

    #[test]
    fn unknown_fields_and_roles_are_kept_or_ignored() {
        let key: ApiKey = serde_json::from_str(
            r#"{"id":"6a793f752c88faeba59bba49","desc":"d","publicKey":"abcdefgh","privateKey":"********-****-****-01bdd56c8977",
                "roles":[{"orgId":"a0123456789abcdef012345a","roleName":"ORG_BRAND_NEW_ROLE"}],"somethingNew":{"x":1}}"#,
        )
        .expect("parses");
        assert_eq!(key.roles[0].role_name, "ORG_BRAND_NEW_ROLE");
    }
}
