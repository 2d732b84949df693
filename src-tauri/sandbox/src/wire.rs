//! The JSON Atlas sends, field by field in Atlas's (alphabetical) order, and
//! pagination.

use std::collections::HashMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::model::{AccessEntry, ApiKey, DelegationSettings, Org, OrgSettings, Project, Scope};

/// The content types of its answers: the version of most endpoints, and
/// the later one of the service-account endpoints.
pub const ATLAS_CONTENT_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";

pub const SERVICE_ACCOUNT_CONTENT_TYPE: &str =
    "application/vnd.atlas.2024-08-05+json;charset=utf-8";

/// A 200 with Atlas's content type.
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        versioned(StatusCode::OK, &self.0, ATLAS_CONTENT_TYPE)
    }
}

/// An answer of the service-account endpoints: their own version.
pub struct ServiceAccountJson<T>(pub StatusCode, pub T);

impl<T: Serialize> IntoResponse for ServiceAccountJson<T> {
    fn into_response(self) -> Response {
        versioned(self.0, &self.1, SERVICE_ACCOUNT_CONTENT_TYPE)
    }
}

/// A 204 of the service-account endpoints.
pub fn service_account_no_content() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(SERVICE_ACCOUNT_CONTENT_TYPE),
    );
    response
}

fn versioned<T: Serialize>(status: StatusCode, body: &T, content_type: &'static str) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(error) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNEXPECTED_ERROR",
            format!("The response could not be written: {error}"),
        )
        .into_response(),
    }
}

/// A 204 with Atlas's content type, as Atlas sends it.
pub fn no_content() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ATLAS_CONTENT_TYPE),
    );
    response
}

pub fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub href: String,
    pub rel: String,
}

