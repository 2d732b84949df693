//! Rotating an API key without breaking what uses it (or moving it to a
//! service account, Atlas's successor to keys): a new key with
//! everything the old one has (its organization roles, its roles in every
//! project, its access list), shown once; then, when the systems use it,
//! the old key deleted. A step that fails is resumed by giving the new key
//! what it still lacks, so nothing is done twice.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::edits::{self, NewServiceAccountInput, ProjectOutcome};
use crate::access::gate::{self, Acknowledgement, Caller, Credential, Effect};
use crate::access::rules;
use crate::access::usecases::{
    self, NewOrgKey, NewOrgKeyOutcome, NewServiceAccountOutcome, ProjectRoles, StepOutcome,
};
use crate::atlas::{
    AccessListEntry, AccessListRequest, AccountScope, ApiKey, AtlasClient, ServiceAccountEntry,
};
use crate::error::CoreError;

/// The longest description Atlas takes.
const MAX_DESCRIPTION: usize = 250;
const ROTATED: &str = " (rotated ";

/// The old key's description, marked with the day of the rotation:
/// "Terraform CI (production) (rotated 2026-12-02)". A mark from an earlier
/// rotation is replaced, and the description is cut to fit Atlas's length.
pub fn rotated_description(desc: &str, day: &str) -> String {
    let base = desc.split(ROTATED).next().unwrap_or(desc).trim_end();
    let mark = format!("{ROTATED}{day})");
    let room = MAX_DESCRIPTION.saturating_sub(mark.chars().count());
    let base: String = base.chars().take(room).collect();
    format!("{}{mark}", base.trim_end())
}

fn today() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%d")
        .to_string()
}

/// An entry as a request to add it again.
fn as_request(entry: &AccessListEntry) -> Option<AccessListRequest> {
    match (&entry.ip_address, &entry.cidr_block) {
        (Some(ip), Some(cidr)) if cidr.ends_with("/32") || cidr.ends_with("/128") => {
            Some(AccessListRequest::IpAddress(ip.clone()))
        }
        (_, Some(cidr)) => Some(AccessListRequest::CidrBlock(cidr.clone())),
        (Some(ip), None) => Some(AccessListRequest::IpAddress(ip.clone())),
        (None, None) => None,
    }
}

fn org_roles(key: &ApiKey, org_id: &str) -> Vec<String> {
    key.org_roles(org_id).map(str::to_owned).collect()
}

fn project_roles(key: &ApiKey) -> Vec<ProjectRoles> {
    key.project_ids()
        .into_iter()
        .map(|project_id| ProjectRoles {
            project_id: project_id.to_owned(),
            roles: key.project_roles(project_id).map(str::to_owned).collect(),
        })
        .collect()
}

/// The key being replaced and its access list, its ids checked first.
async fn read_old_key(
    client: &AtlasClient,
    org_id: &str,
    old_key_id: &str,
) -> Result<(ApiKey, Vec<AccessListEntry>), CoreError> {
    rules::object_id(org_id, "an organization")?;
    rules::object_id(old_key_id, "an API key")?;
    Ok(futures::try_join!(
        client.get_org_key(org_id, old_key_id),
        client.list_access_list(org_id, old_key_id)
    )?)
}

/// Step 1: a new key with the old key's description (marked with today's
/// date), organization roles, project roles and access list. Fails only if
/// the key could not be created; each later step has its own outcome.
pub async fn start_rotation(
    client: &AtlasClient,
    org_id: &str,
    old_key_id: &str,
) -> Result<NewOrgKeyOutcome, CoreError> {
    let (old, entries) = read_old_key(client, org_id, old_key_id).await?;
    let plan = NewOrgKey {
        desc: rotated_description(&old.desc, &today()),
        roles: org_roles(&old, org_id),
        access_list: entries.iter().filter_map(as_request).collect(),
        projects: project_roles(&old),
    };
    let outcome = usecases::create_org_key_with_setup(client, org_id, &plan).await?;
    tracing::info!(
        old = %old.public_key,
        new = %outcome.created.key.public_key,
        "rotation started"
    );
    Ok(outcome)
}

/// Moves an API key to a service account: a new account named after the
/// key, with its organization roles, its roles in every project and its
/// access list, whose first secret lasts `secret_hours`. The checks of any
/// new account apply (name, roles, the organization's maximum lifetime);
/// each step after the account has its own outcome.
pub async fn move_to_service_account(
    client: &AtlasClient,
    org_id: &str,
    old_key_id: &str,
    secret_hours: u32,
) -> Result<NewServiceAccountOutcome, CoreError> {
    let (old, entries) = read_old_key(client, org_id, old_key_id).await?;
    let input = NewServiceAccountInput {
        name: account_name(&old),
        description: cut(
            &service_account_words(&format!(
                "Moved from API key {}, {}",
                old.public_key, old.desc
            )),
            250,
        ),
        roles: org_roles(&old, org_id),
        secret_expires_after_hours: secret_hours,
        access_list: entries
            .iter()
            .map(|entry| entry.path_name().to_owned())
            .collect::<Vec<_>>()
            .join("\n"),
        projects: project_roles(&old),
    };
    let outcome = edits::create_service_account(client, org_id, &input).await?;
    tracing::info!(
        key = %old.public_key,
        client_id = %outcome.created.account.client_id,
        "API key moved to a service account"
    );
    Ok(outcome)
}

