//! What the sandbox records after each change, as Atlas records events:
//! who acted (an API key or a service account), from which address, on
//! which credential and access-list entry.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::gate::{Caller, Principal};
use crate::model::{AccessEntry, Actor, Data, Event, Target};
use crate::store::object_id_at;
use crate::wire::{atlas_ip, atlas_net};

/// The access-related event types the sandbox records, with Atlas's
/// descriptions (`GET /eventTypes`).
pub const EVENT_TYPES: &[(&str, &str)] = &[
    ("API_KEY_CREATED", "API Key created"),
    ("API_KEY_DELETED", "API Key deleted"),
    ("API_KEY_DESCRIPTION_CHANGED", "API Key description changed"),
    ("API_KEY_ROLES_CHANGED", "API Key roles changed"),
    ("API_KEY_ADDED_TO_GROUP", "API Key added to project"),
    ("API_KEY_REMOVED_FROM_GROUP", "API Key removed from project"),
    (
        "API_KEY_ACCESS_LIST_ENTRY_ADDED",
        "API Key access list entry added",
    ),
    (
        "API_KEY_ACCESS_LIST_ENTRY_DELETED",
        "API Key access list entry deleted",
    ),
    ("SERVICE_ACCOUNT_CREATED", "Service Account created"),
    ("SERVICE_ACCOUNT_DELETED", "Service Account deleted"),
    (
        "SERVICE_ACCOUNT_ROLES_CHANGED",
        "Service Account roles changed",
    ),
    (
        "SERVICE_ACCOUNT_DETAILS_CHANGED",
        "Service Account details changed",
    ),
    (
        "SERVICE_ACCOUNT_ADDED_TO_GROUP",
        "Service Account added to project",
    ),
    (
        "SERVICE_ACCOUNT_REMOVED_FROM_GROUP",
        "Service Account removed from project",
    ),
    (
        "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED",
        "Service Account access list entry added",
    ),
    (
        "SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED",
        "Service Account access list entry deleted",
    ),
    (
        "SERVICE_ACCOUNT_SECRET_ADDED",
        "Service Account secret added",
    ),
    (
        "SERVICE_ACCOUNT_SECRET_DELETED",
        "Service Account secret deleted",
    ),
    (
        "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED",
        "Organization now requires an access list for all API operations",
    ),
    (
        "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED",
        "Organization no longer requires an access list for all API operations",
    ),
    (
        "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED",
        "Maximum validity of Service Account secrets edited",
    ),
    (
        "ORG_DELEGATION_SETTINGS_UPDATED",
        "Organization delegation settings updated",
    ),
    ("GROUP_CREATED", "Project created"),
];

/// One change about to be recorded.
pub struct Happening {
    kind: &'static str,
    org_id: String,
    group_id: Option<String>,
    target: Option<Target>,
    entry: Option<String>,
}

impl Happening {
    pub fn new(kind: &'static str, org_id: &str) -> Self {
        Self {
            kind,
            org_id: org_id.to_owned(),
            group_id: None,
            target: None,
            entry: None,
        }
    }

    pub fn in_project(mut self, group_id: &str) -> Self {
        self.group_id = Some(group_id.to_owned());
        self
    }

    pub fn on(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    pub fn entry(mut self, entry: &AccessEntry) -> Self {
        self.entry = Some(entry_text(entry));
        self
    }

    /// The event, made by `actor` from `address` at `at`.
    pub fn by(self, actor: Actor, address: IpAddr, at: DateTime<Utc>) -> Event {
        Event {
            id: object_id_at(at),
            created: at,
            kind: self.kind.to_owned(),
            org_id: self.org_id,
            group_id: self.group_id,
            actor,
            remote_address: address,
            target: self.target,
            entry: self.entry,
        }
    }
}

/// Records what the caller just did. Call it inside the change, after the
/// change has been checked, so an error records nothing.
pub fn record(data: &mut Data, who: &Caller, happening: Happening) {
    let actor = match &who.principal {
        Principal::Key(id) => data.keys.get(id).map(|key| Actor::Key {
            id: key.id.clone(),
            public_key: key.public_key.clone(),
        }),
        Principal::Account(client_id) => {
            data.service_accounts
                .get(client_id)
                .map(|account| Actor::Account {
                    client_id: account.client_id.clone(),
                    name: account.name.clone(),
                })
        }
    };
    // A caller that deleted itself is gone from the data: name it as it was.
    let actor = actor.unwrap_or_else(|| match &who.principal {
        Principal::Key(id) => Actor::Key {
            id: id.clone(),
            public_key: String::new(),
        },
        Principal::Account(client_id) => Actor::Account {
            client_id: client_id.clone(),
            name: String::new(),
        },
    });
    data.events.push(happening.by(actor, who.ip, Utc::now()));
}

/// An access-list entry as events name it: the address alone for a single
/// one, else the block.
pub fn entry_text(entry: &AccessEntry) -> String {
    match entry.ip_address {
        Some(ip) => atlas_ip(ip),
        None => atlas_net(entry.cidr),
    }
}
