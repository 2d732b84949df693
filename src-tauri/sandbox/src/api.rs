//! One handler per operation. Each checks ids, existence and roles (the
//! spec's `x-rolesRequirements`) and validates its body completely before it
//! changes anything.

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
use crate::gate::Caller;
use crate::model::{AccessEntry, ApiKey, Data, ORG_ROLES, PROJECT_ROLES, Project, Role, Scope};
use crate::store::{new_object_id, new_public_key};
use crate::wire::{
    AccessEntryView, ApiKeyDetails, GroupView, Json, Link, OrgView, PageQuery, RoleView,
    SettingsView, atlas_ip, atlas_net, no_content, paginate,
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

fn caller<'a>(data: &'a Data, caller: &Caller) -> Result<&'a ApiKey> {
    data.keys
        .get(&caller.key_id)
        .ok_or_else(|| ApiError::unauthorized_role("a valid API key"))
}

fn org_member(data: &Data, key: &ApiKey, org_id: &str) -> Result<()> {
    if !data.orgs.contains_key(org_id) {
        return Err(ApiError::org_not_found(org_id));
    }
    if key.in_org(org_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Organization Member"))
    }
}

fn org_owner(data: &Data, key: &ApiKey, org_id: &str) -> Result<()> {
    org_member(data, key, org_id)?;
    if key.has_org_role(org_id, "ORG_OWNER") {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Organization Owner"))
    }
}

fn project<'a>(data: &'a Data, project_id: &str) -> Result<&'a Project> {
    data.projects
        .get(project_id)
        .ok_or_else(|| ApiError::group_not_found(project_id))
}

fn project_reader(data: &Data, key: &ApiKey, project_id: &str) -> Result<()> {
    let project = project(data, project_id)?;
    let org_wide = key.has_org_role(&project.org_id, "ORG_OWNER")
        || key.has_org_role(&project.org_id, "ORG_READ_ONLY");
    if org_wide || key.in_project(project_id) {
        Ok(())
    } else {
        Err(ApiError::unauthorized_role("Project Read Only"))
    }
}

fn project_owner(data: &Data, key: &ApiKey, project_id: &str, required: &str) -> Result<()> {
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

fn visible_projects<'a>(data: &'a Data, key: &'a ApiKey) -> impl Iterator<Item = &'a Project> + 'a {
    data.projects
        .values()
        .filter(move |project| project_reader(data, key, &project.id).is_ok())
}

// ---------- links ----------

fn key_href(base: &str, org_id: &str, key_id: &str) -> String {
    format!("{base}/api/atlas/v2/orgs/{org_id}/apiKeys/{key_id}")
}

fn group_key_href(base: &str, project_id: &str, key_id: &str) -> String {
    format!("{base}/api/atlas/v2/groups/{project_id}/apiKeys/{key_id}")
}