/// A text in the letters Atlas takes in a service account's name and
/// description (letters, digits, spaces and `-_.,'`): others become spaces.
fn service_account_words(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.,'".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn cut(text: &str, length: usize) -> String {
    text.chars()
        .take(length)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The account's name: the key's description, or its public key, in the
/// letters Atlas takes for a name.
fn account_name(key: &ApiKey) -> String {
    let desc = key.desc.trim();
    let name = service_account_words(desc);
    if name.is_empty() {
        format!("API key {}", key.public_key)
    } else {
        cut(&name, 64)
    }
}

/// The old key's entries that are not among `present` (entries named as in
/// a path), as requests to add.
fn missing_entries<'a>(
    old_entries: &[AccessListEntry],
    present: impl Iterator<Item = &'a str>,
) -> Vec<AccessListRequest> {
    let present: BTreeSet<&str> = present.collect();
    old_entries
        .iter()
        .filter(|entry| !present.contains(entry.path_name()))
        .filter_map(as_request)
        .collect()
}

/// True when no step failed.
fn none_failed<'a>(mut outcomes: impl Iterator<Item = &'a StepOutcome>) -> bool {
    outcomes.all(|outcome| !matches!(outcome, StepOutcome::Failed { .. }))
}

/// What resuming a rotation did, step by step, and the new key after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationSetup {
    pub roles: StepOutcome,
    pub access_list: StepOutcome,
    pub invitations: Vec<ProjectOutcome>,
    pub key: ApiKey,
    /// True when the new key now has everything the old one has.
    pub complete: bool,
}

/// Which rotation: the old key and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationKeys {
    pub old_key_id: String,
    pub new_key_id: String,
}

/// Gives the new key what the old one has and it still lacks: organization
/// roles, roles in each project, access-list entries. Reads both first, so
/// a step already done is skipped. When the new key is the one the
/// connection now signs in with, its roles are guarded as any edit of the
/// key in use is: it keeps Organization Owner, and a key that is not an
/// owner keeps its project roles.
pub async fn complete_rotation(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    keys: &RotationKeys,
) -> Result<RotationSetup, CoreError> {
    rules::object_id(org_id, "an organization")?;
    rules::object_id(&keys.old_key_id, "the old API key")?;
    rules::object_id(&keys.new_key_id, "the new API key")?;
    if keys.old_key_id == keys.new_key_id {
        return Err(CoreError::invalid(
            "The new key is the old key: pick the key the rotation made.",
        ));
    }
    let (old, new, old_entries, new_entries) = futures::try_join!(
        client.get_org_key(org_id, &keys.old_key_id),
        client.get_org_key(org_id, &keys.new_key_id),
        client.list_access_list(org_id, &keys.old_key_id),
        client.list_access_list(org_id, &keys.new_key_id)
    )?;

    // The new key may be the one the connection now signs in with: its
    // roles pass the gate as any edit of them does.
    let wanted = org_roles(&old, org_id);
    gate::pass(
        client,
        caller,
        org_id,
        Effect::OrgRoles {
            credential: Credential::Key(&keys.new_key_id),
            roles: &wanted,
        },
        Acknowledgement::Nothing,
    )
    .await?;
    let project_changes = project_roles(&old).into_iter().any(|project| {
        let has: BTreeSet<&str> = new.project_roles(&project.project_id).collect();
        has != project.roles.iter().map(String::as_str).collect()
    });
    if project_changes {
        edits::guard_key_in_project(
            client,
            caller,
            &keys.new_key_id,
            "giving it the old key's project roles",
        )
        .await?;
    }
    let roles = if wanted.iter().collect::<BTreeSet<_>>()
        == org_roles(&new, org_id).iter().collect::<BTreeSet<_>>()
    {
        StepOutcome::Skipped
    } else {
        StepOutcome::from_result(
            client
                .update_org_key(org_id, &keys.new_key_id, None, Some(&wanted))
                .await,
        )
    };

    let mut invitations = Vec::new();
    for project in project_roles(&old) {
        let has: BTreeSet<&str> = new.project_roles(&project.project_id).collect();
        let wants: BTreeSet<&str> = project.roles.iter().map(String::as_str).collect();
        let outcome = if has == wants {
            StepOutcome::Skipped
        } else if has.is_empty() {
            StepOutcome::from_result(
                client
                    .invite_key_to_project(&project.project_id, &keys.new_key_id, &project.roles)
                    .await,
            )
        } else {
            StepOutcome::from_result(
                client
                    .update_project_key_roles(&project.project_id, &keys.new_key_id, &project.roles)
                    .await,
            )
        };
        invitations.push(ProjectOutcome {
            project_id: project.project_id,
            outcome,
        });
    }

    let missing = missing_entries(
        &old_entries,
        new_entries.iter().map(AccessListEntry::path_name),
    );
    let access_list = if missing.is_empty() {
        StepOutcome::Skipped
    } else {
        StepOutcome::from_result(
            client
                .add_access_entries(org_id, &keys.new_key_id, &missing)
                .await,
        )
    };

    let complete = none_failed(
        [&roles, &access_list]
            .into_iter()
            .chain(invitations.iter().map(|invitation| &invitation.outcome)),
    );
    let key = client.get_org_key(org_id, &keys.new_key_id).await?;
    Ok(RotationSetup {
        roles,
        access_list,
        invitations,
        key,
        complete,
    })
}