impl Link {
    pub fn self_link(href: String) -> Vec<Link> {
        vec![Link {
            href,
            rel: "self".to_owned(),
        }]
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    pub role_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDetails {
    pub desc: String,
    pub id: String,
    pub links: Vec<Link>,
    pub private_key: String,
    pub public_key: String,
    pub roles: Vec<RoleAssignment>,
}

/// Which of a key's roles a response shows.
pub enum RoleView<'a> {
    /// Everything (organization listings): org roles and every project role.
    All,
    /// Org roles and the roles in this one project (project listings).
    Project(&'a str),
}

impl ApiKeyDetails {
    /// A key as every read shows it: the private key redacted.
    pub fn redacted(key: &ApiKey, view: RoleView<'_>, self_href: String) -> Self {
        Self::with_private_key(key, view, self_href, key.redacted_private_key())
    }

    pub fn with_private_key(
        key: &ApiKey,
        view: RoleView<'_>,
        self_href: String,
        private_key: String,
    ) -> Self {
        let roles = key
            .roles
            .iter()
            .filter(|role| match (&view, &role.scope) {
                (RoleView::All, _) | (_, Scope::Org(_)) => true,
                (RoleView::Project(project), Scope::Project(id)) => id == project,
            })
            .map(|role| match &role.scope {
                Scope::Org(id) => RoleAssignment {
                    group_id: None,
                    org_id: Some(id.clone()),
                    role_name: role.name.clone(),
                },
                Scope::Project(id) => RoleAssignment {
                    group_id: Some(id.clone()),
                    org_id: None,
                    role_name: role.name.clone(),
                },
            })
            .collect();
        Self {
            desc: key.desc.clone(),
            id: key.id.clone(),
            links: Link::self_link(self_href),
            private_key,
            public_key: key.public_key.clone(),
            roles,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntryView {
    pub cidr_block: String,
    pub count: u64,
    pub created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_address: Option<String>,
    pub links: Vec<Link>,
}

impl AccessEntryView {
    pub fn new(entry: &AccessEntry, self_href: String) -> Self {
        Self {
            cidr_block: atlas_net(entry.cidr),
            count: entry.count,
            created: timestamp(&entry.created),
            ip_address: entry.ip_address.map(atlas_ip),
            last_used: entry.last_used.as_ref().map(timestamp),
            last_used_address: entry.last_used_address.map(atlas_ip),
            links: Link::self_link(self_href),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgView {
    pub id: String,
    pub is_deleted: bool,
    pub links: Vec<Link>,
    pub name: String,
    pub skip_default_alerts_settings: bool,
}

impl OrgView {
    pub fn new(org: &Org, base: &str, detailed: bool) -> Self {
        let href = format!("{base}/api/atlas/v2/orgs/{}", org.id);
        let mut links = Link::self_link(href.clone());
        if detailed {
            for part in ["groups", "teams", "users"] {
                links.push(Link {
                    href: format!("{href}/{part}"),
                    rel: format!("https://cloud.mongodb.com/{part}"),
                });
            }
        }
        Self {
            id: org.id.clone(),
            is_deleted: false,
            links,
            name: org.name.clone(),
            skip_default_alerts_settings: false,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub cluster_count: i64,
    pub created: String,
    pub id: String,
    pub links: Vec<Link>,
    pub name: String,
    pub org_id: String,
    pub tags: Vec<serde_json::Value>,
    pub with_default_alerts_settings: bool,
}

impl GroupView {
    pub fn new(project: &Project, base: &str) -> Self {
        Self {
            cluster_count: 0,
            created: timestamp(&project.created),
            id: project.id.clone(),
            links: Link::self_link(format!("{base}/api/atlas/v2/groups/{}", project.id)),
            name: project.name.clone(),
            org_id: project.org_id.clone(),
            tags: Vec::new(),
            with_default_alerts_settings: true,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub api_access_list_required: bool,
    pub gen_ai_features_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_service_account_secret_validity_in_hours: Option<i32>,
    pub multi_factor_auth_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operations_contact: Option<String>,
    pub restrict_employee_access: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_contact: Option<String>,
    pub streams_cross_group_enabled: bool,
}

impl From<&OrgSettings> for SettingsView {
    fn from(settings: &OrgSettings) -> Self {
        Self {
            api_access_list_required: settings.api_access_list_required,
            gen_ai_features_enabled: settings.gen_ai_features_enabled,
            max_service_account_secret_validity_in_hours: settings
                .max_service_account_secret_validity_in_hours,
            multi_factor_auth_required: settings.multi_factor_auth_required,
            operations_contact: settings.operations_contact.clone(),
            restrict_employee_access: settings.restrict_employee_access,
            security_contact: settings.security_contact.clone(),
            streams_cross_group_enabled: settings.streams_cross_group_enabled,
        }
    }
}

/// `OrgDelegationSettingsResponse`. The two policies are answered as they
/// apply, DISALLOWED when never set; a lifetime left to the system default
/// is `null` (both guesses, see spec-deviations.json).
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DelegationView {
    pub delegated_mcp_access: String,
    pub delegated_partner_access: String,
    pub maximum_refresh_token_lifetime: Option<i64>,
    pub idle_refresh_token_lifetime: Option<i64>,
}

/// What a delegated-access policy is when the organization never set it.
pub const DELEGATION_DEFAULT: &str = "DISALLOWED";

impl From<&DelegationSettings> for DelegationView {
    fn from(settings: &DelegationSettings) -> Self {
        let policy =
            |value: &Option<String>| value.clone().unwrap_or_else(|| DELEGATION_DEFAULT.into());
        Self {
            delegated_mcp_access: policy(&settings.delegated_mcp_access),
            delegated_partner_access: policy(&settings.delegated_partner_access),
            maximum_refresh_token_lifetime: settings.maximum_refresh_token_lifetime,
            idle_refresh_token_lifetime: settings.idle_refresh_token_lifetime,
        }
    }
}

/// `itemsPerPage`, `pageNum` and `includeCount`, validated.
#[derive(Debug, Clone, Copy)]
pub struct PageQuery {
    pub items_per_page: usize,
    pub page_num: usize,
    pub include_count: bool,
}

pub const MAX_ITEMS_PER_PAGE: usize = 500;

impl PageQuery {
    pub fn parse(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let number = |name: &str, default: usize, max: usize| -> Result<usize, ApiError> {
            match query.get(name) {
                None => Ok(default),
                Some(text) => match text.parse::<usize>() {
                    Ok(value) if (1..=max).contains(&value) => Ok(value),
                    _ => Err(ApiError::bad_request(
                        "INVALID_QUERY_PARAMETER",
                        format!("Invalid query parameter {name}: \"{text}\" is not a whole number from 1 to {max}."),
                    )
                    .with_parameters([name, text.as_str()])),
                },
            }
        };
        let include_count = match query.get("includeCount").map(String::as_str) {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => {
                return Err(ApiError::bad_request(
                    "INVALID_QUERY_PARAMETER",
                    format!(
                        "Invalid query parameter includeCount: \"{other}\" is not true or false."
                    ),
                )
                .with_parameters(["includeCount", other]));
            }
        };
        Ok(Self {
            items_per_page: number("itemsPerPage", 100, MAX_ITEMS_PER_PAGE)?,
            page_num: number("pageNum", 1, i32::MAX as usize)?,
            include_count,
        })
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub links: Vec<Link>,
    pub results: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<usize>,
}

/// Cuts one page out of `items` and links it to its neighbours.
/// `list_href` is the list's URL without a query; `extra` goes first in the query.
pub fn paginate<T>(items: Vec<T>, page: PageQuery, list_href: &str, extra: &str) -> Page<T> {
    let total = items.len();
    let start = (page.page_num - 1).saturating_mul(page.items_per_page);
    let results: Vec<T> = items
        .into_iter()
        .skip(start)
        .take(page.items_per_page)
        .collect();
    let href = |page_num: usize| {
        format!(
            "{list_href}?includeCount={}{extra}&pageNum={page_num}&itemsPerPage={}",
            page.include_count, page.items_per_page
        )
    };
    let mut links = Vec::new();
    if page.page_num > 1 {
        links.push(Link {
            href: href(page.page_num - 1),
            rel: "previous".to_owned(),
        });
    }
    links.push(Link {
        href: href(page.page_num),
        rel: "self".to_owned(),
    });
    if start.saturating_add(results.len()) < total {
        links.push(Link {
            href: href(page.page_num + 1),
            rel: "next".to_owned(),
        });
    }
    Page {
        links,
        results,
        total_count: page.include_count.then_some(total),
    }
}

/// An address as Atlas (a Java service) writes it: IPv6 as eight groups
/// without zero compression, which is also what the spec's patterns accept.
pub fn atlas_ip(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|segment| format!("{segment:x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

pub fn atlas_net(net: ipnet::IpNet) -> String {
    format!("{}/{}", atlas_ip(net.network()), net.prefix_len())
}

/// What names an access-list entry in a path: the address for a single one,
/// else the block with its slash encoded.
pub fn entry_path_segment(entry: &AccessEntry) -> String {
    match entry.ip_address {
        Some(ip) => atlas_ip(ip),
        None => atlas_net(entry.cidr).replace('/', "%2F"),
    }
}

/// A service account as Atlas shows it (`OrgServiceAccount`,
/// `GroupServiceAccount`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountView {
    pub client_id: String,
    pub created_at: String,
    pub description: String,
    pub name: String,
    pub roles: Vec<String>,
    pub secrets: Vec<SecretView>,
}

/// A secret: its value only in the answer that creates it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    pub created_at: String,
    pub expires_at: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    pub masked_secret_value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl SecretView {
    pub fn new(secret: &crate::model::Secret, value: Option<String>) -> Self {
        Self {
            created_at: timestamp(&secret.created),
            expires_at: timestamp(&secret.expires),
            id: secret.id.clone(),
            last_used_at: secret.last_used.as_ref().map(timestamp),
            masked_secret_value: secret.masked.clone(),
            secret: value,
        }
    }
}

/// An entry of a service account's access list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountEntryView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    pub request_count: u64,
}

impl ServiceAccountEntryView {
    pub fn new(entry: &AccessEntry) -> Self {
        Self {
            cidr_block: entry.ip_address.is_none().then(|| atlas_net(entry.cidr)),
            created_at: timestamp(&entry.created),
            ip_address: entry.ip_address.map(atlas_ip),
            last_used_address: entry.last_used_address.map(atlas_ip),
            last_used_at: entry.last_used.as_ref().map(timestamp),
            request_count: entry.count,
        }
    }
}

/// A project a service account is in, with its roles there.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountGroupView {
    pub group_id: String,
    pub roles: Vec<String>,
}
