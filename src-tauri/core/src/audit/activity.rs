//! Activity: an organization's access-related events (keys, service
//! accounts, access lists, project assignments, the access-list
//! requirement, delegated access), newest first, read a page of Atlas's at a
//! time and told as who did what to which credential, from where.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atlas::{AtlasClient, AtlasEvent, EventQuery, MAX_PAGE};
use crate::error::CoreError;

/// The event types Activity shows, as Atlas names them.
pub const ACCESS_EVENT_TYPES: &[&str] = &[
    "API_KEY_CREATED",
    "API_KEY_DELETED",
    "API_KEY_DESCRIPTION_CHANGED",
    "API_KEY_ROLES_CHANGED",
    "API_KEY_ADDED_TO_GROUP",
    "API_KEY_REMOVED_FROM_GROUP",
    "API_KEY_ACCESS_LIST_ENTRY_ADDED",
    "API_KEY_ACCESS_LIST_ENTRY_DELETED",
    "SERVICE_ACCOUNT_CREATED",
    "SERVICE_ACCOUNT_DELETED",
    "SERVICE_ACCOUNT_DETAILS_CHANGED",
    "SERVICE_ACCOUNT_ROLES_CHANGED",
    "SERVICE_ACCOUNT_ADDED_TO_GROUP",
    "SERVICE_ACCOUNT_REMOVED_FROM_GROUP",
    "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED",
    "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED",
    "SERVICE_ACCOUNT_SECRET_ADDED",
    "SERVICE_ACCOUNT_SECRET_DELETED",
    "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED",
    "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED",
    "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED",
    "ORG_DELEGATION_SETTINGS_UPDATED",
];

/// Who acted, or the credential acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Party {
    ApiKey {
        public_key: String,
    },
    ServiceAccount {
        client_id: String,
        /// The name it had then, where the event gives it.
        #[ts(optional)]
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A person, by the user name Atlas gives.
    Person {
        username: String,
    },
    /// The event does not say.
    Unknown,
}

impl Party {
    /// True when this is the credential `id` names: an API key's public key
    /// or a service account's client id.
    pub fn is(&self, id: &str) -> bool {
        match self {
            Self::ApiKey { public_key } => public_key == id,
            Self::ServiceAccount { client_id, .. } => client_id == id,
            Self::Person { username } => username == id,
            Self::Unknown => false,
        }
    }
}

/// One event, in the parts a sentence is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityEvent {
    pub id: String,
    /// When, in RFC 3339.
    pub created: String,
    /// Atlas's event type, such as `API_KEY_ACCESS_LIST_ENTRY_ADDED`.
    pub event_type: String,
    pub actor: Party,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Party>,
    /// The access-list entry added or deleted.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The project, for an assignment to one.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The address the change came from.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_address: Option<String>,
}

fn raw_text(event: &AtlasEvent, field: &str) -> Option<String> {
    event
        .raw
        .as_ref()
        .and_then(|raw| raw.get(field))
        .and_then(|value| value.as_str())
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// An entry as the app writes them: Atlas spells IPv6 out in eight groups.
fn readable_entry(text: &str) -> String {
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        ip.to_string()
    } else if let Ok(net) = text.parse::<ipnet::IpNet>() {
        net.to_string()
    } else {
        text.to_owned()
    }
}

impl From<AtlasEvent> for ActivityEvent {
    fn from(event: AtlasEvent) -> Self {
        let actor = if let Some(public_key) = event.public_key.clone() {
            Party::ApiKey { public_key }
        } else if let Some(client_id) = raw_text(&event, "actorServiceAccountClientId") {
            Party::ServiceAccount {
                client_id,
                name: raw_text(&event, "actorServiceAccountName"),
            }
        } else if let Some(username) = event.username.clone() {
            Party::Person { username }
        } else {
            Party::Unknown
        };
        let target = if let Some(public_key) = event.target_public_key.clone() {
            Some(Party::ApiKey { public_key })
        } else {
            raw_text(&event, "serviceAccountClientId").map(|client_id| Party::ServiceAccount {
                client_id,
                name: raw_text(&event, "serviceAccountName"),
            })
        };
        Self {
            id: event.id,
            created: event.created,
            event_type: event.event_type_name,
            actor,
            target,
            entry: event.whitelist_entry.map(|entry| readable_entry(&entry)),
            project_id: event.group_id,
            remote_address: event.remote_address,
        }
    }
}

