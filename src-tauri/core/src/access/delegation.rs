//! Delegated access: reading and changing the organization's policy for
//! apps that act on a person's behalf (MCP clients, partner apps), with
//! what the API access lists cannot do for them said plainly. A change that
//! widens who may act is made only once the person has seen it in words.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use ts_rs::TS;

use super::rules;
use crate::atlas::{AtlasClient, DelegationSettings, McpAccess, PartnerAccess};
use crate::error::CoreError;

/// Atlas's bounds on a refresh-token lifetime: one second to a year.
pub const MAX_REFRESH_TOKEN_SECONDS: u32 = 31_536_000;

/// A refresh-token lifetime as the person sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TokenLifetime {
    /// Atlas's own default (sent as `null`).
    SystemDefault,
    Seconds {
        seconds: u32,
    },
}

impl TokenLifetime {
    fn seconds(self) -> Option<u32> {
        match self {
            Self::SystemDefault => None,
            Self::Seconds { seconds } => Some(seconds),
        }
    }
}

/// What to change; what is left out stays as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DelegationChange {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_access: Option<McpAccess>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_access: Option<PartnerAccess>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_refresh_token_lifetime: Option<TokenLifetime>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_refresh_token_lifetime: Option<TokenLifetime>,
}

/// A way a change lets apps do more on a person's behalf than before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Widening {
    /// MCP clients, not allowed before, may read.
    McpMayRead,
    /// MCP clients may change things, not only read them.
    McpMayWrite,
    /// Partner apps, not allowed before, may read and change things.
    PartnerMayAct,
}

impl Widening {
    /// What the widening lets happen, in words.
    pub fn words(self) -> &'static str {
        match self {
            Self::McpMayRead => {
                "MCP clients (AI assistants and agents) signed in as anyone in this organization could read everything that person can read here."
            }
            Self::McpMayWrite => {
                "MCP clients (AI assistants and agents) signed in as anyone in this organization could change everything that person can change here: create and delete clusters, users, API keys and access lists, not only read them."
            }
            Self::PartnerMayAct => {
                "Partner apps signed in as anyone in this organization could read and change everything that person can here."
            }
        }
    }
}

/// A widening with its words, as the confirmation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WideningNotice {
    pub widening: Widening,
    pub words: String,
}

/// What checking a change answers: the settings it was checked against,
/// and what it would widen (empty: nothing to confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DelegationCheck {
    pub current: DelegationSettings,
    pub widenings: Vec<WideningNotice>,
}

/// The settings as they would be after `change`.
pub fn applied(current: &DelegationSettings, change: &DelegationChange) -> DelegationSettings {
    DelegationSettings {
        delegated_mcp_access: change.mcp_access.unwrap_or(current.delegated_mcp_access),
        delegated_partner_access: change
            .partner_access
            .unwrap_or(current.delegated_partner_access),
        maximum_refresh_token_lifetime: change.maximum_refresh_token_lifetime.map_or(
            current.maximum_refresh_token_lifetime,
            TokenLifetime::seconds,
        ),
        idle_refresh_token_lifetime: change
            .idle_refresh_token_lifetime
            .map_or(current.idle_refresh_token_lifetime, TokenLifetime::seconds),
    }
}

/// What `change` would widen from `current`: to Read and write, or from
/// Disallowed.
pub fn widenings(current: &DelegationSettings, change: &DelegationChange) -> Vec<Widening> {
    let after = applied(current, change);
    let mut found = Vec::new();
    if current.delegated_mcp_access == McpAccess::Disallowed
        && after.delegated_mcp_access == McpAccess::ReadOnly
    {
        found.push(Widening::McpMayRead);
    }
    if current.delegated_mcp_access != McpAccess::ReadWrite
        && after.delegated_mcp_access == McpAccess::ReadWrite
    {
        found.push(Widening::McpMayWrite);
    }
    if current.delegated_partner_access == PartnerAccess::Disallowed
        && after.delegated_partner_access == PartnerAccess::ReadWrite
    {
        found.push(Widening::PartnerMayAct);
    }
    found
}

