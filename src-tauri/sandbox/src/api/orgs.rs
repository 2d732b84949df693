//! The system and organizations.

use super::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatusApiKey {
    access_list: Vec<StatusAccessItem>,
    id: String,
    public_key: String,
    roles: Vec<crate::wire::RoleAssignment>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatusAccessItem {
    cidr_block: String,
    ip_address: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SystemStatus {
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
        let grantee = caller(data, &who)?;
        // A service account shows as a key whose id and public key are its
        // client id: Atlas's answer to a token here is not recorded.
        let (id, public_key) = match &who.principal {
            Principal::Key(id) => {
                let key = data
                    .keys
                    .get(id)
                    .ok_or_else(|| ApiError::api_key_not_found(id))?;
                (key.id.clone(), key.public_key.clone())
            }
            Principal::Account(client_id) => (client_id.clone(), client_id.clone()),
        };
        Ok(ok(SystemStatus {
            api_key: StatusApiKey {
                access_list: grantee
                    .access_list()
                    .iter()
                    .map(|entry| StatusAccessItem {
                        cidr_block: atlas_net(entry.cidr),
                        ip_address: atlas_ip(entry.ip_address.unwrap_or(entry.cidr.network())),
                    })
                    .collect(),
                id,
                public_key,
                roles: role_assignments(grantee.roles()),
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
        #[serde(skip_serializing_if = "Option::is_none")]
        current_ipv4_address: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        current_ipv6_address: Option<String>,
    }
    // The field of the family the request came in.
    let mut response = ok(match who.ip {
        std::net::IpAddr::V4(ip) => IpInfo {
            current_ipv4_address: Some(ip.to_string()),
            current_ipv6_address: None,
        },
        std::net::IpAddr::V6(ip) => IpInfo {
            current_ipv4_address: None,
            current_ipv6_address: Some(ip.to_string()),
        },
    });
    // The private API is not versioned: plain JSON, as Atlas answers it.
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

pub(super) fn name_filter(query: &QueryParams) -> Option<String> {
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

pub async fn get_org(State(shared): Ctx, params: Params) -> Result<Response> {
    let org_id = params.id("orgId")?;
    shared.store.read(|data| {
        let org = data
            .orgs
            .get(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        Ok(ok(OrgView::new(org, &shared.base_url, true)))
    })
}

pub async fn org_groups(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let page = query.page()?;
    let filter = name_filter(&query);
    shared.store.read(|data| {
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

pub async fn get_settings(State(shared): Ctx, params: Params) -> Result<Response> {
    let org_id = params.id("orgId")?;
    shared.store.read(|data| {
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
        let org = data
            .orgs
            .get_mut(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        let settings = &mut org.settings;
        let mut happenings = Vec::new();
        if let Some(flag) = api_access_list_required
            && flag != settings.api_access_list_required
        {
            settings.api_access_list_required = flag;
            happenings.push(if flag {
                "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED"
            } else {
                "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED"
            });
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
        if validity.is_some() && validity != settings.max_service_account_secret_validity_in_hours {
            settings.max_service_account_secret_validity_in_hours = validity;
            happenings.push("ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED");
        }
        let answer = ok(SettingsView::from(&*settings));
        for kind in happenings {
            record(data, &who, Happening::new(kind, org_id));
        }
        Ok(answer)
    })
}

pub async fn get_delegation(State(shared): Ctx, params: Params) -> Result<Response> {
    let org_id = params.id("orgId")?;
    shared.store.read(|data| {
        let org = data
            .orgs
            .get(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        Ok(ok(DelegationView::from(&org.delegation)))
    })
}

/// One attribute of a PATCH: left out (unchanged), `null` (the system
/// default) or a value.
fn patched<T>(
    map: &Map<String, Value>,
    name: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Result<Option<Option<T>>> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(value) => read(value)
            .map(|value| Some(Some(value)))
            .ok_or_else(|| ApiError::invalid_attribute(name, "the value is not one Atlas takes.")),
    }
}

/// Only what the body names changes; `null` puts a setting back to the
/// system default. One `ORG_DELEGATION_SETTINGS_UPDATED` when anything
/// changed (the spec has checked enums and ranges before this runs).
pub async fn update_delegation(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let map = object(json_body(&body)?)?;
    let text = |value: &Value| value.as_str().map(str::to_owned);
    let seconds = |value: &Value| value.as_i64().filter(|s| (1..=31_536_000).contains(s));
    let mcp = patched(&map, "delegatedMcpAccess", text)?;
    let partner = patched(&map, "delegatedPartnerAccess", text)?;
    let maximum = patched(&map, "maximumRefreshTokenLifetime", seconds)?;
    let idle = patched(&map, "idleRefreshTokenLifetime", seconds)?;
    shared.store.change(|data| {
        let org = data
            .orgs
            .get_mut(org_id)
            .ok_or_else(|| ApiError::org_not_found(org_id))?;
        let before = org.delegation.clone();
        let settings = &mut org.delegation;
        if let Some(value) = mcp {
            settings.delegated_mcp_access = value;
        }
        if let Some(value) = partner {
            settings.delegated_partner_access = value;
        }
        if let Some(value) = maximum {
            settings.maximum_refresh_token_lifetime = value;
        }
        if let Some(value) = idle {
            settings.idle_refresh_token_lifetime = value;
        }
        let answer = DelegationView::from(&*settings);
        let changed = DelegationView::from(&before) != answer;
        if changed {
            record(
                data,
                &who,
                Happening::new("ORG_DELEGATION_SETTINGS_UPDATED", org_id),
            );
        }
        Ok(ok(answer))
    })
}
