//! The organization's and projects' events, and the event types.

use axum::extract::RawQuery;
use chrono::DateTime;

use super::*;
use crate::events::EVENT_TYPES;
use crate::model::{Actor, Event, Target};
use crate::wire::timestamp;

/// The query of an events list: the page, and the filters Atlas offers.
struct EventQuery {
    page: PageQuery,
    /// Repeatable; none means every type.
    types: Vec<String>,
    min_date: Option<DateTime<Utc>>,
    max_date: Option<DateTime<Utc>>,
    include_raw: bool,
}

fn invalid_query(name: &str, text: &str, why: &str) -> ApiError {
    ApiError::bad_request(
        "INVALID_QUERY_PARAMETER",
        format!("Invalid query parameter {name}: \"{text}\" {why}."),
    )
    .with_parameters([name, text])
}

fn flag(name: &str, text: Option<&String>) -> Result<bool> {
    match text.map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(invalid_query(name, other, "is not true or false")),
    }
}

fn date(name: &str, text: Option<&String>) -> Result<Option<DateTime<Utc>>> {
    text.map(|text| {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|_| invalid_query(name, text, "is not an ISO 8601 date and time"))
    })
    .transpose()
}

impl EventQuery {
    fn parse(raw: Option<&str>) -> Result<Self> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        let mut types = Vec::new();
        for (name, value) in &pairs {
            if name == "eventType" {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
                    return Err(invalid_query("eventType", value, "is not an event type"));
                }
                types.push(value.clone());
            }
        }
        let single: HashMap<String, String> = pairs.into_iter().collect();
        let query = Self {
            page: PageQuery::parse(&single)?,
            types,
            min_date: date("minDate", single.get("minDate"))?,
            max_date: date("maxDate", single.get("maxDate"))?,
            include_raw: flag("includeRaw", single.get("includeRaw"))?,
        };
        Ok(query)
    }

    fn admits(&self, event: &Event) -> bool {
        (self.types.is_empty() || self.types.contains(&event.kind))
            && self.min_date.is_none_or(|min| event.created >= min)
            && self.max_date.is_none_or(|max| event.created <= max)
    }

    /// What the list's links carry besides the page.
    fn extra(&self) -> String {
        let mut extra = format!("&includeRaw={}", self.include_raw);
        for kind in &self.types {
            extra.push_str(&format!("&eventType={kind}"));
        }
        for (name, at) in [("minDate", self.min_date), ("maxDate", self.max_date)] {
            if let Some(at) = at {
                let text: String =
                    form_urlencoded::byte_serialize(timestamp(&at).as_bytes()).collect();
                extra.push_str(&format!("&{name}={text}"));
            }
        }
        extra
    }
}

/// An event as Atlas shows it (`EventViewForOrg`, `EventViewForNdsGroup`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EventView {
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key_id: Option<String>,
    created: String,
    event_type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    id: String,
    is_global_admin: bool,
    links: Vec<Link>,
    org_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<Value>,
    remote_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    whitelist_entry: Option<String>,
}

impl EventView {
    fn new(event: &Event, base: &str, include_raw: bool) -> Self {
        let (api_key_id, public_key) = match &event.actor {
            Actor::Key { id, public_key } => (Some(id.clone()), Some(public_key.clone())),
            Actor::Account { .. } => (None, None),
        };
        let target_public_key = match &event.target {
            Some(Target::Key { public_key }) => Some(public_key.clone()),
            _ => None,
        };
        // Atlas links an organization's own events under `/groups/null/`.
        let group = event.group_id.as_deref().unwrap_or("null");
        Self {
            api_key_id,
            created: timestamp(&event.created),
            event_type_name: event.kind.clone(),
            group_id: event.group_id.clone(),
            id: event.id.clone(),
            is_global_admin: false,
            links: Link::self_link(format!(
                "{base}/api/atlas/v2/groups/{group}/events/{}",
                event.id
            )),
            org_id: event.org_id.clone(),
            public_key,
            raw: include_raw.then(|| raw(event)),
            remote_address: atlas_ip(event.remote_address),
            target_public_key,
            whitelist_entry: event.entry.clone(),
        }
    }
}