fn lifetime_text(seconds: u32) -> String {
    let days = seconds / 86_400;
    let hours = (seconds % 86_400) / 3_600;
    let rest = seconds % 3_600;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        parts.push(format!("{hours} hour{}", if hours == 1 { "" } else { "s" }));
    }
    if rest > 0 || parts.is_empty() {
        parts.push(format!("{rest} second{}", if rest == 1 { "" } else { "s" }));
    }
    parts.join(" ")
}

/// Refuses a change Atlas would refuse, or that could never apply, saying
/// what to fix.
pub fn check_change(
    current: &DelegationSettings,
    change: &DelegationChange,
) -> Result<(), CoreError> {
    if change == &DelegationChange::default() {
        return Err(CoreError::invalid(
            "Nothing to change: choose a delegated-access setting to change.",
        ));
    }
    for (name, lifetime) in [
        ("maximum", change.maximum_refresh_token_lifetime),
        ("idle", change.idle_refresh_token_lifetime),
    ] {
        if let Some(TokenLifetime::Seconds { seconds }) = lifetime
            && !(1..=MAX_REFRESH_TOKEN_SECONDS).contains(&seconds)
        {
            return Err(CoreError::invalid(format!(
                "The {name} refresh-token lifetime must be from 1 second to 365 days; {} was asked.",
                lifetime_text(seconds)
            )));
        }
    }
    let after = applied(current, change);
    if let (Some(maximum), Some(idle)) = (
        after.maximum_refresh_token_lifetime,
        after.idle_refresh_token_lifetime,
    ) && idle > maximum
    {
        return Err(CoreError::invalid(format!(
            "The idle lifetime ({}) is longer than the maximum lifetime ({}), so it would never apply. Make it shorter, or the maximum longer.",
            lifetime_text(idle),
            lifetime_text(maximum)
        )));
    }
    Ok(())
}

/// The PATCH body: what the change names, `null` for a system default.
fn body(change: &DelegationChange) -> Value {
    let mut map = Map::new();
    if let Some(access) = change.mcp_access {
        map.insert("delegatedMcpAccess".into(), json!(access));
    }
    if let Some(access) = change.partner_access {
        map.insert("delegatedPartnerAccess".into(), json!(access));
    }
    if let Some(lifetime) = change.maximum_refresh_token_lifetime {
        map.insert(
            "maximumRefreshTokenLifetime".into(),
            json!(lifetime.seconds()),
        );
    }
    if let Some(lifetime) = change.idle_refresh_token_lifetime {
        map.insert("idleRefreshTokenLifetime".into(), json!(lifetime.seconds()));
    }
    Value::Object(map)
}

pub async fn delegation_settings(
    client: &AtlasClient,
    org_id: &str,
) -> Result<DelegationSettings, CoreError> {
    rules::object_id(org_id, "an organization")?;
    Ok(client.delegation_settings(org_id).await?)
}

/// Checks `change` against the settings as Atlas has them now, and says
/// what it would widen.
pub async fn check_delegation_change(
    client: &AtlasClient,
    org_id: &str,
    change: &DelegationChange,
) -> Result<DelegationCheck, CoreError> {
    rules::object_id(org_id, "an organization")?;
    let current = client.delegation_settings(org_id).await?;
    check_change(&current, change)?;
    Ok(DelegationCheck {
        current,
        widenings: widenings(&current, change)
            .into_iter()
            .map(|widening| WideningNotice {
                widening,
                words: widening.words().to_owned(),
            })
            .collect(),
    })
}