fn entry_view(base: &str, org_id: &str, key_id: &str, entry: &AccessEntry) -> AccessEntryView {
    let href = format!(
        "{}/accessList/{}",
        key_href(base, org_id, key_id),
        entry.path_segment()
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

// ---------- system and organizations ----------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusApiKey {
    access_list: Vec<StatusAccessItem>,
    id: String,
    public_key: String,
    roles: Vec<crate::wire::RoleAssignment>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusAccessItem {
    cidr_block: String,
    ip_address: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SystemStatus {
    api_key: StatusApiKey,
    app_name: &'static str,
    build: &'static str,
    links: Vec<Link>,
    throttling: bool,
}

pub async fn system_status(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
) -> Result<Response> {
    shared.store.read(|data| {
        let key = caller(data, &who)?;
        let details = ApiKeyDetails::redacted(key, RoleView::All, String::new());
        Ok(ok(SystemStatus {
            api_key: StatusApiKey {
                access_list: key
                    .access_list
                    .iter()
                    .map(|entry| StatusAccessItem {
                        cidr_block: atlas_net(entry.cidr),
                        ip_address: atlas_ip(entry.ip_address.unwrap_or(entry.cidr.network())),
                    })
                    .collect(),
                id: key.id.clone(),
                public_key: key.public_key.clone(),
                roles: details.roles,
            },
            app_name: "MongoDB Atlas",
            build: concat!("atlas-sandbox-", env!("CARGO_PKG_VERSION")),
            links: Link::self_link(format!("{}/api/atlas/v2", shared.base_url)),
            throttling: false,
        }))
    })
}

pub async fn current_ip(Extension(who): Extension<Caller>) -> Response {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct IpInfo {
        current_ipv4_address: String,
    }
    let mut response = ok(IpInfo {
        current_ipv4_address: who.ip.to_string(),
    });
    // The private API is not versioned: plain JSON, as Atlas answers it.
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

fn name_filter(query: &QueryParams) -> Option<String> {
    query
        .0
        .get("name")
        .filter(|name| !name.is_empty())
        .map(|name| name.to_lowercase())
}

pub async fn list_orgs(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    query: QueryParams,
) -> Result<Response> {
    let page = query.page()?;
    let filter = name_filter(&query);
    shared.store.read(|data| {
        let key = caller(data, &who)?;
        let orgs: Vec<OrgView> = data
            .orgs
            .values()
            .filter(|org| key.in_org(&org.id))
            .filter(|org| {
                filter
                    .as_ref()
                    .is_none_or(|name| org.name.to_lowercase().contains(name))
            })
            .map(|org| OrgView::new(org, &shared.base_url, false))
            .collect();
        let extra = format!(
            "&name={}",
            query.0.get("name").map(String::as_str).unwrap_or("")
        );
        Ok(ok(paginate(
            orgs,
            page,
            &format!("{}/api/atlas/v2/orgs", shared.base_url),
            &extra,
        )))
    })
}

pub async fn get_org(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let org = data
            .orgs
            .get(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        Ok(ok(OrgView::new(org, &shared.base_url, true)))
    })
}

pub async fn org_groups(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let page = query.page()?;
    let filter = name_filter(&query);
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let projects: Vec<GroupView> = data
            .projects
            .values()
            .filter(|project| project.org_id == org_id)
            .filter(|project| {
                filter
                    .as_ref()
                    .is_none_or(|name| project.name.to_lowercase().contains(name))
            })
            .map(|project| GroupView::new(project, &shared.base_url))
            .collect();
        let href = format!("{}/api/atlas/v2/orgs/{org_id}/groups", shared.base_url);
        Ok(ok(paginate(projects, page, &href, "")))
    })
}

pub async fn get_settings(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let org = data
            .orgs
            .get(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        Ok(ok(SettingsView::from(&org.settings)))
    })
}

pub async fn update_settings(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let map = object(json_body(&body)?)?;
    let api_access_list_required = optional_bool(&map, "apiAccessListRequired")?;
    let gen_ai = optional_bool(&map, "genAIFeaturesEnabled")?;
    let mfa = optional_bool(&map, "multiFactorAuthRequired")?;
    let restrict = optional_bool(&map, "restrictEmployeeAccess")?;
    let streams = optional_bool(&map, "streamsCrossGroupEnabled")?;
    let security_contact = optional_string(&map, "securityContact")?;
    let operations_contact = optional_string(&map, "operationsContact")?;
    let validity = match map.get("maxServiceAccountSecretValidityInHours") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_i64() {
            Some(hours) if (8..=8760).contains(&hours) => Some(hours as i32),
            _ => {
                return Err(ApiError::invalid_attribute(
                    "maxServiceAccountSecretValidityInHours",
                    "expected a whole number of hours from 8 to 8760.",
                ));
            }
        },
    };
    shared.store.change(|data| {
        org_owner(data, caller(data, &who)?, org_id)?;
        let org = data
            .orgs
            .get_mut(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        let settings = &mut org.settings;
        if let Some(flag) = api_access_list_required {
            settings.api_access_list_required = flag;
        }
        if let Some(flag) = gen_ai {
            settings.gen_ai_features_enabled = flag;
        }
        if let Some(flag) = mfa {
            settings.multi_factor_auth_required = flag;
        }
        if let Some(flag) = restrict {
            settings.restrict_employee_access = flag;
        }
        if let Some(flag) = streams {
            settings.streams_cross_group_enabled = flag;
        }
        if security_contact.is_some() {
            settings.security_contact = security_contact;
        }
        if operations_contact.is_some() {
            settings.operations_contact = operations_contact;
        }
        if validity.is_some() {
            settings.max_service_account_secret_validity_in_hours = validity;
        }
        Ok(ok(SettingsView::from(&*settings)))
    })
}