/// What resuming a move to a service account did, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveSetup {
    pub access_list: StepOutcome,
    pub invitations: Vec<ProjectOutcome>,
    /// True when the account now has the old key's access list and project roles.
    pub complete: bool,
}

/// Which move: the old key and the account it was moved to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveAccounts {
    pub old_key_id: String,
    pub client_id: String,
}

/// Gives the account a key was moved to what the key has and the account
/// still lacks: roles in each project, access-list entries. Reads both
/// first, so a step already done is skipped. The account's project roles
/// are guarded as any change to them is: the connection's own account
/// keeps its Project Owner roles.
pub async fn complete_move(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    moved: &MoveAccounts,
) -> Result<MoveSetup, CoreError> {
    rules::object_id(org_id, "an organization")?;
    rules::object_id(&moved.old_key_id, "the old API key")?;
    rules::client_id(&moved.client_id)?;
    let (old, old_entries, account_entries, account_projects) = futures::try_join!(
        client.get_org_key(org_id, &moved.old_key_id),
        client.list_access_list(org_id, &moved.old_key_id),
        client.list_service_account_access_list(AccountScope::Org(org_id), &moved.client_id),
        client.list_service_account_projects(org_id, &moved.client_id)
    )?;

    let has_roles = |project_id: &str| -> BTreeSet<String> {
        account_projects
            .iter()
            .filter(|joined| joined.group_id == project_id)
            .flat_map(|joined| joined.roles.iter().cloned())
            .collect()
    };
    let projects = project_roles(&old);
    let changes = projects
        .iter()
        .any(|project| has_roles(&project.project_id) != project.roles.iter().cloned().collect());
    if changes {
        edits::guard_account_in_project(
            client,
            caller,
            &moved.client_id,
            "giving it the old key's project roles",
        )
        .await?;
    }
    let mut invitations = Vec::new();
    for project in projects {
        let outcome = if has_roles(&project.project_id) == project.roles.iter().cloned().collect() {
            StepOutcome::Skipped
        } else {
            StepOutcome::from_result(
                client
                    .invite_service_account_to_project(
                        &project.project_id,
                        &moved.client_id,
                        &project.roles,
                    )
                    .await,
            )
        };
        invitations.push(ProjectOutcome {
            project_id: project.project_id,
            outcome,
        });
    }

    let missing = missing_entries(
        &old_entries,
        account_entries.iter().map(ServiceAccountEntry::path_name),
    );
    let access_list = if missing.is_empty() {
        StepOutcome::Skipped
    } else {
        StepOutcome::from_result(
            client
                .add_service_account_entries(AccountScope::Org(org_id), &moved.client_id, &missing)
                .await,
        )
    };
    let complete = none_failed(
        std::iter::once(&access_list)
            .chain(invitations.iter().map(|invitation| &invitation.outcome)),
    );
    tracing::info!(key = %old.public_key, client_id = %moved.client_id, complete, "move resumed");
    Ok(MoveSetup {
        access_list,
        invitations,
        complete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_named_in_the_letters_atlas_takes() {
        assert_eq!(
            service_account_words("Terraform CI (production): deploys"),
            "Terraform CI production deploys"
        );
        assert_eq!(service_account_words("()"), "");
    }

    #[test]
    fn the_description_is_marked_once_and_fits() {
        assert_eq!(
            rotated_description("Terraform CI (production)", "2026-12-02"),
            "Terraform CI (production) (rotated 2026-12-02)"
        );
        assert_eq!(
            rotated_description(
                "Terraform CI (production) (rotated 2026-01-05)",
                "2026-12-02"
            ),
            "Terraform CI (production) (rotated 2026-12-02)"
        );
        let long = "x".repeat(250);
        let rotated = rotated_description(&long, "2026-12-02");
        assert_eq!(rotated.chars().count(), 250);
        assert!(rotated.ends_with("(rotated 2026-12-02)"));
    }
}
