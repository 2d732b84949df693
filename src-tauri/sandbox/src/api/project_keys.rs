//! The project API keys.

use super::*;

pub async fn list_group_keys(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let project_id = params.id("groupId")?;
    let page = query.page()?;
    shared.store.read(|data| {
        let base = &shared.base_url;
        let org_id = &project(data, project_id)?.org_id;
        let keys: Vec<ApiKeyDetails> =
            sorted_by_public_key(data.keys.values().filter(|key| key.in_project(project_id)))
                .into_iter()
                .map(|key| {
                    ApiKeyDetails::redacted(
                        key,
                        RoleView::Project(project_id),
                        key_href(base, org_id, &key.id),
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
        let org_id = project(data, project_id)?.org_id.clone();
        // A project key is a member of the organization too.
        let mut roles = vec![Role::org(&org_id, "ORG_MEMBER")];
        roles.extend(
            role_names
                .iter()
                .map(|name| Role::project(project_id, name)),
        );
        let (key, private_key) = new_key(data, desc, roles);
        let href = key_href(&shared.base_url, &org_id, &key.id);
        let details =
            ApiKeyDetails::with_private_key(&key, RoleView::Project(project_id), href, private_key);
        tracing::info!(public_key = %key.public_key, "project API key created");
        let target = Target::key(&key);
        data.keys.insert(key.id.clone(), key);
        record(
            data,
            &who,
            Happening::new("API_KEY_CREATED", &org_id).on(target.clone()),
        );
        record(
            data,
            &who,
            Happening::new("API_KEY_ADDED_TO_GROUP", &org_id)
                .in_project(project_id)
                .on(target),
        );
        Ok(ok(details))
    })
}

/// Replaces a key's roles in one project, and answers how they changed.
pub(super) fn set_project_roles(
    key: &mut ApiKey,
    project_id: &str,
    names: &[String],
) -> Option<ProjectChange> {
    let before: Vec<String> = key.project_roles(project_id).map(str::to_owned).collect();
    key.roles
        .retain(|role| role.scope != Scope::Project(project_id.to_owned()));
    key.roles
        .extend(names.iter().map(|name| Role::project(project_id, name)));
    ProjectChange::between(&before, names)
}

/// How a credential's roles in one project changed.
#[derive(Clone, Copy)]
pub(super) enum ProjectChange {
    Added,
    Removed,
    Roles,
}

impl ProjectChange {
    pub(super) fn between(before: &[String], after: &[String]) -> Option<Self> {
        let sorted = |names: &[String]| {
            let mut names = names.to_vec();
            names.sort();
            names
        };
        match (before.is_empty(), after.is_empty()) {
            (true, false) => Some(Self::Added),
            (false, true) => Some(Self::Removed),
            _ if sorted(before) == sorted(after) => None,
            _ => Some(Self::Roles),
        }
    }

    pub(super) fn key_event(self) -> &'static str {
        match self {
            Self::Added => "API_KEY_ADDED_TO_GROUP",
            Self::Removed => "API_KEY_REMOVED_FROM_GROUP",
            Self::Roles => "API_KEY_ROLES_CHANGED",
        }
    }

    pub(super) fn account_event(self) -> &'static str {
        match self {
            Self::Added => "SERVICE_ACCOUNT_ADDED_TO_GROUP",
            Self::Removed => "SERVICE_ACCOUNT_REMOVED_FROM_GROUP",
            Self::Roles => "SERVICE_ACCOUNT_ROLES_CHANGED",
        }
    }
}

/// Records a change of a key's roles in a project.
pub(super) fn record_project_change(
    data: &mut Data,
    who: &Caller,
    key_id: &str,
    project_id: &str,
    change: Option<ProjectChange>,
) {
    let Some(kind) = change.map(ProjectChange::key_event) else {
        return;
    };
    let Some(key) = data.keys.get(key_id) else {
        return;
    };
    let Some(org_id) = data.projects.get(project_id).map(|p| p.org_id.clone()) else {
        return;
    };
    let happening = Happening::new(kind, &org_id)
        .in_project(project_id)
        .on(Target::key(key));
    record(data, who, happening);
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
        let org_id = project(data, project_id)?.org_id.clone();
        org_key(data, &org_id, key_id)?;
        let change = data
            .keys
            .get_mut(key_id)
            .and_then(|key| set_project_roles(key, project_id, &names));
        record_project_change(data, &who, key_id, project_id, change);
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
        project_member(data, project_id, key_id)?;
        let org_id = project(data, project_id)?.org_id.clone();
        let key = data
            .keys
            .get_mut(key_id)
            .ok_or_else(|| ApiError::api_key_not_found(key_id))?;
        let described = desc.filter(|desc| *desc != key.desc).map(|desc| {
            key.desc = desc;
        });
        let change = role_names.and_then(|names| set_project_roles(key, project_id, &names));
        let href = key_href(&shared.base_url, &org_id, key_id);
        let details = ApiKeyDetails::redacted(key, RoleView::Project(project_id), href);
        if described.is_some() {
            let target = Target::key(project_member(data, project_id, key_id)?);
            record(
                data,
                &who,
                Happening::new("API_KEY_DESCRIPTION_CHANGED", &org_id).on(target),
            );
        }
        record_project_change(data, &who, key_id, project_id, change);
        Ok(ok(details))
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
        project_member(data, project_id, key_id)?;
        let change = data
            .keys
            .get_mut(key_id)
            .and_then(|key| set_project_roles(key, project_id, &[]));
        record_project_change(data, &who, key_id, project_id, change);
        Ok(no_content())
    })
}