// ---------- projects ----------

pub async fn list_groups(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    query: QueryParams,
) -> Result<Response> {
    let page = query.page()?;
    shared.store.read(|data| {
        let key = caller(data, &who)?;
        let projects: Vec<GroupView> = visible_projects(data, key)
            .map(|project| GroupView::new(project, &shared.base_url))
            .collect();
        Ok(ok(paginate(
            projects,
            page,
            &format!("{}/api/atlas/v2/groups", shared.base_url),
            "",
        )))
    })
}

fn valid_project_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=64).contains(&length)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "-_.(),:&@+'".contains(c))
}

pub async fn create_group(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    body: Bytes,
) -> Result<Response> {
    let map = object(json_body(&body)?)?;
    let name = optional_string(&map, "name")?.ok_or_else(|| ApiError::missing_attribute("name"))?;
    if !valid_project_name(&name) {
        return Err(ApiError::invalid_attribute(
            "name",
            "a project name is 1 to 64 letters, digits and - _ . ( ) , : & @ + '.",
        ));
    }
    let org_id =
        optional_string(&map, "orgId")?.ok_or_else(|| ApiError::missing_attribute("orgId"))?;
    if !is_object_id(&org_id) {
        return Err(ApiError::invalid_attribute(
            "orgId",
            "expected a 24-character hexadecimal id.",
        ));
    }
    shared.store.change(|data| {
        let key = caller(data, &who)?;
        org_member(data, key, &org_id)?;
        if !key.has_org_role(&org_id, "ORG_OWNER")
            && !key.has_org_role(&org_id, "ORG_GROUP_CREATOR")
        {
            return Err(ApiError::unauthorized_role(
                "Organization Owner or Organization Project Creator",
            ));
        }
        if data
            .projects
            .values()
            .any(|project| project.org_id == org_id && project.name == name)
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "DUPLICATE_GROUP_NAME",
                format!("A project named {name} already exists in this organization."),
            )
            .with_parameters([name.as_str()]));
        }
        let project = Project {
            id: new_object_id(),
            org_id: org_id.clone(),
            name: name.clone(),
            created: Utc::now(),
        };
        let view = GroupView::new(&project, &shared.base_url);
        if let Some(creator) = data.keys.get_mut(&who.key_id) {
            creator
                .roles
                .push(Role::project(&project.id, "GROUP_OWNER"));
        }
        data.projects.insert(project.id.clone(), project);
        Ok(ok(view))
    })
}

pub async fn get_group(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    shared.store.read(|data| {
        project_reader(data, caller(data, &who)?, project_id)?;
        Ok(ok(GroupView::new(
            project(data, project_id)?,
            &shared.base_url,
        )))
    })
}

pub async fn get_group_by_name(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let name = params.text("groupName")?;
    shared.store.read(|data| {
        let key = caller(data, &who)?;
        let found = visible_projects(data, key)
            .find(|project| project.name == name)
            .ok_or_else(|| {
                ApiError::not_found(
                    "GROUP_NAME_NOT_FOUND",
                    format!("No group with name {name} exists."),
                )
                .with_parameters([name])
            })?;
        Ok(ok(GroupView::new(found, &shared.base_url)))
    })
}

// ---------- organization API keys ----------

fn org_key<'a>(data: &'a Data, org_id: &str, key_id: &str) -> Result<&'a ApiKey> {
    data.keys
        .get(key_id)
        .filter(|key| key.in_org(org_id))
        .ok_or_else(|| ApiError::api_key_not_found(key_id))
}

fn sorted_by_public_key<'a>(keys: impl Iterator<Item = &'a ApiKey>) -> Vec<&'a ApiKey> {
    let mut keys: Vec<&ApiKey> = keys.collect();
    keys.sort_by(|a, b| a.public_key.cmp(&b.public_key));
    keys
}

pub async fn list_org_keys(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let page = query.page()?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let base = &shared.base_url;
        let keys: Vec<ApiKeyDetails> =
            sorted_by_public_key(data.keys.values().filter(|key| key.in_org(org_id)))
                .into_iter()
                .map(|key| {
                    ApiKeyDetails::redacted(key, RoleView::All, key_href(base, org_id, &key.id))
                })
                .collect();
        Ok(ok(paginate(
            keys,
            page,
            &format!("{base}/api/atlas/v2/orgs/{org_id}/apiKeys"),
            "",
        )))
    })
}

