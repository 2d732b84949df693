//! A project's service accounts: invited from the organization or made in
//! the project (then also an Organization Member). Removing one from a
//! project removes only its roles there; its secrets and access list are the
//! account's own, reached here as from the organization.

use super::service_accounts::{
    add_entries, client_id_param, delete_entry, delete_secret, make_secret, new_account, not_found,
    project_view,
};
use super::*;
use crate::model::ServiceAccount;
use crate::wire::{ServiceAccountJson, service_account_no_content};

/// The project's account with this client id.
fn project_account<'a>(
    data: &'a Data,
    project_id: &str,
    client_id: &str,
) -> Result<&'a ServiceAccount> {
    data.service_accounts
        .get(client_id)
        .filter(|account| account.in_project(project_id))
        .ok_or_else(|| not_found(client_id))
}

/// The project's account with this client id, when the caller may manage
/// it from this project: an Organization Owner may manage any; a Project
/// Owner only one whose access is this project alone (an Organization Member
/// with roles here and nowhere else). Managing an account with access to the
/// organization or to other projects needs an Organization Owner.
fn managed_account<'a>(
    data: &'a Data,
    who: &Caller,
    project_id: &str,
    client_id: &str,
) -> Result<&'a ServiceAccount> {
    let account = project_account(data, project_id, client_id)?;
    let org_id = &project(data, project_id)?.org_id;
    if caller(data, who)?.has_org_role(org_id, "ORG_OWNER") {
        return Ok(account);
    }
    let only_here = account.roles.iter().all(|role| match &role.scope {
        Scope::Org(id) => id == org_id && role.name == "ORG_MEMBER",
        Scope::Project(id) => id == project_id,
    });
    if only_here {
        Ok(account)
    } else {
        Err(ApiError::unauthorized_role(
            "Organization Owner (the service account also has access to the organization or to other projects)",
        ))
    }
}

fn project_href(base: &str, project_id: &str) -> String {
    format!("{base}/api/atlas/v2/groups/{project_id}/serviceAccounts")
}

pub async fn list_group_accounts(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let page = query.page()?;
    let include_system_managed = query.include_system_managed()?;
    shared.store.read(|data| {
        let views: Vec<_> = data
            .service_accounts
            .values()
            .filter(|account| account.in_project(project_id))
            .filter(|account| include_system_managed || !account.system_managed)
            .map(|account| project_view(account, project_id))
            .collect();
        let page = paginate(views, page, &project_href(&shared.base_url, project_id), "");
        Ok(ServiceAccountJson(StatusCode::OK, page).into_response())
    })
}

pub async fn create_group_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let map = object(json_body(&body)?)?;
    shared.store.change(|data| {
        let org_id = project(data, project_id)?.org_id.clone();
        let (mut account, value) = new_account(data, &map, &org_id, PROJECT_ROLES)?;
        // Its roles are the project's; in the organization it is a member.
        let project_roles: Vec<Role> = account
            .roles
            .iter()
            .map(|role| Role::project(project_id, &role.name))
            .collect();
        account.roles = vec![Role::org(&org_id, "ORG_MEMBER")];
        account.roles.extend(project_roles);
        let mut shown = project_view(&account, project_id);
        if let Some(first) = shown.secrets.first_mut() {
            first.secret = Some(value);
        }
        let target = Target::account(&account);
        data.service_accounts
            .insert(account.client_id.clone(), account);
        record(
            data,
            &who,
            Happening::new("SERVICE_ACCOUNT_CREATED", &org_id).on(target.clone()),
        );
        record(
            data,
            &who,
            Happening::new("SERVICE_ACCOUNT_ADDED_TO_GROUP", &org_id)
                .in_project(project_id)
                .on(target),
        );
        Ok(ServiceAccountJson(StatusCode::CREATED, shown).into_response())
    })
}

pub async fn get_group_account(State(shared): Ctx, params: Params) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    shared.store.read(|data| {
        let account = project_account(data, project_id, client_id)?;
        Ok(ServiceAccountJson(StatusCode::OK, project_view(account, project_id)).into_response())
    })
}

/// Sets the account's roles in the project (inviting it if it had none),
/// and records how they changed.
fn set_project_roles(
    data: &mut Data,
    who: &Caller,
    client_id: &str,
    project_id: &str,
    roles: &[String],
) -> Result<()> {
    let org_id = project(data, project_id)?.org_id.clone();
    let account = data
        .service_accounts
        .get_mut(client_id)
        .ok_or_else(|| not_found(client_id))?;
    let before: Vec<String> = account
        .project_roles(project_id)
        .map(str::to_owned)
        .collect();
    account
        .roles
        .retain(|role| !matches!(&role.scope, Scope::Project(id) if id == project_id));
    account
        .roles
        .extend(roles.iter().map(|role| Role::project(project_id, role)));
    if let Some(change) = ProjectChange::between(&before, roles) {
        let happening = Happening::new(change.account_event(), &org_id)
            .in_project(project_id)
            .on(Target::account(account));
        record(data, who, happening);
    }
    Ok(())
}

