//! One handler per operation. Each checks ids, existence and roles (the
//! spec's `x-rolesRequirements`) and validates its body completely before it
//! changes anything.

mod access_lists;
mod authorize;
mod events;
mod org_keys;
mod orgs;
mod project_keys;
mod project_service_accounts;
mod projects;
mod service_accounts;
pub use access_lists::*;
pub use authorize::{Need, OPERATIONS, Operation, authorize, operation_for};
pub use events::*;
pub use org_keys::*;
pub use orgs::*;
pub use project_keys::*;
pub use project_service_accounts::*;
pub use projects::*;
pub use service_accounts::*;

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use ipnet::IpNet;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::Shared;
use crate::digest;
use crate::error::ApiError;
use crate::events::{Happening, record};
use crate::gate::{Caller, Principal};
use crate::model::{
    AccessEntry, ApiKey, Data, Grantee, ORG_ROLES, PROJECT_ROLES, Project, Role, Scope, Target,
};
use crate::store::{new_object_id, new_public_key};
use crate::wire::{
    AccessEntryView, ApiKeyDetails, DelegationView, GroupView, Json, Link, OrgView, PageQuery,
    RoleView, SettingsView, atlas_ip, atlas_net, entry_path_segment, no_content, paginate,
};

type Result<T> = std::result::Result<T, ApiError>;
type Ctx = State<Arc<Shared>>;

/// Path parameters, with Atlas's error for a malformed one.
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Path(params)| Params(params))
            .map_err(|rejection| {
                ApiError::bad_request("PATH_PARAM_PARSE_ERROR", rejection.body_text())
            })
    }
}

impl Params {
    fn text(&self, name: &str) -> Result<&str> {
        self.0.get(name).map(String::as_str).ok_or_else(|| {
            ApiError::bad_request(
                "PATH_PARAM_PARSE_ERROR",
                format!("Missing path parameter {name}."),
            )
        })
    }

    /// A 24-hex id, or `PATH_PARAM_PARSE_ERROR`.
    fn id(&self, name: &str) -> Result<&str> {
        let value = self.text(name)?;
        if is_object_id(value) {
            Ok(value)
        } else {
            Err(ApiError::path_param(name, value))
        }
    }
}

/// Atlas's ids: 24 lowercase hexadecimal digits (a MongoDB ObjectId).
fn is_object_id(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Query parameters, with Atlas's error for a malformed query string.
pub struct QueryParams(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| QueryParams(params))
            .map_err(|rejection| {
                ApiError::bad_request("INVALID_QUERY_PARAMETER", rejection.body_text())
            })
    }
}

impl QueryParams {
    fn page(&self) -> Result<PageQuery> {
        PageQuery::parse(&self.0)
    }

    /// `includeSystemManaged`: `true` or `false` (the default).
    fn include_system_managed(&self) -> Result<bool> {
        const NAME: &str = "includeSystemManaged";
        match self.0.get(NAME).map(String::as_str) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(
                "INVALID_QUERY_PARAMETER",
                format!(
                    "Invalid value {other} for the query parameter {NAME}: expected true or false."
                ),
            )
            .with_parameters([NAME, other])),
        }
    }
}

fn ok<T: Serialize>(value: T) -> Response {
    Json(value).into_response()
}

// ---------- bodies ----------

fn json_body(bytes: &Bytes) -> Result<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed_json("the request has no body."));
    }
    serde_json::from_slice(bytes).map_err(|error| ApiError::malformed_json(&error.to_string()))
}

fn object(value: Value) -> Result<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::malformed_json(&format!(
            "expected a JSON object, got {}.",
            kind(&other)
        ))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn optional_string(map: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(ApiError::invalid_attribute(
            name,
            &format!("expected a string, got {}.", kind(other)),
        )),
    }
}

fn optional_bool(map: &Map<String, Value>, name: &str) -> Result<Option<bool>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(flag)) => Ok(Some(*flag)),
        Some(other) => Err(ApiError::invalid_attribute(
            name,
            &format!("expected true or false, got {}.", kind(other)),
        )),
    }
}

fn description(map: &Map<String, Value>, required: bool) -> Result<Option<String>> {
    let desc = optional_string(map, "desc")?;
    match &desc {
        None if required => Err(ApiError::missing_attribute("desc")),
        Some(text) if text.chars().count() == 0 || text.chars().count() > 250 => {
            Err(ApiError::invalid_attribute(
                "desc",
                "the description must be 1 to 250 characters long.",
            ))
        }
        _ => Ok(desc),
    }
}

/// A non-empty list of roles, each one of `allowed`, duplicates removed.
fn roles(
    map: &Map<String, Value>,
    allowed: &[&str],
    required: bool,
) -> Result<Option<Vec<String>>> {
    let list = match map.get("roles") {
        None | Some(Value::Null) if required => return Err(ApiError::missing_attribute("roles")),
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(ApiError::invalid_attribute(
                "roles",
                &format!("expected an array of role names, got {}.", kind(other)),
            ));
        }
    };
    role_names(list, allowed).map(Some)
}