pub async fn create_org_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let map = object(json_body(&body)?)?;
    let desc = description(&map, true)?.unwrap_or_default();
    let role_names = roles(&map, ORG_ROLES, true)?.unwrap_or_default();
    shared.store.change(|data| {
        org_owner(data, caller(data, &who)?, org_id)?;
        let roles = role_names
            .iter()
            .map(|name| Role::org(org_id, name))
            .collect();
        let (key, private_key) = new_key(data, desc, roles);
        let href = key_href(&shared.base_url, org_id, &key.id);
        let details = ApiKeyDetails::with_private_key(&key, RoleView::All, href, private_key);
        tracing::info!(public_key = %key.public_key, "organization API key created");
        data.keys.insert(key.id.clone(), key);
        Ok(ok(details))
    })
}

pub async fn get_org_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let key = org_key(data, org_id, key_id)?;
        Ok(ok(ApiKeyDetails::redacted(
            key,
            RoleView::All,
            key_href(&shared.base_url, org_id, key_id),
        )))
    })
}

pub async fn update_org_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let map = object(json_body(&body)?)?;
    let desc = description(&map, false)?;
    let role_names = roles(&map, ORG_ROLES, false)?;
    if desc.is_none() && role_names.is_none() {
        return Err(ApiError::missing_attribute("desc or roles"));
    }
    shared.store.change(|data| {
        org_owner(data, caller(data, &who)?, org_id)?;
        org_key(data, org_id, key_id)?;
        let key = data
            .keys
            .get_mut(key_id)
            .ok_or_else(|| ApiError::api_key_not_found(key_id))?;
        if let Some(desc) = desc {
            key.desc = desc;
        }
        if let Some(names) = role_names {
            key.roles
                .retain(|role| role.scope != Scope::Org(org_id.to_owned()));
            key.roles
                .splice(0..0, names.iter().map(|name| Role::org(org_id, name)));
        }
        Ok(ok(ApiKeyDetails::redacted(
            key,
            RoleView::All,
            key_href(&shared.base_url, org_id, key_id),
        )))
    })
}

pub async fn delete_org_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    shared.store.change(|data| {
        org_owner(data, caller(data, &who)?, org_id)?;
        org_key(data, org_id, key_id)?;
        // The key goes, and with it every project membership.
        data.keys.remove(key_id);
        Ok(no_content())
    })
}

// ---------- access lists ----------

pub async fn list_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let page = query.page()?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        Ok(ok(access_page(
            &shared.base_url,
            org_id,
            org_key(data, org_id, key_id)?,
            page,
        )))
    })
}

fn access_page(
    base: &str,
    org_id: &str,
    key: &ApiKey,
    page: PageQuery,
) -> crate::wire::Page<AccessEntryView> {
    let views = key
        .access_list
        .iter()
        .map(|entry| entry_view(base, org_id, &key.id, entry))
        .collect();
    paginate(
        views,
        page,
        &format!("{}/accessList", key_href(base, org_id, &key.id)),
        "",
    )
}

