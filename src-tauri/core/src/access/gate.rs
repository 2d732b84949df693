//! The lockout guard as one gate. Every edit that could change who reaches
//! the organization, or from where, states its effect and passes here
//! before anything is sent. From the effect and what Atlas says now, the
//! gate refuses what would cut the connection off (its access, its
//! Organization Owner role, its Project Owner roles), lets through what
//! opens a credential to any address only with the person's
//! acknowledgement of exactly that, and lets the rest through.
//!
//! `lockout` holds the checks the pages also show before a change; the
//! gate decides with them.

use crate::access::lockout::{self, LockoutCheck};
use crate::atlas::{ApiKey, AtlasClient};
use crate::error::CoreError;

/// The role without which a credential cannot manage the organization's access.
const ORG_OWNER: &str = "ORG_OWNER";

/// What a connection authenticates with, as the gate protects it: an API
/// key (its id and public key) or a service account (its client id twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub key_id: String,
    pub public_key: String,
}

/// A key, by id, or a service account, by client id.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    Key(&'a str),
    Account(&'a str),
}

/// What an edit does, as far as access goes.
#[derive(Debug, Clone, Copy)]
pub enum Effect<'a> {
    /// `entry` (canonical) leaves the credential's access list.
    EntryRemoved {
        credential: Credential<'a>,
        entry: &'a str,
        /// The project a service account's list is reached through (a
        /// Project Owner's way); `None`: through the organization.
        through_project: Option<&'a str>,
    },
    /// The credential's organization roles become `roles`.
    OrgRoles {
        credential: Credential<'a>,
        roles: &'a [String],
    },
    /// The credential's roles in a project change, or it leaves a project;
    /// `what` says which, in words.
    ProjectRoles {
        credential: Credential<'a>,
        what: &'a str,
    },
    /// "Require IP Access List for the Atlas Administration API" becomes `on`.
    Requirement { on: bool },
    /// The credential is deleted.
    Deleted { credential: Credential<'a> },
    /// A service account's secret is deleted.
    SecretDeleted {
        client_id: &'a str,
        secret_id: &'a str,
    },
}

/// What the person confirmed, as the request carries it.
#[derive(Debug, Clone, Copy)]
pub enum Acknowledgement<'a> {
    Nothing,
    /// The warning the check showed (a last entry's removal).
    Warning,
    /// The credentials (ids and client ids) the check named as opened.
    Credentials(&'a [String]),
}

impl Acknowledgement<'_> {
    /// The warning, when `confirmed`; nothing otherwise.
    pub fn warning_if(confirmed: bool) -> Self {
        if confirmed {
            Self::Warning
        } else {
            Self::Nothing
        }
    }
}

