//! The organization API keys.

use super::*;

pub(super) fn org_key<'a>(data: &'a Data, org_id: &str, key_id: &str) -> Result<&'a ApiKey> {
    data.keys
        .get(key_id)
        .filter(|key| key.in_org(org_id))
        .ok_or_else(|| ApiError::api_key_not_found(key_id))
}

pub(super) fn sorted_by_public_key<'a>(keys: impl Iterator<Item = &'a ApiKey>) -> Vec<&'a ApiKey> {
    let mut keys: Vec<&ApiKey> = keys.collect();
    keys.sort_by(|a, b| a.public_key.cmp(&b.public_key));
    keys
}

pub async fn list_org_keys(
    State(shared): Ctx,
    params: Params,
    query: QueryParams,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let page = query.page()?;
    shared.store.read(|data| {
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
        let roles = role_names
            .iter()
            .map(|name| Role::org(org_id, name))
            .collect();
        let (key, private_key) = new_key(data, desc, roles);
        let href = key_href(&shared.base_url, org_id, &key.id);
        let details = ApiKeyDetails::with_private_key(&key, RoleView::All, href, private_key);
        tracing::info!(public_key = %key.public_key, "organization API key created");
        let created = Happening::new("API_KEY_CREATED", org_id).on(Target::key(&key));
        data.keys.insert(key.id.clone(), key);
        record(data, &who, created);
        Ok(ok(details))
    })
}

pub async fn get_org_key(State(shared): Ctx, params: Params) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    shared.store.read(|data| {
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
        org_key(data, org_id, key_id)?;
        let key = data
            .keys
            .get_mut(key_id)
            .ok_or_else(|| ApiError::api_key_not_found(key_id))?;
        let mut happenings = Vec::new();
        if let Some(desc) = desc.filter(|desc| *desc != key.desc) {
            key.desc = desc;
            happenings.push(Happening::new("API_KEY_DESCRIPTION_CHANGED", org_id));
        }
        if let Some(names) = role_names {
            let before: Vec<String> = key.org_roles(org_id).map(str::to_owned).collect();
            key.roles
                .retain(|role| role.scope != Scope::Org(org_id.to_owned()));
            key.roles
                .splice(0..0, names.iter().map(|name| Role::org(org_id, name)));
            if before != names {
                happenings.push(Happening::new("API_KEY_ROLES_CHANGED", org_id));
            }
        }
        let details = ApiKeyDetails::redacted(
            key,
            RoleView::All,
            key_href(&shared.base_url, org_id, key_id),
        );
        let target = Target::key(key);
        for happening in happenings {
            record(data, &who, happening.on(target.clone()));
        }
        Ok(ok(details))
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
        let key = org_key(data, org_id, key_id)?;
        let deleted = Happening::new("API_KEY_DELETED", org_id).on(Target::key(key));
        record(data, &who, deleted);
        // The key goes, and with it every project membership.
        data.keys.remove(key_id);
        Ok(no_content())
    })
}