/// The raw document: Atlas's short field names, and what the view leaves
/// out. Service accounts, acting or acted on, are named only here.
fn raw(event: &Event) -> Value {
    let mut raw = Map::new();
    let put = |raw: &mut Map<String, Value>, name: &str, value: String| {
        raw.insert(name.to_owned(), Value::String(value));
    };
    let kind = match &event.target {
        Some(Target::Account { .. }) => "SERVICE_ACCOUNT_AUDIT",
        Some(Target::Key { .. }) => "API_USER_AUDIT",
        None if event.group_id.is_some() => "NDS_AUDIT",
        None => "ORG_AUDIT",
    };
    put(&mut raw, "_t", kind.to_owned());
    put(&mut raw, "cre", timestamp(&event.created));
    put(&mut raw, "eventTypeName", event.kind.clone());
    put(&mut raw, "id", event.id.clone());
    put(&mut raw, "orgId", event.org_id.clone());
    if let Some(group_id) = &event.group_id {
        put(&mut raw, "cid", group_id.clone());
    }
    put(&mut raw, "remoteAddr", atlas_ip(event.remote_address));
    match &event.actor {
        Actor::Key { id, public_key } => {
            put(&mut raw, "apiUserId", id.clone());
            put(&mut raw, "publicKey", public_key.clone());
        }
        Actor::Account { client_id, name } => {
            put(&mut raw, "actorServiceAccountClientId", client_id.clone());
            put(&mut raw, "actorServiceAccountName", name.clone());
        }
    }
    match &event.target {
        Some(Target::Key { public_key }) => put(&mut raw, "targetPublicKey", public_key.clone()),
        Some(Target::Account { client_id, name }) => {
            put(&mut raw, "serviceAccountClientId", client_id.clone());
            put(&mut raw, "serviceAccountName", name.clone());
        }
        None => {}
    }
    if let Some(entry) = &event.entry {
        put(&mut raw, "whitelistEntry", entry.clone());
    }
    Value::Object(raw)
}

/// An events list: an organization's (every event in it) or a project's.
enum Feed<'a> {
    Org(&'a str),
    Group(&'a str),
}

impl Feed<'_> {
    fn check(&self, data: &Data, who: &Caller) -> Result<()> {
        match self {
            Self::Org(org_id) => org_member(data, caller(data, who)?, org_id),
            Self::Group(group_id) => project_reader(data, caller(data, who)?, group_id),
        }
    }

    fn holds(&self, event: &Event) -> bool {
        match self {
            Self::Org(org_id) => event.org_id == *org_id,
            Self::Group(group_id) => event.group_id.as_deref() == Some(*group_id),
        }
    }

    fn href(&self, base: &str) -> String {
        match self {
            Self::Org(org_id) => format!("{base}/api/atlas/v2/orgs/{org_id}/events"),
            Self::Group(group_id) => format!("{base}/api/atlas/v2/groups/{group_id}/events"),
        }
    }

    /// One page of the feed's events, newest first. Atlas answers
    /// `totalCount` 0 when the count was not asked for.
    fn page(&self, shared: &Shared, who: &Caller, raw: Option<&str>) -> Result<Response> {
        let query = EventQuery::parse(raw)?;
        let base = &shared.base_url;
        shared.store.read(|data| {
            self.check(data, who)?;
            let events: Vec<EventView> = data
                .events
                .iter()
                .rev()
                .filter(|event| self.holds(event) && query.admits(event))
                .map(|event| EventView::new(event, base, query.include_raw))
                .collect();
            let mut page = paginate(events, query.page, &self.href(base), &query.extra());
            page.total_count.get_or_insert(0);
            Ok(ok(page))
        })
    }

    fn one(
        &self,
        shared: &Shared,
        who: &Caller,
        event_id: &str,
        raw: Option<&str>,
    ) -> Result<Response> {
        let pairs: HashMap<String, String> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        let include_raw = flag("includeRaw", pairs.get("includeRaw"))?;
        shared.store.read(|data| {
            self.check(data, who)?;
            data.events
                .iter()
                .find(|event| event.id == event_id && self.holds(event))
                .map(|event| ok(EventView::new(event, &shared.base_url, include_raw)))
                .ok_or_else(|| {
                    ApiError::not_found(
                        "RESOURCE_NOT_FOUND",
                        format!("Cannot find resource event with id {event_id}."),
                    )
                })
        })
    }
}

pub async fn list_org_events(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    Feed::Org(params.id("orgId")?).page(&shared, &who, raw.as_deref())
}

pub async fn list_group_events(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    Feed::Group(params.id("groupId")?).page(&shared, &who, raw.as_deref())
}

pub async fn get_org_event(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let event_id = params.id("eventId")?;
    Feed::Org(params.id("orgId")?).one(&shared, &who, event_id, raw.as_deref())
}

pub async fn get_group_event(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> Result<Response> {
    let event_id = params.id("eventId")?;
    Feed::Group(params.id("groupId")?).one(&shared, &who, event_id, raw.as_deref())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EventTypeView {
    alertable: bool,
    description: &'static str,
    event_type: &'static str,
}

pub async fn list_event_types(
    State(shared): Ctx,
    Extension(who): Extension<Caller>,
    query: QueryParams,
) -> Result<Response> {
    let page = query.page()?;
    shared.store.read(|data| {
        caller(data, &who)?;
        let types = EVENT_TYPES
            .iter()
            .map(|(event_type, description)| EventTypeView {
                alertable: true,
                description,
                event_type,
            })
            .collect();
        let href = format!("{}/api/atlas/v2/eventTypes", shared.base_url);
        Ok(ok(paginate(types, page, &href, "")))
    })
}
