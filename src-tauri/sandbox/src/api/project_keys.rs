//! The project API keys.

use super::*;

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
pub(super) fn set_project_roles(key: &mut ApiKey, project_id: &str, names: &[String]) {
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

pub(super) fn project_member<'a>(
    data: &'a Data,
    project_id: &str,
    key_id: &str,
) -> Result<&'a ApiKey> {
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