/// Lets `effect` through, or says why not.
pub async fn pass(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    effect: Effect<'_>,
    acknowledged: Acknowledgement<'_>,
) -> Result<(), CoreError> {
    let own = |credential: Credential<'_>| match credential {
        Credential::Key(key_id) => client.service_account().is_none() && key_id == caller.key_id,
        Credential::Account(client_id) => client.service_account() == Some(client_id),
    };
    match effect {
        Effect::EntryRemoved {
            credential,
            entry,
            through_project,
        } => {
            let check = match credential {
                Credential::Key(key_id) => {
                    lockout::check_entry_removal(client, caller, org_id, key_id, entry).await?
                }
                Credential::Account(client_id) => {
                    lockout::check_service_account_entry_removal(
                        client,
                        org_id,
                        through_project,
                        client_id,
                        entry,
                    )
                    .await?
                }
            };
            allow_removal(check, matches!(acknowledged, Acknowledgement::Warning))
        }
        Effect::OrgRoles { credential, roles } => {
            if !own(credential) || roles.iter().any(|role| role == ORG_OWNER) {
                return Ok(());
            }
            match credential {
                Credential::Key(key_id) => {
                    let current = client.get_org_key(org_id, key_id).await?;
                    keeps_owner(&current, org_id, roles, caller)
                }
                Credential::Account(client_id) => {
                    let current = client.get_org_service_account(org_id, client_id).await?;
                    if current.roles.iter().any(|role| role == ORG_OWNER) {
                        return Err(CoreError::Lockout(format!(
                            "This connection signs in as {} ({client_id}): taking Organization Owner from it would leave the app unable to manage this organization. Change it from another connection.",
                            current.name
                        )));
                    }
                    Ok(())
                }
            }
        }
        Effect::ProjectRoles { credential, what } => {
            if !own(credential) {
                return Ok(());
            }
            // Atlas answers the caller's own roles, whichever kind it is.
            let status = client.system_status().await?;
            if status
                .api_key
                .roles
                .iter()
                .any(|role| role.role_name == ORG_OWNER)
            {
                return Ok(());
            }
            let who = match credential {
                Credential::Key(_) => format!("key ({})", caller.public_key),
                Credential::Account(client_id) => format!("service account ({client_id})"),
            };
            Err(CoreError::Lockout(format!(
                "This is the {who} this connection uses: {what} could take away its access to this project, and it could not give it back. Make the change from another connection."
            )))
        }
        Effect::Requirement { on: true } => {
            let check = lockout::check_require_access_list(client, caller, org_id).await?;
            match check.blocking {
                Some(blocking) => Err(CoreError::Lockout(blocking)),
                None => Ok(()),
            }
        }
        Effect::Requirement { on: false } => {
            let named: &[String] = match acknowledged {
                Acknowledgement::Credentials(ids) => ids,
                _ => &[],
            };
            let check = lockout::check_lift_access_list_requirement(client, org_id).await?;
            let unseen: Vec<String> = check
                .keys_opened
                .iter()
                .filter(|key| !named.contains(&key.id))
                .map(|key| format!("{} ({})", key.desc, key.public_key))
                .chain(
                    check
                        .accounts_opened
                        .iter()
                        .filter(|account| !named.contains(&account.client_id))
                        .map(|account| format!("{} ({})", account.name, account.client_id)),
                )
                .collect();
            if unseen.is_empty() {
                return Ok(());
            }
            Err(CoreError::invalid(format!(
                "Without the requirement, {} could be used from any address, having no access list. Check again and confirm that, or give them access lists first.",
                unseen.join(", ")
            )))
        }
        Effect::Deleted { credential } if own(credential) => match credential {
            Credential::Key(_) => Err(CoreError::Lockout(
                "This is the key this connection uses: deleting it would lock the app out. Use another connection to delete it.".to_owned(),
            )),
            Credential::Account(client_id) => Err(CoreError::Lockout(format!(
                "This connection signs in as {client_id}: deleting it would end the connection at once. Delete it from another connection."
            ))),
        },
        Effect::Deleted { .. } => Ok(()),
        Effect::SecretDeleted {
            client_id,
            secret_id,
        } => {
            if !own(Credential::Account(client_id)) {
                return Ok(());
            }
            let account = client.get_org_service_account(org_id, client_id).await?;
            let tail = client.service_account_secret_tail().unwrap_or_default();
            let in_use = account.secrets.iter().find(|secret| {
                secret
                    .masked_secret_value
                    .as_deref()
                    .is_some_and(|masked| !tail.is_empty() && masked.ends_with(&tail))
            });
            // Without a masked value to tell them apart, the only secret is
            // the one in use.
            let only = match account.secrets.as_slice() {
                [only] => Some(only),
                _ => None,
            };
            if in_use.or(only).is_some_and(|secret| secret.id == secret_id) {
                return Err(CoreError::Lockout(format!(
                    "This is the secret this connection signs in with ({client_id}): deleting it would end the connection at once. Generate a new secret, save it in this connection, then delete this one."
                )));
            }
            Ok(())
        }
    }
}

/// Refuses organization roles `roles` for the key in use, `current` as it
/// is now, when they take Organization Owner from it.
fn keeps_owner(
    current: &ApiKey,
    org_id: &str,
    roles: &[String],
    caller: &Caller,
) -> Result<(), CoreError> {
    if current.org_roles(org_id).any(|role| role == ORG_OWNER)
        && !roles.iter().any(|role| role == ORG_OWNER)
    {
        return Err(CoreError::Lockout(format!(
            "This is the key this connection uses ({}): without Organization Owner it could no longer manage API keys, and could not give the role back. Change its roles from another connection.",
            caller.public_key
        )));
    }
    Ok(())
}

/// Lets an entry's removal through as its check says: never when it is
/// blocking, and past a warning (the last entry: the credential opened to
/// any address, or locked out) only when the person acknowledged it.
fn allow_removal(check: LockoutCheck, acknowledged: bool) -> Result<(), CoreError> {
    if let Some(blocking) = check.blocking {
        return Err(CoreError::Lockout(blocking));
    }
    match check.warning {
        Some(warning) if !acknowledged => Err(CoreError::Invalid(format!(
            "{warning} Confirm that to remove it."
        ))),
        _ => Ok(()),
    }
}