/// Reads the entries of a POST body: `ipAddress` or `cidrBlock`, never both.
fn access_requests(value: Value) -> Result<Vec<(IpNet, Option<IpAddr>)>> {
    let Value::Array(items) = value else {
        return Err(ApiError::malformed_json(&format!(
            "expected an array of entries, got {}.",
            kind(&value)
        )));
    };
    let invalid = |text: &str, why: &str| {
        ApiError::bad_request(
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
            format!("The address {text} must be in valid IP address or CIDR notation: {why}"),
        )
        .with_parameters([text])
    };
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        let map = object(item)?;
        let ip = optional_string(&map, "ipAddress")?;
        let cidr = optional_string(&map, "cidrBlock")?;
        let entry = match (ip, cidr) {
            (Some(ip), None) => {
                let address: IpAddr = ip
                    .trim()
                    .parse()
                    .map_err(|_| invalid(&ip, "not an IP address."))?;
                (IpNet::from(address), Some(address))
            }
            (None, Some(cidr)) => {
                let net: IpNet = cidr
                    .trim()
                    .parse()
                    .map_err(|_| invalid(&cidr, "not a CIDR block such as 203.0.113.0/24."))?;
                if net.trunc() != net {
                    return Err(invalid(
                        &cidr,
                        &format!("the host bits are set; the block is {}.", net.trunc()),
                    ));
                }
                (net, None)
            }
            (Some(ip), Some(cidr)) => {
                return Err(invalid(
                    &format!("{ip} / {cidr}"),
                    "give ipAddress or cidrBlock, not both.",
                ));
            }
            (None, None) => return Err(ApiError::missing_attribute("ipAddress or cidrBlock")),
        };
        if entries.iter().any(|(net, _)| *net == entry.0) {
            return Err(ApiError::bad_request(
                "DUPLICATE_ADDRESSES_IN_INPUT",
                format!(
                    "The address {} appears more than once in the request.",
                    entry.0
                ),
            )
            .with_parameters([entry.0.to_string()]));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// Changing any access list needs Organization Owner and a caller that is
/// itself behind an access list.
fn access_list_editor(data: &Data, who: &Caller, org_id: &str) -> Result<()> {
    let key = caller(data, who)?;
    org_owner(data, key, org_id)?;
    if key.access_list.is_empty() {
        return Err(ApiError::forbidden(
            "RESOURCE_REQUIRES_ACCESS_LIST",
            "This resource requires access through an access list: add an access list to the API key in use first.",
        ));
    }
    Ok(())
}

pub async fn create_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let page = query.page()?;
    let requested = access_requests(json_body(&body)?)?;
    shared.store.change(|data| {
        access_list_editor(data, &who, org_id)?;
        org_key(data, org_id, key_id)?;
        let key = data
            .keys
            .get_mut(key_id)
            .ok_or_else(|| ApiError::api_key_not_found(key_id))?;
        let now = Utc::now();
        for (net, ip) in requested {
            // Adding an entry that is already there changes nothing.
            if !key.access_list.iter().any(|entry| entry.cidr == net) {
                key.access_list.push(AccessEntry::new(net, ip, now));
            }
        }
        Ok(ok(access_page(&shared.base_url, org_id, key, page)))
    })
}

pub async fn get_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let name = params.text("ipAddress")?;
    shared.store.read(|data| {
        org_member(data, caller(data, &who)?, org_id)?;
        let key = org_key(data, org_id, key_id)?;
        let entry = key
            .access_list
            .iter()
            .find(|entry| entry.is_named_by(name))
            .ok_or_else(|| ApiError::resource_not_found(&format!("access list entry {name}")))?;
        Ok(ok(entry_view(&shared.base_url, org_id, key_id, entry)))
    })
}

pub async fn delete_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let name = params.text("ipAddress")?;
    if name.parse::<IpAddr>().is_err() && name.parse::<IpNet>().is_err() {
        return Err(ApiError::bad_request(
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
            format!("The address {name} must be in valid IP address or CIDR notation."),
        )
        .with_parameters([name]));
    }
    shared.store.change(|data| {
        access_list_editor(data, &who, org_id)?;
        let key = org_key(data, org_id, key_id)?;
        let position = key
            .access_list
            .iter()
            .position(|entry| entry.is_named_by(name))
            .ok_or_else(|| ApiError::resource_not_found(&format!("access list entry {name}")))?;
        if key.id == who.key_id && key.access_list[position].cidr.contains(&who.ip) {
            return Err(ApiError::bad_request(
                "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST",
                format!("The entry {name} lets in the address this request came from ({}); it cannot be removed with this key.", who.ip),
            )
            .with_parameters([name]));
        }
        if let Some(key) = data.keys.get_mut(key_id) {
            key.access_list.remove(position);
        }
        Ok(no_content())
    })
}

// ---------- project API keys ----------

pub async fn list_group_keys(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let page = query.page()?;
    shared.store.read(|data| {
        project_reader(data, caller(data, &who)?, project_id)?;
        let base = &shared.base_url;
        let keys: Vec<ApiKeyDetails> =
            sorted_by_public_key(data.keys.values().filter(|key| key.in_project(project_id)))
                .into_iter()
                .map(|key| {
                    ApiKeyDetails::redacted(
                        key,
                        RoleView::Project(project_id),
                        group_key_href(base, project_id, &key.id),
                    )
                })
                .collect();
        Ok(ok(paginate(
            keys,
            page,
            &format!("{base}/api/atlas/v2/groups/{project_id}/apiKeys"),
            "",
        )))
    })
}

