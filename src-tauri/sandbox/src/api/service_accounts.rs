//! The organization's service accounts: the accounts, their secrets, their
//! access lists and the projects they are in. Atlas's rules: a name of 1 to
//! 64 characters and a description of 1 to 250; at least one role; a secret
//! lives from 8 hours up to the organization's maximum; at most two secrets,
//! and a new one cuts every other to at most seven days; expired secrets stay
//! listed until deleted.

use super::*;
use crate::model::{Secret, ServiceAccount};
use crate::wire::{
    SecretView, ServiceAccountEntryView, ServiceAccountGroupView, ServiceAccountJson,
    ServiceAccountView, service_account_no_content,
};

/// A secret's shortest lifetime.
const MIN_SECRET_HOURS: i64 = 8;
/// The organization's maximum when it has set none: a year.
const DEFAULT_MAX_SECRET_HOURS: i64 = 8760;
const MAX_SECRETS: usize = 2;
/// How long the other secrets live at most once a new one is made.
const ROTATION_DAYS: i64 = 7;
/// Entries one access-list POST may carry.
const MAX_ENTRIES_PER_REQUEST: usize = 200;

pub(super) fn client_id_param(params: &Params) -> Result<&str> {
    let value = params.text("clientId")?;
    check_client_id(value)?;
    Ok(value)
}

/// `mdb_sa_id_` and 24 hexadecimal digits.
pub(super) fn check_client_id(value: &str) -> Result<()> {
    let hex = value.strip_prefix("mdb_sa_id_").unwrap_or("");
    if is_object_id(&hex.to_ascii_lowercase()) {
        Ok(())
    } else {
        Err(ApiError::path_param("clientId", value))
    }
}

pub(super) fn not_found(client_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "SERVICE_ACCOUNT_NOT_FOUND",
        format!("No service account with client ID {client_id} exists in this organization."),
    )
    .with_parameters([client_id])
}

/// The organization's account with this client id.
fn org_account<'a>(data: &'a Data, org_id: &str, client_id: &str) -> Result<&'a ServiceAccount> {
    data.service_accounts
        .get(client_id)
        .filter(|account| account.in_org(org_id))
        .ok_or_else(|| not_found(client_id))
}

fn org_account_mut<'a>(
    data: &'a mut Data,
    org_id: &str,
    client_id: &str,
) -> Result<&'a mut ServiceAccount> {
    data.service_accounts
        .get_mut(client_id)
        .filter(|account| account.in_org(org_id))
        .ok_or_else(|| not_found(client_id))
}

/// The account as its organization shows it: its organization roles.
pub(super) fn view(account: &ServiceAccount, org_id: &str) -> ServiceAccountView {
    view_with_roles(
        account,
        account.org_roles(org_id).map(str::to_owned).collect(),
    )
}

/// The account as a project shows it: its roles in the project.
pub(super) fn project_view(account: &ServiceAccount, project_id: &str) -> ServiceAccountView {
    view_with_roles(
        account,
        account
            .project_roles(project_id)
            .map(str::to_owned)
            .collect(),
    )
}

fn view_with_roles(account: &ServiceAccount, roles: Vec<String>) -> ServiceAccountView {
    ServiceAccountView {
        client_id: account.client_id.clone(),
        created_at: crate::wire::timestamp(&account.created),
        description: account.description.clone(),
        name: account.name.clone(),
        roles,
        secrets: account
            .secrets
            .iter()
            .map(|secret| SecretView::new(secret, None))
            .collect(),
    }
}