pub async fn update_group_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let map = object(json_body(&body)?)?;
    let name = super::service_accounts::text_attribute(&map, "name", 64, false)?;
    let description = super::service_accounts::text_attribute(&map, "description", 250, false)?;
    let roles = roles(&map, PROJECT_ROLES, false)?;
    shared.store.change(|data| {
        managed_account(data, &who, project_id, client_id)?;
        let org_id = project(data, project_id)?.org_id.clone();
        let account = data
            .service_accounts
            .get_mut(client_id)
            .ok_or_else(|| not_found(client_id))?;
        if super::service_accounts::set_details(account, name, description) {
            let happening = Happening::new("SERVICE_ACCOUNT_DETAILS_CHANGED", &org_id)
                .on(Target::account(account));
            record(data, &who, happening);
        }
        if let Some(roles) = roles {
            set_project_roles(data, &who, client_id, project_id, &roles)?;
        }
        let account = project_account(data, project_id, client_id)?;
        Ok(ServiceAccountJson(StatusCode::OK, project_view(account, project_id)).into_response())
    })
}

/// `POST …/serviceAccounts/{clientId}:invite`: the router cannot match a
/// suffix after a parameter, so the invitation arrives here with it.
pub async fn invite_group_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let target = params.text("clientId")?;
    let Some(client_id) = target.strip_suffix(":invite") else {
        return Err(method_not_allowed().await);
    };
    super::service_accounts::check_client_id(client_id)?;
    let map = object(json_body(&body)?)?;
    let roles = roles(&map, PROJECT_ROLES, true)?.unwrap_or_default();
    shared.store.change(|data| {
        let org_id = project(data, project_id)?.org_id.clone();
        data.service_accounts
            .get(client_id)
            .filter(|account| account.in_org(&org_id))
            .ok_or_else(|| not_found(client_id))?;
        set_project_roles(data, &who, client_id, project_id, &roles)?;
        let account = project_account(data, project_id, client_id)?;
        Ok(ServiceAccountJson(StatusCode::OK, project_view(account, project_id)).into_response())
    })
}

pub async fn remove_group_account(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    shared.store.change(|data| {
        project_account(data, project_id, client_id)?;
        set_project_roles(data, &who, client_id, project_id, &[])?;
        Ok(service_account_no_content())
    })
}

pub async fn create_group_secret(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let map = object(json_body(&body)?)?;
    shared.store.change(|data| {
        managed_account(data, &who, project_id, client_id)?;
        let org_id = project(data, project_id)?.org_id.clone();
        make_secret(data, &who, &map, &org_id, client_id)
    })
}

pub async fn delete_group_secret(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let secret_id = params.id("secretId")?;
    shared.store.change(|data| {
        managed_account(data, &who, project_id, client_id)?;
        let org_id = project(data, project_id)?.org_id.clone();
        delete_secret(data, &who, &org_id, client_id, secret_id)
    })?;
    shared.tokens.forget_secret(secret_id);
    Ok(service_account_no_content())
}

pub async fn list_group_account_access(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let page = query.page()?;
    shared.store.read(|data| {
        let account = project_account(data, project_id, client_id)?;
        let href = format!(
            "{}/{client_id}/accessList",
            project_href(&shared.base_url, project_id)
        );
        let page = super::service_accounts::entries_page(account, page, &href);
        Ok(ServiceAccountJson(StatusCode::OK, page).into_response())
    })
}

pub async fn create_group_account_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    query: QueryParams,
    body: Bytes,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let page = query.page()?;
    let requested = super::service_accounts::entry_requests(json_body(&body)?)?;
    shared.store.change(|data| {
        managed_account(data, &who, project_id, client_id)?;
        let href = format!(
            "{}/{client_id}/accessList",
            project_href(&shared.base_url, project_id)
        );
        let org_id = project(data, project_id)?.org_id.clone();
        add_entries(data, &who, &org_id, client_id, requested, page, &href)
    })
}

pub async fn delete_group_account_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let client_id = client_id_param(&params)?;
    let name = entry_name(&params)?;
    shared.store.change(|data| {
        managed_account(data, &who, project_id, client_id)?;
        let org_id = project(data, project_id)?.org_id.clone();
        delete_entry(data, &who, &org_id, client_id, name)
    })
}