pub async fn create_group_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let map = object(json_body(&body)?)?;
    let desc = description(&map, true)?.unwrap_or_default();
    let role_names = roles(&map, PROJECT_ROLES, true)?.unwrap_or_default();
    shared.store.change(|data| {
        project_owner(
            data,
            caller(data, &who)?,
            project_id,
            "Project Access Manager",
        )?;
        let org_id = project(data, project_id)?.org_id.clone();
        // A project key is a member of the organization too.
        let mut roles = vec![Role::org(&org_id, "ORG_MEMBER")];
        roles.extend(
            role_names
                .iter()
                .map(|name| Role::project(project_id, name)),
        );
        let (key, private_key) = new_key(data, desc, roles);
        let href = group_key_href(&shared.base_url, project_id, &key.id);
        let details =
            ApiKeyDetails::with_private_key(&key, RoleView::Project(project_id), href, private_key);
        tracing::info!(public_key = %key.public_key, "project API key created");
        data.keys.insert(key.id.clone(), key);
        Ok(ok(details))
    })
}

/// Replaces a key's roles in one project.
fn set_project_roles(key: &mut ApiKey, project_id: &str, names: &[String]) {
    key.roles
        .retain(|role| role.scope != Scope::Project(project_id.to_owned()));
    key.roles
        .extend(names.iter().map(|name| Role::project(project_id, name)));
}

pub async fn invite_group_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let key_id = params.id("apiUserId")?;
    let Value::Array(assignments) = json_body(&body)? else {
        return Err(ApiError::malformed_json(
            "expected an array such as [{\"roles\": [\"GROUP_READ_ONLY\"]}].",
        ));
    };
    let mut names: Vec<String> = Vec::new();
    for assignment in assignments {
        let map = object(assignment)?;
        for name in roles(&map, PROJECT_ROLES, true)?.unwrap_or_default() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if names.is_empty() {
        return Err(ApiError::missing_attribute("roles"));
    }
    shared.store.change(|data| {
        project_owner(data, caller(data, &who)?, project_id, "Project Owner")?;
        let org_id = project(data, project_id)?.org_id.clone();
        org_key(data, &org_id, key_id)?;
        if let Some(key) = data.keys.get_mut(key_id) {
            set_project_roles(key, project_id, &names);
        }
        Ok(no_content())
    })
}

fn project_member<'a>(data: &'a Data, project_id: &str, key_id: &str) -> Result<&'a ApiKey> {
    data.keys
        .get(key_id)
        .filter(|key| key.in_project(project_id))
        .ok_or_else(|| ApiError::api_key_not_found(key_id))
}

pub async fn update_group_key_roles(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let key_id = params.id("apiUserId")?;
    query.page()?;
    let map = object(json_body(&body)?)?;
    let desc = description(&map, false)?;
    let role_names = roles(&map, PROJECT_ROLES, false)?;
    if desc.is_none() && role_names.is_none() {
        return Err(ApiError::missing_attribute("desc or roles"));
    }
    shared.store.change(|data| {
        project_owner(
            data,
            caller(data, &who)?,
            project_id,
            "Project Access Manager",
        )?;
        project_member(data, project_id, key_id)?;
        let key = data
            .keys
            .get_mut(key_id)
            .ok_or_else(|| ApiError::api_key_not_found(key_id))?;
        if let Some(desc) = desc {
            key.desc = desc;
        }
        if let Some(names) = role_names {
            set_project_roles(key, project_id, &names);
        }
        let href = group_key_href(&shared.base_url, project_id, key_id);
        Ok(ok(ApiKeyDetails::redacted(
            key,
            RoleView::Project(project_id),
            href,
        )))
    })
}

pub async fn remove_group_key(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let key_id = params.id("apiUserId")?;
    shared.store.change(|data| {
        project_owner(
            data,
            caller(data, &who)?,
            project_id,
            "Project Access Manager",
        )?;
        project_member(data, project_id, key_id)?;
        if let Some(key) = data.keys.get_mut(key_id) {
            set_project_roles(key, project_id, &[]);
        }
        Ok(no_content())
    })
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
