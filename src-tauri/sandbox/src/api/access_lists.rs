//! The access lists.

use super::*;

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
        key_list_reader(data, &who, org_id, key_id)?;
        Ok(ok(access_page(
            &shared.base_url,
            org_id,
            org_key(data, org_id, key_id)?,
            page,
        )))
    })
}

pub(super) fn access_page(
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
pub(super) fn access_requests(value: Value) -> Result<Vec<(IpNet, Option<IpAddr>)>> {
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

/// An API key's access list is readable by the key itself and by an
/// Organization Owner only (the spec does not show it; Atlas's answer to
/// anyone else, an Organization Read Only auditor included, is
/// `API_KEY_ACCESS_LIST_ACCESS_DENIED`).
pub(super) fn key_list_reader(data: &Data, who: &Caller, org_id: &str, key_id: &str) -> Result<()> {
    let key = caller(data, who)?;
    if who.is_key(key_id) || key.has_org_role(org_id, "ORG_OWNER") {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "API_KEY_ACCESS_LIST_ACCESS_DENIED",
            "API key access lists are only accessible by the API key or by a user administrator.",
        ))
    }
}

/// Changing any access list needs Organization Owner and a caller that is
/// itself behind an access list.
pub(super) fn access_list_editor(data: &Data, who: &Caller, org_id: &str) -> Result<()> {
    let key = caller(data, who)?;
    org_owner(data, key, org_id)?;
    if key.access_list().is_empty() {
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
        let mut added = Vec::new();
        for (net, ip) in requested {
            // Adding an entry that is already there changes nothing.
            if !key.access_list.iter().any(|entry| entry.cidr == net) {
                let entry = AccessEntry::new(net, ip, now);
                added.push(
                    Happening::new("API_KEY_ACCESS_LIST_ENTRY_ADDED", org_id)
                        .on(Target::key(key))
                        .entry(&entry),
                );
                key.access_list.push(entry);
            }
        }
        let answer = ok(access_page(&shared.base_url, org_id, key, page));
        for happening in added {
            record(data, &who, happening);
        }
        Ok(answer)
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
        key_list_reader(data, &who, org_id, key_id)?;
        let key = org_key(data, org_id, key_id)?;
        let entry = key
            .access_list
            .iter()
            .find(|entry| entry.is_named_by(name))
            .ok_or_else(|| ApiError::resource_not_found(&format!("access list entry {name}")))?;
        Ok(ok(entry_view(&shared.base_url, org_id, key_id, entry)))
    })
}

/// The entry a path names: an address or a block (its `/` sent as `%2F`).
pub(super) fn entry_name(params: &Params) -> Result<&str> {
    let name = params.text("ipAddress")?;
    if name.parse::<IpAddr>().is_err() && name.parse::<IpNet>().is_err() {
        return Err(ApiError::bad_request(
            "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
            format!("The address {name} must be in valid IP address or CIDR notation."),
        )
        .with_parameters([name]));
    }
    Ok(name)
}

pub async fn delete_access(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
) -> Result<Response> {
    let org_id = params.id("orgId")?;
    let key_id = params.id("apiUserId")?;
    let name = entry_name(&params)?;
    shared.store.change(|data| {
        access_list_editor(data, &who, org_id)?;
        let key = org_key(data, org_id, key_id)?;
        let position = key
            .access_list
            .iter()
            .position(|entry| entry.is_named_by(name))
            .ok_or_else(|| ApiError::resource_not_found(&format!("access list entry {name}")))?;
        if who.is_key(&key.id) && key.access_list[position].cidr.contains(&who.ip) {
            return Err(ApiError::bad_request(
                "CANNOT_REMOVE_CALLER_FROM_ACCESS_LIST",
                format!("The entry {name} lets in the address this request came from ({}); it cannot be removed with this key.", who.ip),
            )
            .with_parameters([name]));
        }
        let deleted = Happening::new("API_KEY_ACCESS_LIST_ENTRY_DELETED", org_id)
            .on(Target::key(key))
            .entry(&key.access_list[position]);
        if let Some(key) = data.keys.get_mut(key_id) {
            key.access_list.remove(position);
        }
        record(data, &who, deleted);
        Ok(no_content())
    })
}