fn role_names(list: &[Value], allowed: &[&str]) -> Result<Vec<String>> {
    if list.is_empty() {
        return Err(ApiError::invalid_attribute(
            "roles",
            "at least one role is required.",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    for item in list {
        let Value::String(name) = item else {
            return Err(ApiError::invalid_attribute(
                "roles",
                &format!("expected role names, got {}.", kind(item)),
            ));
        };
        if !allowed.contains(&name.as_str()) {
            return Err(ApiError::bad_request(
                "INVALID_ENUM_VALUE",
                format!(
                    "An invalid role {name} was specified for roles; valid roles here are {}.",
                    allowed.join(", ")
                ),
            )
            .with_parameters([name.as_str(), "roles"]));
        }
        if seen.insert(name.clone()) {
            names.push(name.clone());
        }
    }
    Ok(names)
}

// ---------- authorization ----------

/// The API key or service account that made the request.
fn caller<'a>(data: &'a Data, caller: &Caller) -> Result<&'a dyn Grantee> {
    let found: Option<&dyn Grantee> = match &caller.principal {
        Principal::Key(id) => data.keys.get(id).map(|key| key as &dyn Grantee),
        Principal::Account(id) => data
            .service_accounts
            .get(id)
            .map(|account| account as &dyn Grantee),
    };
    found.ok_or_else(|| ApiError::unauthorized_role("a valid API key or service account"))
}

fn org_member(data: &Data, key: &dyn Grantee, org_id: &str) -> Result<()> {
    if !data.orgs.contains_key(org_id) {
        return Err(ApiError::org_not_found(org_id));
    }
    if key.in_org(org_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Organization Member"))
    }
}

fn org_owner(data: &Data, key: &dyn Grantee, org_id: &str) -> Result<()> {
    org_member(data, key, org_id)?;
    if key.has_org_role(org_id, "ORG_OWNER") {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Organization Owner"))
    }
}

/// Organization Read Only, which Owner includes.
fn org_reader(data: &Data, key: &dyn Grantee, org_id: &str) -> Result<()> {
    org_member(data, key, org_id)?;
    if key.has_org_role(org_id, "ORG_OWNER") || key.has_org_role(org_id, "ORG_READ_ONLY") {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Organization Read Only"))
    }
}

fn project<'a>(data: &'a Data, project_id: &str) -> Result<&'a Project> {
    data.projects
        .get(project_id)
        .ok_or_else(|| ApiError::group_not_found(project_id))
}

fn project_reader(data: &Data, key: &dyn Grantee, project_id: &str) -> Result<()> {
    let project = project(data, project_id)?;
    let org_wide = key.has_org_role(&project.org_id, "ORG_OWNER")
        || key.has_org_role(&project.org_id, "ORG_READ_ONLY");
    if org_wide || key.in_project(project_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Project Read Only"))
    }
}

fn project_owner(data: &Data, key: &dyn Grantee, project_id: &str, required: &str) -> Result<()> {
    let project = project(data, project_id)?;
    if key.has_org_role(&project.org_id, "ORG_OWNER")
        || key
            .project_roles(project_id)
            .any(|role| role == "GROUP_OWNER")
    {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role(required))
    }
}

fn visible_projects<'a>(
    data: &'a Data,
    key: &'a dyn Grantee,
) -> impl Iterator<Item = &'a Project> + 'a {
    data.projects
        .values()
        .filter(move |project| project_reader(data, key, &project.id).is_ok())
}

/// Roles as Atlas lists them on a key: `{orgId|groupId, roleName}`.
fn role_assignments(roles: &[Role]) -> Vec<crate::wire::RoleAssignment> {
    roles
        .iter()
        .map(|role| match &role.scope {
            Scope::Org(id) => crate::wire::RoleAssignment {
                group_id: None,
                org_id: Some(id.clone()),
                role_name: role.name.clone(),
            },
            Scope::Project(id) => crate::wire::RoleAssignment {
                group_id: Some(id.clone()),
                org_id: None,
                role_name: role.name.clone(),
            },
        })
        .collect()
}

// ---------- links ----------

/// An API key's self link: under its organization, for project keys too
/// (as Atlas answers them).
fn key_href(base: &str, org_id: &str, key_id: &str) -> String {
    format!("{base}/api/atlas/v2/orgs/{org_id}/apiKeys/{key_id}")
}

fn entry_view(base: &str, org_id: &str, key_id: &str, entry: &AccessEntry) -> AccessEntryView {
    let href = format!(
        "{}/accessList/{}",
        key_href(base, org_id, key_id),
        entry_path_segment(entry)
    );
    AccessEntryView::new(entry, href)
}

fn new_key(data: &Data, desc: String, roles: Vec<Role>) -> (ApiKey, String) {
    let mut rng = rand::rng();
    let public_key = loop {
        let candidate = new_public_key(&mut rng);
        if data.key_by_public(&candidate).is_none() {
            break candidate;
        }
    };
    let private_key = uuid::Uuid::new_v4().to_string();
    let key = ApiKey {
        id: new_object_id(),
        ha1: digest::ha1(&public_key, &private_key),
        private_key_tail: private_key[private_key.len() - 12..].to_owned(),
        public_key,
        desc,
        roles,
        access_list: Vec::new(),
    };
    (key, private_key)
}

pub async fn not_found() -> ApiError {
    ApiError::resource_not_found("at this path")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "This method is not allowed on this resource.",
    )
}