/// The spec's pattern for a name or description, `^[\p{L}\p{N}\-_.,' ]*$`:
/// letters and digits of any script (not combining marks), spaces, `-_.,'`.
static TEXT_PATTERN: std::sync::LazyLock<Option<regex::Regex>> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^[\p{L}\p{N}\-_.,' ]$").ok());

/// A name or description as Atlas takes it: letters, digits, spaces and
/// `-_.,'`, within the length.
pub(super) fn text_attribute(
    map: &Map<String, Value>,
    name: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>> {
    let Some(text) = optional_string(map, name)? else {
        return if required {
            Err(ApiError::missing_attribute(name))
        } else {
            Ok(None)
        };
    };
    let length = text.chars().count();
    if length == 0 || length > max {
        return Err(ApiError::invalid_attribute(
            name,
            &format!("it must be 1 to {max} characters long."),
        ));
    }
    let allowed = |c: char| {
        TEXT_PATTERN
            .as_ref()
            .is_some_and(|pattern| pattern.is_match(c.encode_utf8(&mut [0; 4])))
    };
    if let Some(bad) = text.chars().find(|c| !allowed(*c)) {
        return Err(ApiError::invalid_attribute(
            name,
            &format!("\"{bad}\" is not allowed: use letters, digits, spaces and -_.,'"),
        ));
    }
    Ok(Some(text))
}

/// `secretExpiresAfterHours`, from 8 to the organization's maximum.
fn secret_hours(map: &Map<String, Value>, data: &Data, org_id: &str) -> Result<i64> {
    let hours = match map.get("secretExpiresAfterHours") {
        None | Some(Value::Null) => {
            return Err(ApiError::missing_attribute("secretExpiresAfterHours"));
        }
        Some(Value::Number(number)) => number.as_i64().ok_or_else(|| {
            ApiError::invalid_attribute(
                "secretExpiresAfterHours",
                "expected a whole number of hours.",
            )
        })?,
        Some(other) => {
            return Err(ApiError::invalid_attribute(
                "secretExpiresAfterHours",
                &format!("expected a whole number of hours, got {}.", kind(other)),
            ));
        }
    };
    let max = data
        .orgs
        .get(org_id)
        .and_then(|org| org.settings.max_service_account_secret_validity_in_hours)
        .map_or(DEFAULT_MAX_SECRET_HOURS, i64::from);
    if !(MIN_SECRET_HOURS..=max).contains(&hours) {
        return Err(ApiError::bad_request(
            "INVALID_SERVICE_ACCOUNT_SECRET_EXPIRATION",
            format!(
                "A secret must expire {MIN_SECRET_HOURS} to {max} hours after it is made (this organization's maximum); {hours} was asked."
            ),
        )
        .with_parameters([hours.to_string(), max.to_string()]));
    }
    Ok(hours)
}

/// A new secret, lasting `hours` from now, and its value.
fn new_secret(hours: i64) -> (Secret, String) {
    let now = Utc::now();
    Secret::generate(new_object_id(), now, now + chrono::Duration::hours(hours))
}

pub async fn list_org_accounts(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let page = query.page()?;
    let include_system_managed = query.include_system_managed()?;
    shared.store.read(|data| {
        let views: Vec<ServiceAccountView> = data
            .service_accounts
            .values()
            .filter(|account| account.in_org(org_id))
            .filter(|account| include_system_managed || !account.system_managed)
            .map(|account| view(account, org_id))
            .collect();
        let href = format!(
            "{}/api/atlas/v2/orgs/{org_id}/serviceAccounts",
            shared.base_url
        );
        Ok(ServiceAccountJson(StatusCode::OK, paginate(views, page, &href, "")).into_response())
    })
}

pub async fn create_org_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let map = object(json_body(&body)?)?;
    shared.store.change(|data| {
        let (account, value) = new_account(data, &map, org_id, ORG_ROLES)?;
        let mut shown = view(&account, org_id);
        if let Some(first) = shown.secrets.first_mut() {
            first.secret = Some(value);
        }
        let target = Target::account(&account);
        data.service_accounts
            .insert(account.client_id.clone(), account);
        record(
            data,
            &who,
            Happening::new("SERVICE_ACCOUNT_CREATED", org_id).on(target),
        );
        Ok(ServiceAccountJson(StatusCode::CREATED, shown).into_response())
    })
}

/// A new account of this organization from a create request, with its first
/// secret's value (shown once). Its roles are the request's, in the
/// organization; the caller moves them elsewhere if they are a project's.
pub(super) fn new_account(
    data: &Data,
    map: &Map<String, Value>,
    org_id: &str,
    allowed_roles: &[&str],
) -> Result<(ServiceAccount, String)> {
    let name = text_attribute(map, "name", 64, true)?.unwrap_or_default();
    let description = text_attribute(map, "description", 250, true)?.unwrap_or_default();
    let roles = roles(map, allowed_roles, true)?.unwrap_or_default();
    let hours = secret_hours(map, data, org_id)?;
    let (secret, value) = new_secret(hours);
    let client_id = loop {
        let candidate = format!("mdb_sa_id_{}", new_object_id());
        if !data.service_accounts.contains_key(&candidate) {
            break candidate;
        }
    };
    tracing::info!(client_id, "service account created");
    let account = ServiceAccount {
        client_id,
        name,
        description,
        created: Utc::now(),
        roles: roles.iter().map(|role| Role::org(org_id, role)).collect(),
        secrets: vec![secret],
        access_list: Vec::new(),
        system_managed: false,
    };
    Ok((account, value))
}

pub async fn get_org_account(State(shared): Ctx, params: Params) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    shared.store.read(|data| {
        let account = org_account(data, org_id, client_id)?;
        Ok(ServiceAccountJson(StatusCode::OK, view(account, org_id)).into_response())
    })
}