/// What to show: some event types (none: every access-related one), one
/// credential's history, one actor's doings, a range of days (`2026-11-24`)
/// or times (RFC 3339), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityFilter {
    #[serde(default)]
    pub event_types: Vec<String>,
    /// An API key's public key or a service account's client id.
    #[ts(optional)]
    #[serde(default)]
    pub credential: Option<String>,
    /// Who acted, in the same forms.
    #[ts(optional)]
    #[serde(default)]
    pub actor: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub since: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub until: Option<String>,
}

impl ActivityFilter {
    /// The query Atlas is sent: the types and the range it filters itself.
    fn query(&self, page: u32) -> Result<EventQuery, CoreError> {
        for kind in &self.event_types {
            if !ACCESS_EVENT_TYPES.contains(&kind.as_str()) {
                return Err(CoreError::invalid(format!(
                    "\"{kind}\" is not an access event type this app shows."
                )));
            }
        }
        let since = time_bound(self.since.as_deref(), "from", NaiveTime::MIN)?;
        let until = time_bound(self.until.as_deref(), "to", end_of_day())?;
        if let (Some(since), Some(until)) = (since, until)
            && since > until
        {
            return Err(CoreError::invalid(
                "The range ends before it starts: pick a \"to\" date after the \"from\" date.",
            ));
        }
        let types = if self.event_types.is_empty() {
            ACCESS_EVENT_TYPES
                .iter()
                .map(|kind| (*kind).to_owned())
                .collect()
        } else {
            self.event_types.clone()
        };
        let text = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
        Ok(EventQuery {
            types,
            since: since.map(text),
            until: until.map(text),
            page,
        })
    }

    fn admits(&self, event: &ActivityEvent) -> bool {
        let credential = self.credential.as_deref().filter(|id| !id.is_empty());
        let actor = self.actor.as_deref().filter(|id| !id.is_empty());
        credential.is_none_or(|id| event.target.as_ref().is_some_and(|target| target.is(id)))
            && actor.is_none_or(|id| event.actor.is(id))
    }
}

fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)
}

/// A bound of the range: a date and time (RFC 3339), or a day (`2026-11-24`),
/// which stands for its `time_of_day` in UTC.
fn time_bound(
    text: Option<&str>,
    name: &str,
    time_of_day: NaiveTime,
) -> Result<Option<DateTime<Utc>>, CoreError> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|day| Some(day.and_time(time_of_day).and_utc()))
        .map_err(|_| {
            CoreError::invalid(format!(
                "The \"{name}\" date \"{text}\" is not a date such as 2026-11-24."
            ))
        })
}

/// One page of Activity: the events of one Atlas page that pass the filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityPage {
    pub events: Vec<ActivityEvent>,
    /// The Atlas page to read next; absent at the end.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page: Option<u32>,
    /// How many events this Atlas page held before the credential and
    /// actor filters (which Atlas cannot apply).
    pub read: u32,
}

