//! The lockout guard: before a change that can cut the key in use off from
//! Atlas, say so, naming the entry or the setting. Computed with the address
//! Atlas sees (`current_ip`), not the one this computer thinks it has.

use std::net::IpAddr;

use serde::Serialize;
use ts_rs::TS;

use crate::access::access_list::{allows, entry_net, parse_entry};
use crate::access::gate::Caller;
use crate::access::usecases::{INVENTORY_CONCURRENCY, load_inventory, load_service_accounts};
use crate::atlas::{
    AccessListEntry, AccountScope, ApiKey, AtlasClient, ServiceAccount, ServiceAccountEntry,
};
use crate::error::CoreError;

/// What a change would do to access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LockoutCheck {
    /// The address Atlas sees requests come from, where it was needed.
    #[ts(optional)]
    pub current_ip: Option<String>,
    /// Set when the change would lock out the key in use: do not proceed.
    #[ts(optional)]
    pub blocking: Option<String>,
    /// Set when the change does something else to a key's access that the
    /// person must confirm (the last entry of a key goes).
    #[ts(optional)]
    pub warning: Option<String>,
    /// Keys the change would lock out (for the organization setting: the
    /// keys with no access list).
    pub keys_locked_out: Vec<ApiKey>,
    /// Service accounts the change would lock out (for the organization
    /// setting: the accounts with no access list).
    pub accounts_locked_out: Vec<ServiceAccount>,
}

/// The addresses Atlas sees this computer at, as one line ("a, b").
pub fn addresses_text(addresses: &[IpAddr]) -> String {
    addresses
        .iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Would removing `entry` (an address or block) from `key_id`'s access list
/// lock out the key in use, or leave a key with no list? Asks Atlas which
/// address it sees only when the key in use is the one concerned.
pub async fn check_entry_removal(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    key_id: &str,
    entry: &str,
) -> Result<LockoutCheck, CoreError> {
    let entries = client.list_access_list(org_id, key_id).await?;
    let credential = Credential {
        kind: "key",
        name: caller.public_key.as_str(),
        is_own: caller.key_id == key_id,
    };
    check_removal(client, org_id, &credential, &entries, entry).await
}

/// [`check_entry_removal`] for a service account's access list.
/// The list is read through `through_project` when given (a Project
/// Owner's way to it), else through the organization.
pub async fn check_service_account_entry_removal(
    client: &AtlasClient,
    org_id: &str,
    through_project: Option<&str>,
    client_id: &str,
    entry: &str,
) -> Result<LockoutCheck, CoreError> {
    let entries: Vec<AccessListEntry> = client
        .list_service_account_access_list(AccountScope::new(org_id, through_project), client_id)
        .await?
        .iter()
        .map(ServiceAccountEntry::as_key_entry)
        .collect();
    let credential = Credential {
        kind: "service account",
        name: client_id,
        is_own: client.service_account() == Some(client_id),
    };
    check_removal(client, org_id, &credential, &entries, entry).await
}

/// The key or service account whose list an entry leaves: what it is, how
/// the connection's own is named, and whether it is the connection's own.
struct Credential<'a> {
    kind: &'static str,
    name: &'a str,
    is_own: bool,
}

/// What removing `entry` from `entries`, the list of `credential`, does. The
/// last entry gone, a credential is refused everywhere where the
/// organization requires a list (the connection's own: blocking), and
/// otherwise usable from any address (a warning to confirm, own or not).
/// Another entry gone, the connection's own is blocked if no entry left
/// lets in the address Atlas sees.
async fn check_removal(
    client: &AtlasClient,
    org_id: &str,
    credential: &Credential<'_>,
    entries: &[AccessListEntry],
    entry: &str,
) -> Result<LockoutCheck, CoreError> {
    let removed = parse_entry(entry).map_err(|error| CoreError::Invalid(error.message(entry)))?;
    let mut check = LockoutCheck {
        current_ip: None,
        blocking: None,
        warning: None,
        keys_locked_out: Vec::new(),
        accounts_locked_out: Vec::new(),
    };
    let remaining: Vec<&AccessListEntry> = entries
        .iter()
        .filter(|e| entry_net(e) != Some(removed))
        .collect();
    let Credential { kind, name, is_own } = *credential;
    if remaining.is_empty() {
        // An empty list does not refuse every address: it lets every
        // address in, unless the organization requires a list.
        let org_requires = client.org_settings(org_id).await?.api_access_list_required;
        match (org_requires, is_own) {
            (true, true) => {
                check.blocking = Some(format!(
                    "Removing {entry} would leave the {kind} in use ({name}) with no access list, which this organization does not allow: the app would lose access."
                ));
            }
            (true, false) => {
                check.warning = Some(format!(
                    "{entry} is this {kind}'s last entry. This organization requires an access list, so with none left the {kind} is refused from every address: it is locked out."
                ));
            }
            (false, _) => {
                check.warning = Some(format!(
                    "{entry} is this {kind}'s last entry. With none left, the {kind} is no longer limited to any address: it can be used from anywhere on the internet."
                ));
            }
        }
        return Ok(check);
    }
    if !is_own {
        return Ok(check);
    }
    let addresses = client.current_addresses().await?;
    let ip = addresses_text(&addresses);
    check.current_ip = Some(ip.clone());
    // With an IPv4 and an IPv6 address, requests may come from either.
    let remaining: Vec<AccessListEntry> = remaining.into_iter().cloned().collect();
    if !addresses.iter().all(|address| allows(&remaining, *address)) {
        check.blocking = Some(format!(
            "Removing {entry} would lock out the {kind} in use ({name}): Atlas sees this computer as {ip}, and no other entry lets that in."
        ));
    }
    Ok(check)
}

