//! An organization's events, one page at a time (Atlas's lists hold years
//! of them: they are read as far as the user scrolls, never all at once).

use serde::Deserialize;
use serde_json::Value;

use super::client::{AtlasClient, segment};
use super::error::AtlasError;
use super::models::Page;
use super::paging::MAX_PAGE;

/// An event as Atlas answers it (`EventViewForOrg`). Every field but the
/// id, time and type is optional: which ones come depends on the type and
/// on who acted.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AtlasEvent {
    pub id: String,
    pub created: String,
    pub event_type_name: String,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub group_id: Option<String>,
    /// The API key that acted.
    #[serde(default)]
    pub api_key_id: Option<String>,
    #[serde(default)]
    pub public_key: Option<String>,
    /// The person who acted, when one did.
    #[serde(default)]
    pub username: Option<String>,
    /// The API key acted on.
    #[serde(default)]
    pub target_public_key: Option<String>,
    /// The access-list entry added or deleted.
    #[serde(default)]
    pub whitelist_entry: Option<String>,
    #[serde(default)]
    pub remote_address: Option<String>,
    /// With `includeRaw=true`: where service accounts are named.
    #[serde(default)]
    pub raw: Option<Value>,
}

/// Which events of an organization to read: some types (none: every type),
/// a time range (RFC 3339), and the page (from 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    pub types: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub page: u32,
}

impl AtlasClient {
    /// One page of the organization's events, newest first, with `raw`.
    pub async fn org_events_page(
        &self,
        org_id: &str,
        query: &EventQuery,
    ) -> Result<Page<AtlasEvent>, AtlasError> {
        let mut path = format!(
            "/api/atlas/v2/orgs/{}/events?includeRaw=true&includeCount=false&itemsPerPage={MAX_PAGE}&pageNum={}",
            segment(org_id)?,
            query.page.max(1)
        );
        let encode =
            |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        for kind in &query.types {
            path.push_str(&format!("&eventType={}", encode(kind)));
        }
        if let Some(since) = &query.since {
            path.push_str(&format!("&minDate={}", encode(since)));
        }
        if let Some(until) = &query.until {
            path.push_str(&format!("&maxDate={}", encode(until)));
        }
        self.get(&path).await
    }
}