/// Page `page` (from 1) of the organization's access-related events.
pub async fn activity_page(
    client: &AtlasClient,
    org_id: &str,
    filter: &ActivityFilter,
    page: u32,
) -> Result<ActivityPage, CoreError> {
    let page = page.max(1);
    let query = filter.query(page)?;
    let answer = client.org_events_page(org_id, &query).await?;
    let read = answer.results.len();
    // Atlas answers `totalCount` 0 unless asked to count (which costs it a
    // query): a full page means there may be more.
    let next_page = (read >= MAX_PAGE).then_some(page + 1);
    let events = answer
        .results
        .into_iter()
        .map(ActivityEvent::from)
        .filter(|event| filter.admits(event))
        .collect();
    Ok(ActivityPage {
        events,
        next_page,
        read: u32::try_from(read).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::atlas::Page;

    fn recorded(file: &str) -> Page<AtlasEvent> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/atlas-api/recorded-events/TestEvents")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("recorded file");
        let (_, body) = text.split_once("\n\n").expect("head and body");
        serde_json::from_str(body.trim()).expect("an events page")
    }

    #[test]
    fn the_recorded_answers_parse_into_sentences() {
        let org = recorded(
            "List_Organization_Events/GET_api_atlas_v2_orgs_a0123456789abcdef012345a_events_1.http",
        );
        assert_eq!(org.results.len(), 71);
        assert_eq!(org.total_count, Some(0));
        let events: Vec<ActivityEvent> = org.results.into_iter().map(Into::into).collect();
        let added = events
            .iter()
            .find(|event| event.event_type == "API_KEY_ACCESS_LIST_ENTRY_ADDED")
            .expect("an entry added");
        assert_eq!(
            added.actor,
            Party::ApiKey {
                public_key: "nmtxqlkl".to_owned()
            }
        );
        assert_eq!(
            added.target,
            Some(Party::ApiKey {
                public_key: "mcpvrzod".to_owned()
            })
        );
        assert_eq!(added.entry.as_deref(), Some("52.190.182.226"));
        assert_eq!(
            readable_entry("2001:db8:85a3:0:0:0:0:0/48"),
            "2001:db8:85a3::/48"
        );
        assert_eq!(readable_entry("2001:db8:0:0:0:0:0:17"), "2001:db8::17");
        assert_eq!(added.remote_address.as_deref(), Some("52.190.182.226"));
        let project = recorded(
            "List_Project_Events/GET_api_atlas_v2_groups_b0123456789abcdef012345b_events_1.http",
        );
        assert_eq!(project.results.len(), 100);
        // A cluster event: nobody named, nothing targeted.
        let first = ActivityEvent::from(project.results[0].clone());
        assert_eq!(first.actor, Party::Unknown);
        assert_eq!(first.target, None);
    }

    #[test]
    fn a_service_account_is_read_from_raw() {
        let event: AtlasEvent = serde_json::from_value(serde_json::json!({
            "id": "6a7940472c88faeba59bebbd",
            "created": "2026-11-20T10:00:00Z",
            "eventTypeName": "SERVICE_ACCOUNT_SECRET_ADDED",
            "orgId": "a0123456789abcdef012345a",
            "remoteAddress": "198.51.100.7",
            "raw": {
                "actorServiceAccountClientId": "mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa",
                "actorServiceAccountName": "Deployer",
                "serviceAccountClientId": "mdb_sa_id_bbbbbbbbbbbbbbbbbbbbbbbb",
                "serviceAccountName": "Reporter"
            }
        }))
        .unwrap();
        let event = ActivityEvent::from(event);
        assert!(event.actor.is("mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa"));
        assert_eq!(
            event.target,
            Some(Party::ServiceAccount {
                client_id: "mdb_sa_id_bbbbbbbbbbbbbbbbbbbbbbbb".to_owned(),
                name: Some("Reporter".to_owned())
            })
        );
        let by_credential = ActivityFilter {
            credential: Some("mdb_sa_id_bbbbbbbbbbbbbbbbbbbbbbbb".to_owned()),
            ..ActivityFilter::default()
        };
        assert!(by_credential.admits(&event));
        let by_other = ActivityFilter {
            credential: Some("mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa".to_owned()),
            ..ActivityFilter::default()
        };
        assert!(!by_other.admits(&event));
    }

    #[test]
    fn a_bad_filter_is_refused_before_anything_is_sent() {
        let unknown = ActivityFilter {
            event_types: vec!["CLUSTER_CREATED".to_owned()],
            ..ActivityFilter::default()
        };
        assert!(
            unknown
                .query(1)
                .unwrap_err()
                .advice()
                .contains("CLUSTER_CREATED")
        );
        let backwards = ActivityFilter {
            since: Some("2026-11-20T00:00:00Z".to_owned()),
            until: Some("2026-11-01T00:00:00Z".to_owned()),
            ..ActivityFilter::default()
        };
        assert!(
            backwards
                .query(1)
                .unwrap_err()
                .advice()
                .contains("ends before")
        );
        let garbled = ActivityFilter {
            since: Some("last week".to_owned()),
            ..ActivityFilter::default()
        };
        assert!(garbled.query(1).unwrap_err().advice().contains("last week"));
        let days = ActivityFilter {
            since: Some("2026-11-01".to_owned()),
            until: Some("2026-11-24".to_owned()),
            ..ActivityFilter::default()
        }
        .query(1)
        .unwrap();
        assert_eq!(days.since.as_deref(), Some("2026-11-01T00:00:00Z"));
        assert_eq!(days.until.as_deref(), Some("2026-11-24T23:59:59Z"));
        let one_day = ActivityFilter {
            since: Some("2026-11-24".to_owned()),
            until: Some("2026-11-24".to_owned()),
            ..ActivityFilter::default()
        };
        assert!(one_day.query(1).is_ok());
        let every = ActivityFilter::default().query(3).unwrap();
        assert_eq!(every.types.len(), ACCESS_EVENT_TYPES.len());
        assert_eq!(every.page, 3);
    }
}
