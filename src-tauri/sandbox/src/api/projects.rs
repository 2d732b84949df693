//! The projects.

use super::*;

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

pub(super) fn valid_project_name(name: &str) -> bool {
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
        let owner = Role::project(&project.id, "GROUP_OWNER");
        match &who.principal {
            Principal::Key(id) => {
                if let Some(creator) = data.keys.get_mut(id) {
                    creator.roles.push(owner);
                }
            }
            Principal::Account(id) => {
                if let Some(creator) = data.service_accounts.get_mut(id) {
                    creator.roles.push(owner);
                }
            }
        }
        let created = Happening::new("GROUP_CREATED", &org_id).in_project(&project.id);
        data.projects.insert(project.id.clone(), project);
        record(data, &who, created);
        Ok(ok(view))
    })
}

pub async fn get_group(State(shared): Ctx, params: Params) -> Result<Response> {
    let project_id = params.id("groupId")?;
    shared.store.read(|data| {
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