/// Makes `change`, read against the settings as Atlas has them now: refused
/// unless `acknowledged` names every widening it would make (the person saw
/// them, in [`check_delegation_change`]). Answers the settings as they now
/// are.
pub async fn change_delegation(
    client: &AtlasClient,
    org_id: &str,
    change: &DelegationChange,
    acknowledged: &[Widening],
) -> Result<DelegationSettings, CoreError> {
    rules::object_id(org_id, "an organization")?;
    let current = client.delegation_settings(org_id).await?;
    check_change(&current, change)?;
    let unseen: Vec<&str> = widenings(&current, change)
        .into_iter()
        .filter(|widening| !acknowledged.contains(widening))
        .map(Widening::words)
        .collect();
    if !unseen.is_empty() {
        return Err(CoreError::invalid(format!(
            "Not changed: this widens delegated access, and was not confirmed. {} Confirm it to go on.",
            unseen.join(" ")
        )));
    }
    let settings = client
        .update_delegation_settings(org_id, &body(change))
        .await?;
    tracing::info!(org = %org_id, ?change, "delegated-access settings changed");
    Ok(settings)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn settings(mcp: McpAccess, partner: PartnerAccess) -> DelegationSettings {
        DelegationSettings {
            delegated_mcp_access: mcp,
            delegated_partner_access: partner,
            ..DelegationSettings::default()
        }
    }

    #[test]
    fn widening_is_to_read_and_write_or_from_disallowed() {
        use McpAccess::*;
        let to = |mcp| DelegationChange {
            mcp_access: Some(mcp),
            ..DelegationChange::default()
        };
        let from = |mcp| settings(mcp, PartnerAccess::Disallowed);
        assert_eq!(
            widenings(&from(Disallowed), &to(ReadOnly)),
            [Widening::McpMayRead]
        );
        assert_eq!(
            widenings(&from(Disallowed), &to(ReadWrite)),
            [Widening::McpMayWrite]
        );
        assert_eq!(
            widenings(&from(ReadOnly), &to(ReadWrite)),
            [Widening::McpMayWrite]
        );
        for (before, after) in [
            (ReadWrite, ReadOnly),
            (ReadWrite, Disallowed),
            (ReadOnly, Disallowed),
            (ReadOnly, ReadOnly),
            (ReadWrite, ReadWrite),
        ] {
            assert!(
                widenings(&from(before), &to(after)).is_empty(),
                "{before:?} to {after:?}"
            );
        }
        let partner = DelegationChange {
            partner_access: Some(PartnerAccess::ReadWrite),
            ..DelegationChange::default()
        };
        assert_eq!(
            widenings(&from(ReadWrite), &partner),
            [Widening::PartnerMayAct]
        );
        assert!(widenings(&settings(Disallowed, PartnerAccess::ReadWrite), &partner).is_empty());
    }

    #[test]
    fn a_change_atlas_would_refuse_or_that_never_applies_is_refused_with_what_to_fix() {
        let current = DelegationSettings::default();
        let nothing = check_change(&current, &DelegationChange::default()).unwrap_err();
        assert!(nothing.advice().contains("Nothing to change"));
        let too_long = DelegationChange {
            maximum_refresh_token_lifetime: Some(TokenLifetime::Seconds {
                seconds: MAX_REFRESH_TOKEN_SECONDS + 1,
            }),
            ..DelegationChange::default()
        };
        let advice = check_change(&current, &too_long).unwrap_err().advice();
        assert!(advice.contains("1 second to 365 days"), "{advice}");
        assert!(advice.contains("365 days 1 second"), "{advice}");
        let zero = DelegationChange {
            idle_refresh_token_lifetime: Some(TokenLifetime::Seconds { seconds: 0 }),
            ..DelegationChange::default()
        };
        assert!(check_change(&current, &zero).is_err());
        // The idle limit against the maximum as it would then be.
        let with_maximum = DelegationSettings {
            maximum_refresh_token_lifetime: Some(86_400),
            ..current
        };
        let idle_two_days = DelegationChange {
            idle_refresh_token_lifetime: Some(TokenLifetime::Seconds { seconds: 172_800 }),
            ..DelegationChange::default()
        };
        let advice = check_change(&with_maximum, &idle_two_days)
            .unwrap_err()
            .advice();
        assert!(
            advice.contains("idle lifetime (2 days) is longer than the maximum lifetime (1 day)"),
            "{advice}"
        );
        let and_longer_maximum = DelegationChange {
            maximum_refresh_token_lifetime: Some(TokenLifetime::SystemDefault),
            ..idle_two_days
        };
        assert!(check_change(&with_maximum, &and_longer_maximum).is_ok());
    }

    #[test]
    fn the_body_names_only_what_changes_and_null_for_the_default() {
        let change = DelegationChange {
            mcp_access: Some(McpAccess::ReadOnly),
            idle_refresh_token_lifetime: Some(TokenLifetime::SystemDefault),
            ..DelegationChange::default()
        };
        assert_eq!(
            body(&change),
            json!({"delegatedMcpAccess": "READ_ONLY", "idleRefreshTokenLifetime": null})
        );
    }
}