/// What turning "Require IP Access List for the Atlas Administration API"
/// off would open: every key and service account with no access list, which
/// Atlas then lets in from any address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LiftCheck {
    pub keys_opened: Vec<ApiKey>,
    pub accounts_opened: Vec<ServiceAccount>,
}

impl LiftCheck {
    /// The ids the person must acknowledge: each key's id and each
    /// account's client id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys_opened.iter().map(|key| key.id.as_str()).chain(
            self.accounts_opened
                .iter()
                .map(|account| account.client_id.as_str()),
        )
    }
}

/// The keys and service accounts without an access list; refused when any
/// list could not be read, since a guess could lock someone out or open
/// them unseen.
async fn listless(
    client: &AtlasClient,
    org_id: &str,
) -> Result<(Vec<ApiKey>, Vec<ServiceAccount>), CoreError> {
    let inventory = load_inventory(client, org_id, INVENTORY_CONCURRENCY, &|_| {}).await?;
    if let Some(unread) = inventory
        .keys
        .iter()
        .find_map(|key| key.access_list_error.clone())
    {
        // Guessing here could lock someone out: better to say it is unknown.
        return Err(CoreError::Invalid(format!(
            "Not every access list could be read, so who would be locked out is unknown: {unread}"
        )));
    }
    let keys_locked_out: Vec<ApiKey> = inventory
        .keys
        .into_iter()
        .filter(|key| key.access_list.is_empty())
        .map(|key| key.key)
        .collect();
    let accounts = load_service_accounts(client, org_id, INVENTORY_CONCURRENCY, &|_| {}).await?;
    if let Some(unread) = accounts.iter().find_map(|account| account.error.clone()) {
        return Err(CoreError::Invalid(format!(
            "Not every service account's access list could be read, so who would be locked out is unknown: {unread}"
        )));
    }
    let accounts_locked_out: Vec<ServiceAccount> = accounts
        .into_iter()
        .filter(|account| account.access_list.is_empty())
        .map(|account| account.account)
        .collect();
    Ok((keys_locked_out, accounts_locked_out))
}

/// What turning the requirement off would open (see [`LiftCheck`]).
pub async fn check_lift_access_list_requirement(
    client: &AtlasClient,
    org_id: &str,
) -> Result<LiftCheck, CoreError> {
    let (keys_opened, accounts_opened) = listless(client, org_id).await?;
    Ok(LiftCheck {
        keys_opened,
        accounts_opened,
    })
}

/// What turning on "Require IP Access List for the Atlas Administration
/// API" would do: the keys with no entries are locked out, and if the key in
/// use is one of them, it is blocking.
pub async fn check_require_access_list(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
) -> Result<LockoutCheck, CoreError> {
    let (keys_locked_out, accounts_locked_out) = listless(client, org_id).await?;
    // A connection through a service account is locked out if the account
    // has no list of its own.
    if let Some(client_id) = client.service_account()
        && accounts_locked_out
            .iter()
            .any(|account| account.client_id == client_id)
    {
        let ip = addresses_text(&client.current_addresses().await?);
        return Ok(LockoutCheck {
            blocking: Some(format!(
                "Requiring an IP access list would lock out the service account this connection uses ({client_id}): it has no access list. Add {ip} to its access list first."
            )),
            current_ip: Some(ip),
            warning: None,
            keys_locked_out,
            accounts_locked_out,
        });
    }
    // Atlas is asked for this computer's address only when the key in use
    // is concerned: not every deployment answers that.
    let (blocking, current_ip) = match keys_locked_out.iter().find(|key| key.id == caller.key_id) {
        Some(key) => {
            let ip = addresses_text(&client.current_addresses().await?);
            let blocking = format!(
                "Requiring an IP access list would lock out the key in use ({}): it has no access list. Add {ip} to its access list first.",
                key.public_key
            );
            (Some(blocking), Some(ip))
        }
        None => (None, None),
    };
    Ok(LockoutCheck {
        current_ip,
        blocking,
        warning: None,
        keys_locked_out,
        accounts_locked_out,
    })
}