pub async fn update_org_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let map = object(json_body(&body)?)?;
    let name = text_attribute(&map, "name", 64, false)?;
    let description = text_attribute(&map, "description", 250, false)?;
    let roles = roles(&map, ORG_ROLES, false)?;
    shared.store.change(|data| {
        let account = org_account_mut(data, org_id, client_id)?;
        let mut happenings = Vec::new();
        if set_details(account, name, description) {
            happenings.push(Happening::new("SERVICE_ACCOUNT_DETAILS_CHANGED", org_id));
        }
        if let Some(roles) = roles {
            let before: Vec<String> = account.org_roles(org_id).map(str::to_owned).collect();
            account
                .roles
                .retain(|role| !matches!(&role.scope, Scope::Org(id) if id == org_id));
            account
                .roles
                .extend(roles.iter().map(|role| Role::org(org_id, role)));
            if before != roles {
                happenings.push(Happening::new("SERVICE_ACCOUNT_ROLES_CHANGED", org_id));
            }
        }
        let shown = view(account, org_id);
        let target = Target::account(account);
        for happening in happenings {
            record(data, &who, happening.on(target.clone()));
        }
        Ok(ServiceAccountJson(StatusCode::OK, shown).into_response())
    })
}

/// Sets a new name and description; answers whether either changed.
pub(super) fn set_details(
    account: &mut ServiceAccount,
    name: Option<String>,
    description: Option<String>,
) -> bool {
    let mut changed = false;
    if let Some(name) = name.filter(|name| *name != account.name) {
        account.name = name;
        changed = true;
    }
    if let Some(description) = description.filter(|text| *text != account.description) {
        account.description = description;
        changed = true;
    }
    changed
}

pub async fn delete_org_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    shared.store.change(|data| {
        let target = Target::account(org_account(data, org_id, client_id)?);
        record(
            data,
            &who,
            Happening::new("SERVICE_ACCOUNT_DELETED", org_id).on(target),
        );
        data.service_accounts.remove(client_id);
        Ok(())
    })?;
    // Its tokens stop working at once.
    shared.tokens.forget_account(client_id);
    tracing::info!(client_id, "service account deleted");
    Ok(service_account_no_content())
}

pub async fn create_org_secret(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let map = object(json_body(&body)?)?;
    shared.store.change(|data| {
        org_account(data, org_id, client_id)?;
        make_secret(data, &who, &map, org_id, client_id)
    })
}

/// Adds a secret to the account (of `org_id`); answers it with its value.
pub(super) fn make_secret(
    data: &mut Data,
    who: &Caller,
    map: &Map<String, Value>,
    org_id: &str,
    client_id: &str,
) -> Result<Response> {
    let hours = secret_hours(map, data, org_id)?;
    let account = data
        .service_accounts
        .get_mut(client_id)
        .ok_or_else(|| not_found(client_id))?;
    if account.secrets.len() >= MAX_SECRETS {
        return Err(ApiError::bad_request(
            "SERVICE_ACCOUNT_MAX_SECRETS_REACHED",
            format!(
                "A service account has at most {MAX_SECRETS} secrets: delete one before making another."
            ),
        ));
    }
    let (secret, value) = new_secret(hours);
    // The others now end within a week, so the old one can be phased out.
    let cutoff = secret.created + chrono::Duration::days(ROTATION_DAYS);
    for other in &mut account.secrets {
        other.expires = other.expires.min(cutoff);
    }
    let shown = SecretView::new(&secret, Some(value));
    account.secrets.push(secret);
    let target = Target::account(account);
    record(
        data,
        who,
        Happening::new("SERVICE_ACCOUNT_SECRET_ADDED", org_id).on(target),
    );
    Ok(ServiceAccountJson(StatusCode::CREATED, shown).into_response())
}

pub async fn delete_org_secret(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let secret_id = params.id("secretId")?;
    shared.store.change(|data| {
        org_account(data, org_id, client_id)?;
        delete_secret(data, &who, org_id, client_id, secret_id)
    })?;
    // Tokens made from it are refused from now on.
    shared.tokens.forget_secret(secret_id);
    Ok(service_account_no_content())
}

pub(super) fn delete_secret(
    data: &mut Data,
    who: &Caller,
    org_id: &str,
    client_id: &str,
    secret_id: &str,
) -> Result<()> {
    let account = data
        .service_accounts
        .get_mut(client_id)
        .ok_or_else(|| not_found(client_id))?;
    let position = account
        .secrets
        .iter()
        .position(|secret| secret.id == secret_id)
        .ok_or_else(|| ApiError::resource_not_found(&format!("secret {secret_id}")))?;
    account.secrets.remove(position);
    let target = Target::account(account);
    record(
        data,
        who,
        Happening::new("SERVICE_ACCOUNT_SECRET_DELETED", org_id).on(target),
    );
    Ok(())
}

pub(super) fn entries_page(
    account: &ServiceAccount,
    page: PageQuery,
    href: &str,
) -> crate::wire::Page<ServiceAccountEntryView> {
    let views = account
        .access_list
        .iter()
        .map(ServiceAccountEntryView::new)
        .collect();
    paginate(views, page, href, "")
}

fn org_access_href(base: &str, org_id: &str, client_id: &str) -> String {
    format!("{base}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/accessList")
}

/// The entries of an access-list POST: at most 200.
pub(super) fn entry_requests(value: Value) -> Result<Vec<(IpNet, Option<IpAddr>)>> {
    if let Value::Array(items) = &value
        && items.len() > MAX_ENTRIES_PER_REQUEST
    {
        return Err(ApiError::bad_request(
            "TOO_MANY_ACCESS_LIST_ENTRIES",
            format!(
                "At most {MAX_ENTRIES_PER_REQUEST} entries may be added in one request; {} were sent.",
                items.len()
            ),
        ));
    }
    access_requests(value)
}

/// Adds entries (one already there changes nothing); answers the list.
pub(super) fn add_entries(
    data: &mut Data,
    who: &Caller,
    org_id: &str,
    client_id: &str,
    requested: Vec<(IpNet, Option<IpAddr>)>,
    page: PageQuery,
    href: &str,
) -> Result<Response> {
    let account = data
        .service_accounts
        .get_mut(client_id)
        .ok_or_else(|| not_found(client_id))?;
    let now = Utc::now();
    let mut added = Vec::new();
    for (net, ip) in requested {
        if !account.access_list.iter().any(|entry| entry.cidr == net) {
            let entry = AccessEntry::new(net, ip, now);
            added.push(
                Happening::new("SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED", org_id)
                    .on(Target::account(account))
                    .entry(&entry),
            );
            account.access_list.push(entry);
        }
    }
    let page = entries_page(account, page, href);
    for happening in added {
        record(data, who, happening);
    }
    Ok(ServiceAccountJson(StatusCode::OK, page).into_response())
}

/// Removes the entry `name`, unless it lets in the account's own request.
pub(super) fn delete_entry(
    data: &mut Data,
    who: &Caller,
    org_id: &str,
    client_id: &str,
    name: &str,
) -> Result<Response> {
    let account = data
        .service_accounts
        .get_mut(client_id)
        .ok_or_else(|| not_found(client_id))?;
    let position = account
        .access_list
        .iter()
        .position(|entry| entry.is_named_by(name))
        .ok_or_else(|| ApiError::resource_not_found(&format!("access list entry {name}")))?;
    if who.is_account(client_id) && account.access_list[position].cidr.contains(&who.ip) {
        return Err(ApiError::bad_request(
            "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST",
            format!("The entry {name} lets in the address this request came from ({}); it cannot be removed with this service account.", who.ip),
        )
        .with_parameters([name]));
    }
    let entry = account.access_list.remove(position);
    let deleted = Happening::new("SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED", org_id)
        .on(Target::account(account))
        .entry(&entry);
    record(data, who, deleted);
    Ok(service_account_no_content())
}

pub async fn list_org_account_access(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let page = query.page()?;
    shared.store.read(|data| {
        let account = org_account(data, org_id, client_id)?;
        let href = org_access_href(&shared.base_url, org_id, client_id);
        Ok(ServiceAccountJson(StatusCode::OK, entries_page(account, page, &href)).into_response())
    })
}

pub async fn create_org_account_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
    body: Bytes,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let page = query.page()?;
    let requested = entry_requests(json_body(&body)?)?;
    shared.store.change(|data| {
        org_account(data, org_id, client_id)?;
        let href = org_access_href(&shared.base_url, org_id, client_id);
        add_entries(data, &who, org_id, client_id, requested, page, &href)
    })
}

pub async fn delete_org_account_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let name = entry_name(&params)?;
    shared.store.change(|data| {
        org_account(data, org_id, client_id)?;
        delete_entry(data, &who, org_id, client_id, name)
    })
}

pub async fn list_account_groups(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let client_id = client_id_param(&params)?;
    let page = query.page()?;
    shared.store.read(|data| {
        let account = org_account(data, org_id, client_id)?;
        let mut groups: Vec<ServiceAccountGroupView> = Vec::new();
        for role in &account.roles {
            let Scope::Project(project_id) = &role.scope else {
                continue;
            };
            match groups
                .iter_mut()
                .find(|group| &group.group_id == project_id)
            {
                Some(group) => group.roles.push(role.name.clone()),
                None => groups.push(ServiceAccountGroupView {
                    group_id: project_id.clone(),
                    roles: vec![role.name.clone()],
                }),
            }
        }
        let href = format!(
            "{}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/groups",
            shared.base_url
        );
        Ok(ServiceAccountJson(StatusCode::OK, paginate(groups, page, &href, "")).into_response())
    })
}
