//! The edits a person makes on one screen, each checked before it is sent,
//! passed through the gate where it could change who reaches the
//! organization, and answered with what changed, so the page patches that
//! part and reloads nothing else. A single edit costs one to three Atlas
//! requests besides the gate's reads; the ones made of steps (a creation
//! with its list and projects, invitations to many projects) one per step.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::access_list::{self, CheckedEntry};
use crate::access::roles::RoleScope;
use crate::access::rules;
use crate::access::usecases::{
    self, INVITE_CONCURRENCY, Invitee, NewOrgKey, NewOrgKeyOutcome, NewServiceAccountOutcome,
    NewServiceAccountPlan, Progress, ProjectRoles, StepOutcome,
};
use crate::atlas::{
    AccessListEntry, AccountScope, ApiKey, AtlasClient, CreatedApiKey, CreatedServiceAccount,
    NewServiceAccount, OrgSettings, ServiceAccount, ServiceAccountEntry, ServiceAccountProject,
};
use crate::error::CoreError;

use crate::access::gate::{self, Acknowledgement, Caller, Credential, Effect};

/// Checks every id an edit is about before anything is sent.
fn ids(ids: &[(&str, &str)]) -> Result<(), CoreError> {
    for (id, what) in ids {
        rules::object_id(id, what)?;
    }
    Ok(())
}

/// Changes a key's description and organization roles. Refuses to take
/// Organization Owner from the key in use: it could not give it back.
pub async fn update_org_key(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    key_id: &str,
    desc: &str,
    roles: &[String],
) -> Result<ApiKey, CoreError> {
    ids(&[(org_id, "an organization"), (key_id, "an API key")])?;
    let desc = rules::description(desc)?;
    let roles = rules::roles(roles, RoleScope::Organization)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::OrgRoles {
            credential: Credential::Key(key_id),
            roles: &roles,
        },
        Acknowledgement::Nothing,
    )
    .await?;
    Ok(client
        .update_org_key(org_id, key_id, Some(&desc), Some(&roles))
        .await?)
}

/// Deletes a key (it leaves every project too); never the key in use.
pub async fn delete_org_key(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    key_id: &str,
) -> Result<(), CoreError> {
    ids(&[(org_id, "an organization"), (key_id, "an API key")])?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::Deleted {
            credential: Credential::Key(key_id),
        },
        Acknowledgement::Nothing,
    )
    .await?;
    client.delete_org_key(org_id, key_id).await?;
    tracing::info!(key = %key_id, "organization key deleted");
    Ok(())
}

/// What adding entries did: every line's check, and the key's list after.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddEntriesReport {
    pub checked: Vec<CheckedEntry>,
    /// How many entries were sent.
    pub added: usize,
    pub entries: Vec<AccessListEntry>,
}

/// Adds the valid lines of `text` to a key's access list; the invalid ones
/// are reported, not sent. Two requests: the list (to tell duplicates), then
/// the POST, which answers with the whole list.
pub async fn add_access_entries(
    client: &AtlasClient,
    org_id: &str,
    key_id: &str,
    text: &str,
) -> Result<AddEntriesReport, CoreError> {
    ids(&[(org_id, "an organization"), (key_id, "an API key")])?;
    let existing = client.list_access_list(org_id, key_id).await?;
    let checked = access_list::check(text, &existing);
    if checked.is_empty() {
        return Err(CoreError::invalid(
            "Enter an IP address or a CIDR block, such as 203.0.113.10 or 192.0.2.0/24.",
        ));
    }
    let requests = access_list::requests(&checked);
    if requests.is_empty() {
        return Ok(AddEntriesReport {
            checked,
            added: 0,
            entries: existing,
        });
    }
    let entries = client.add_access_entries(org_id, key_id, &requests).await?;
    tracing::info!(key = %key_id, added = requests.len(), "access-list entries added");
    Ok(AddEntriesReport {
        checked,
        added: requests.len(),
        entries,
    })
}

/// Removes one entry unless the lockout guard says it would lock out the key
/// in use. Answers the key's list after.
pub async fn delete_access_entry(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    key_id: &str,
    entry: &str,
    acknowledged: bool,
) -> Result<Vec<AccessListEntry>, CoreError> {
    ids(&[(org_id, "an organization"), (key_id, "an API key")])?;
    let entry = &rules::canonical_entry(entry)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::EntryRemoved {
            credential: Credential::Key(key_id),
            entry,
            through_project: None,
        },
        Acknowledgement::warning_if(acknowledged),
    )
    .await?;
    client.delete_access_entry(org_id, key_id, entry).await?;
    tracing::info!(key = %key_id, %entry, "access-list entry removed");
    Ok(client.list_access_list(org_id, key_id).await?)
}

/// Turns "Require IP Access List for the Atlas Administration API" on or
/// off. Refuses to turn it on while it would lock out the key in use, and to
/// turn it off unless `acknowledged` names every key and service account
/// that would then be usable from any address (ids and client ids, as
/// [`super::lockout::check_lift_access_list_requirement`] lists them): none is
/// opened unseen.
pub async fn set_access_list_requirement(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    required: bool,
    acknowledged: &[String],
) -> Result<OrgSettings, CoreError> {
    ids(&[(org_id, "an organization")])?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::Requirement { on: required },
        Acknowledgement::Credentials(acknowledged),
    )
    .await?;
    let settings = client
        .set_api_access_list_required(org_id, required)
        .await?;
    tracing::info!(org = %org_id, required, "organization access-list requirement changed");
    Ok(settings)
}

/// What the Create API Key dialog sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewOrgKeyInput {
    pub desc: String,
    pub roles: Vec<String>,
    /// Entries as typed or pasted; may be empty.
    pub access_list: String,
    pub projects: Vec<ProjectRoles>,
}

/// Checks every part of a new key before anything is sent, then creates it
/// with its access list and project invitations, one result per step.
pub async fn create_org_key(
    client: &AtlasClient,
    org_id: &str,
    input: &NewOrgKeyInput,
) -> Result<NewOrgKeyOutcome, CoreError> {
    ids(&[(org_id, "an organization")])?;
    for project in &input.projects {
        ids(&[(&project.project_id, "a project")])?;
    }
    let mut projects = Vec::with_capacity(input.projects.len());
    for project in &input.projects {
        projects.push(ProjectRoles {
            roles: rules::roles(&project.roles, RoleScope::Project)?,
            project_id: project.project_id.clone(),
        });
    }
    let plan = NewOrgKey {
        desc: rules::description(&input.desc)?,
        roles: rules::roles(&input.roles, RoleScope::Organization)?,
        access_list: rules::all_valid_entries(&input.access_list)?,
        projects,
    };
    let outcome = usecases::create_org_key_with_setup(client, org_id, &plan).await?;
    tracing::info!(key = %outcome.created.key.public_key, "organization key created");
    Ok(outcome)
}

/// Creates a project key (Atlas makes it an Organization Member too). It has
/// no access list yet, so it can do nothing until one is added.
pub async fn create_project_key(
    client: &AtlasClient,
    org_id: &str,
    project_id: &str,
    desc: &str,
    roles: &[String],
) -> Result<CreatedApiKey, CoreError> {
    ids(&[(org_id, "an organization"), (project_id, "a project")])?;
    let desc = rules::description(desc)?;
    let roles = rules::roles(roles, RoleScope::Project)?;
    let created = client
        .create_project_key(org_id, project_id, &desc, &roles)
        .await?;
    tracing::info!(key = %created.key.public_key, project = %project_id, "project key created");
    Ok(created)
}

/// Lets a change to `key_id`'s roles in a project, or its leaving one,
/// through the gate (`what` says which).
pub(crate) async fn guard_key_in_project(
    client: &AtlasClient,
    caller: &Caller,
    key_id: &str,
    what: &str,
) -> Result<(), CoreError> {
    let effect = Effect::ProjectRoles {
        credential: Credential::Key(key_id),
        what,
    };
    // Judged from the caller's own roles: no organization is read.
    gate::pass(client, caller, "", effect, Acknowledgement::Nothing).await
}

/// As [`guard_key_in_project`], for service account `client_id`.
pub(crate) async fn guard_account_in_project(
    client: &AtlasClient,
    caller: &Caller,
    client_id: &str,
    what: &str,
) -> Result<(), CoreError> {
    let effect = Effect::ProjectRoles {
        credential: Credential::Account(client_id),
        what,
    };
    // Judged from the caller's own roles: no organization is read.
    gate::pass(client, caller, "", effect, Acknowledgement::Nothing).await
}

/// Gives an organization key roles in a project ("Invite to Project");
/// answers the key as it is after, with every role it has.
pub async fn invite_key_to_project(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    project_id: &str,
    key_id: &str,
    roles: &[String],
) -> Result<ApiKey, CoreError> {
    ids(&[
        (org_id, "an organization"),
        (project_id, "a project"),
        (key_id, "an API key"),
    ])?;
    let roles = rules::roles(roles, RoleScope::Project)?;
    guard_key_in_project(client, caller, key_id, "setting its project roles").await?;
    client
        .invite_key_to_project(project_id, key_id, &roles)
        .await?;
    tracing::info!(project = %project_id, key = %key_id, "key invited to project");
    Ok(client.get_org_key(org_id, key_id).await?)
}

/// Changes a key's roles in one project; answers the key as it is after.
pub async fn update_project_roles(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    project_id: &str,
    key_id: &str,
    roles: &[String],
) -> Result<ApiKey, CoreError> {
    ids(&[
        (org_id, "an organization"),
        (project_id, "a project"),
        (key_id, "an API key"),
    ])?;
    let roles = rules::roles(roles, RoleScope::Project)?;
    guard_key_in_project(client, caller, key_id, "changing its project roles").await?;
    client
        .update_project_key_roles(project_id, key_id, &roles)
        .await?;
    Ok(client.get_org_key(org_id, key_id).await?)
}

/// Takes a key out of a project; answers the key as it is after.
pub async fn remove_key_from_project(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    project_id: &str,
    key_id: &str,
) -> Result<ApiKey, CoreError> {
    ids(&[
        (org_id, "an organization"),
        (project_id, "a project"),
        (key_id, "an API key"),
    ])?;
    guard_key_in_project(client, caller, key_id, "removing it from the project").await?;
    client.remove_key_from_project(project_id, key_id).await?;
    tracing::info!(project = %project_id, key = %key_id, "key removed from project");
    Ok(client.get_org_key(org_id, key_id).await?)
}

/// What inviting one key to many projects did: a result per project, and
/// the key as it is after.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BulkInviteReport {
    pub results: Vec<ProjectOutcome>,
    pub key: ApiKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOutcome {
    pub project_id: String,
    pub outcome: StepOutcome,
}

/// Invites one key to many projects with the same roles; projects where it
/// already has them are skipped, so running it again finishes the job.
pub async fn invite_to_projects(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    key_id: &str,
    project_ids: &[String],
    roles: &[String],
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<BulkInviteReport, CoreError> {
    ids(&[(org_id, "an organization"), (key_id, "an API key")])?;
    guard_key_in_project(client, caller, key_id, "setting its project roles").await?;
    let results = bulk_invite(
        client,
        org_id,
        Invitee::Key(key_id),
        project_ids,
        roles,
        on_progress,
    )
    .await?;
    let key = client.get_org_key(org_id, key_id).await?;
    Ok(BulkInviteReport { results, key })
}

/// What inviting one service account to many projects did: a result per
/// project, and the account's projects after.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountBulkInviteReport {
    pub results: Vec<ProjectOutcome>,
    pub projects: Vec<ServiceAccountProject>,
}

/// Invites one organization service account to many projects with the same
/// roles, as [`invite_to_projects`] does a key.
pub async fn invite_service_account_to_projects(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    client_id: &str,
    project_ids: &[String],
    roles: &[String],
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<ServiceAccountBulkInviteReport, CoreError> {
    ids(&[(org_id, "an organization")])?;
    rules::client_id(client_id)?;
    guard_account_in_project(client, caller, client_id, "setting its project roles").await?;
    let results = bulk_invite(
        client,
        org_id,
        Invitee::ServiceAccount(client_id),
        project_ids,
        roles,
        on_progress,
    )
    .await?;
    let projects = client
        .list_service_account_projects(org_id, client_id)
        .await?;
    Ok(ServiceAccountBulkInviteReport { results, projects })
}

/// The checks and the invitations both bulk invites share.
async fn bulk_invite(
    client: &AtlasClient,
    org_id: &str,
    invitee: Invitee<'_>,
    project_ids: &[String],
    roles: &[String],
    on_progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Vec<ProjectOutcome>, CoreError> {
    for project_id in project_ids {
        ids(&[(project_id, "a project")])?;
    }
    if project_ids.is_empty() {
        return Err(CoreError::invalid("Choose at least one project."));
    }
    let roles = rules::roles(roles, RoleScope::Project)?;
    let results = usecases::invite_to_projects(
        client,
        org_id,
        invitee,
        project_ids,
        &roles,
        INVITE_CONCURRENCY,
        on_progress,
    )
    .await?;
    Ok(results
        .into_iter()
        .map(|(project_id, outcome)| ProjectOutcome {
            project_id,
            outcome,
        })
        .collect())
}

// ---------- service accounts ----------

/// Removes an entry from a service account's access list; answers the list
/// after. When the account is the connection's own, refuses to remove what
/// lets this computer in, or the last entry where the organization requires
/// a list; the last entry of any account goes only once `acknowledged`.
///
/// Through `through_project` (a project the account is in), a Project Owner
/// may do it for an account whose access is that project alone; without
/// one, it goes through the organization (Organization Owner).
pub async fn delete_service_account_entry(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    through_project: Option<&str>,
    client_id: &str,
    entry: &str,
    acknowledged: bool,
) -> Result<Vec<ServiceAccountEntry>, CoreError> {
    ids(&[(org_id, "an organization")])?;
    if let Some(project_id) = through_project {
        ids(&[(project_id, "a project")])?;
    }
    rules::client_id(client_id)?;
    let entry = rules::canonical_entry(entry)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::EntryRemoved {
            credential: Credential::Account(client_id),
            entry: &entry,
            through_project,
        },
        Acknowledgement::warning_if(acknowledged),
    )
    .await?;
    let scope = AccountScope::new(org_id, through_project);
    client
        .delete_service_account_entry(scope, client_id, &entry)
        .await?;
    tracing::info!(
        client_id,
        entry,
        "service account access-list entry removed"
    );
    Ok(client
        .list_service_account_access_list(scope, client_id)
        .await?)
}

/// Deletes a secret; answers the account after. Refuses to delete the
/// secret this connection signs in with.
pub async fn delete_service_account_secret(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    client_id: &str,
    secret_id: &str,
) -> Result<ServiceAccount, CoreError> {
    ids(&[(org_id, "an organization"), (secret_id, "a secret")])?;
    rules::client_id(client_id)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::SecretDeleted {
            client_id,
            secret_id,
        },
        Acknowledgement::Nothing,
    )
    .await?;
    client
        .delete_service_account_secret(org_id, client_id, secret_id)
        .await?;
    tracing::info!(client_id, "service account secret deleted");
    Ok(client.get_org_service_account(org_id, client_id).await?)
}

/// A rotation's first half: the new secret (its value shown once) and every
/// other secret as Atlas cut it, ending within seven days.
#[derive(Debug)]
pub struct Rotation {
    pub new_secret: crate::atlas::CreatedSecret,
    pub others: Vec<crate::atlas::ServiceAccountSecret>,
}

/// Starts rotating a service account's secret: adds a second secret and
/// reports when each other one now ends. The old one is deleted later, with
/// [`delete_service_account_secret`], once the systems that use it have the
/// new one. Refused while the account already has two secrets.
pub async fn rotate_service_account_secret(
    client: &AtlasClient,
    org_id: &str,
    client_id: &str,
    expires_after_hours: u32,
) -> Result<Rotation, CoreError> {
    ids(&[(org_id, "an organization")])?;
    rules::client_id(client_id)?;
    rules::secret_lifetime(expires_after_hours, max_secret_hours(client, org_id).await?)?;
    let account = client.get_org_service_account(org_id, client_id).await?;
    if account.secrets.len() >= 2 {
        return Err(CoreError::invalid(format!(
            "{} already has two secrets, the most Atlas allows: delete the one no longer in use (an expired one first), then rotate.",
            account.name
        )));
    }
    let new_secret = client
        .create_service_account_secret(org_id, client_id, expires_after_hours)
        .await?;
    let others = client
        .get_org_service_account(org_id, client_id)
        .await?
        .secrets
        .into_iter()
        .filter(|secret| secret.id != new_secret.secret.id)
        .collect();
    tracing::info!(client_id, "service account secret rotation started");
    Ok(Rotation { new_secret, others })
}

/// The longest a new secret may last in this organization, in hours (a
/// year where Atlas does not say).
async fn max_secret_hours(client: &AtlasClient, org_id: &str) -> Result<i64, CoreError> {
    Ok(client
        .org_settings(org_id)
        .await?
        .max_service_account_secret_validity_in_hours
        .unwrap_or(DEFAULT_MAX_SECRET_HOURS))
}

/// Sets the longest a new service-account secret may last in this
/// organization: 8 hours to 365 days.
pub async fn set_max_secret_lifetime(
    client: &AtlasClient,
    org_id: &str,
    hours: u32,
) -> Result<OrgSettings, CoreError> {
    ids(&[(org_id, "an organization")])?;
    if !(8..=8760).contains(&hours) {
        return Err(CoreError::invalid(format!(
            "The maximum secret lifetime is 8 hours to 365 days (8760 hours); {hours} hours was asked."
        )));
    }
    let settings = client.set_max_secret_validity(org_id, hours).await?;
    tracing::info!(org = %org_id, hours, "maximum service-account secret lifetime changed");
    Ok(settings)
}

/// Atlas's maximum secret lifetime when the organization sets none: a year.
pub const DEFAULT_MAX_SECRET_HOURS: i64 = 8760;

/// What the Create Service Account dialog sends.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewServiceAccountInput {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub secret_expires_after_hours: u32,
    /// Entries as typed or pasted; may be empty.
    pub access_list: String,
    pub projects: Vec<ProjectRoles>,
}

/// Checks every part of a new service account before anything is sent,
/// then creates it with its access list and project invitations, one result
/// per step.
pub async fn create_service_account(
    client: &AtlasClient,
    org_id: &str,
    input: &NewServiceAccountInput,
) -> Result<NewServiceAccountOutcome, CoreError> {
    ids(&[(org_id, "an organization")])?;
    let mut projects = Vec::with_capacity(input.projects.len());
    for project in &input.projects {
        ids(&[(&project.project_id, "a project")])?;
        projects.push(ProjectRoles {
            roles: rules::roles(&project.roles, RoleScope::Project)?,
            project_id: project.project_id.clone(),
        });
    }
    let plan = NewServiceAccountPlan {
        name: rules::service_account_text(&input.name, "name", rules::SERVICE_ACCOUNT_NAME_MAX)?,
        description: rules::service_account_text(
            &input.description,
            "description",
            rules::SERVICE_ACCOUNT_DESCRIPTION_MAX,
        )?,
        roles: rules::roles(&input.roles, RoleScope::Organization)?,
        secret_expires_after_hours: input.secret_expires_after_hours,
        access_list: rules::all_valid_entries(&input.access_list)?,
        projects,
    };
    rules::secret_lifetime(
        plan.secret_expires_after_hours,
        max_secret_hours(client, org_id).await?,
    )?;
    let outcome = usecases::create_service_account_with_setup(client, org_id, &plan).await?;
    tracing::info!(client_id = %outcome.created.account.client_id, "service account created");
    Ok(outcome)
}

/// Creates a service account inside one project, with project roles.
pub async fn create_project_service_account(
    client: &AtlasClient,
    org_id: &str,
    project_id: &str,
    account: &NewServiceAccount,
) -> Result<CreatedServiceAccount, CoreError> {
    ids(&[(org_id, "an organization"), (project_id, "a project")])?;
    let account = NewServiceAccount {
        name: rules::service_account_text(&account.name, "name", rules::SERVICE_ACCOUNT_NAME_MAX)?,
        description: rules::service_account_text(
            &account.description,
            "description",
            rules::SERVICE_ACCOUNT_DESCRIPTION_MAX,
        )?,
        roles: rules::roles(&account.roles, RoleScope::Project)?,
        secret_expires_after_hours: rules::secret_lifetime(
            account.secret_expires_after_hours,
            max_secret_hours(client, org_id).await?,
        )?,
    };
    let created = client
        .create_project_service_account(org_id, project_id, &account)
        .await?;
    tracing::info!(client_id = %created.account.client_id, project = %project_id, "project service account created");
    Ok(created)
}

/// Changes a service account's name, description and organization roles.
/// The connection's own account cannot take Organization Owner from itself.
pub async fn update_service_account(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    client_id: &str,
    name: &str,
    description: &str,
    roles: &[String],
) -> Result<ServiceAccount, CoreError> {
    ids(&[(org_id, "an organization")])?;
    rules::client_id(client_id)?;
    let name = rules::service_account_text(name, "name", rules::SERVICE_ACCOUNT_NAME_MAX)?;
    let description = rules::service_account_text(
        description,
        "description",
        rules::SERVICE_ACCOUNT_DESCRIPTION_MAX,
    )?;
    let roles = rules::roles(roles, RoleScope::Organization)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::OrgRoles {
            credential: Credential::Account(client_id),
            roles: &roles,
        },
        Acknowledgement::Nothing,
    )
    .await?;
    let account = client
        .update_org_service_account(
            org_id,
            client_id,
            Some(&name),
            Some(&description),
            Some(&roles),
        )
        .await?;
    tracing::info!(client_id, "service account updated");
    Ok(account)
}

/// Deletes a service account, unless it is the one this connection signs
/// in as.
pub async fn delete_service_account(
    client: &AtlasClient,
    caller: &Caller,
    org_id: &str,
    client_id: &str,
) -> Result<(), CoreError> {
    ids(&[(org_id, "an organization")])?;
    rules::client_id(client_id)?;
    gate::pass(
        client,
        caller,
        org_id,
        Effect::Deleted {
            credential: Credential::Account(client_id),
        },
        Acknowledgement::Nothing,
    )
    .await?;
    client.delete_org_service_account(org_id, client_id).await?;
    tracing::info!(client_id, "service account deleted");
    Ok(())
}

/// What adding entries to a service account's access list did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddServiceAccountEntriesReport {
    pub checked: Vec<CheckedEntry>,
    /// How many entries were sent.
    pub added: usize,
    pub entries: Vec<ServiceAccountEntry>,
}

/// Adds the valid lines of `text` to a service account's access list; the
/// invalid ones are reported, not sent. Two requests, as for a key.
/// Through `through_project`, as [`delete_service_account_entry`].
pub async fn add_service_account_entries(
    client: &AtlasClient,
    org_id: &str,
    through_project: Option<&str>,
    client_id: &str,
    text: &str,
) -> Result<AddServiceAccountEntriesReport, CoreError> {
    ids(&[(org_id, "an organization")])?;
    if let Some(project_id) = through_project {
        ids(&[(project_id, "a project")])?;
    }
    rules::client_id(client_id)?;
    let scope = AccountScope::new(org_id, through_project);
    let existing = client
        .list_service_account_access_list(scope, client_id)
        .await?;
    let as_key_entries: Vec<AccessListEntry> = existing
        .iter()
        .map(ServiceAccountEntry::as_key_entry)
        .collect();
    let checked = access_list::check(text, &as_key_entries);
    if checked.is_empty() {
        return Err(CoreError::invalid(
            "Enter an IP address or a CIDR block, such as 203.0.113.10 or 192.0.2.0/24.",
        ));
    }
    let requests = access_list::requests(&checked);
    if requests.is_empty() {
        return Ok(AddServiceAccountEntriesReport {
            checked,
            added: 0,
            entries: existing,
        });
    }
    let entries = client
        .add_service_account_entries(scope, client_id, &requests)
        .await?;
    tracing::info!(
        client_id,
        added = requests.len(),
        "service account access-list entries added"
    );
    Ok(AddServiceAccountEntriesReport {
        checked,
        added: requests.len(),
        entries,
    })
}

/// Gives an organization service account these roles in a project (a first
/// invitation or a change of roles); answers the account as the project
/// sees it.
pub async fn set_service_account_project_roles(
    client: &AtlasClient,
    caller: &Caller,
    project_id: &str,
    client_id: &str,
    roles: &[String],
) -> Result<ServiceAccount, CoreError> {
    ids(&[(project_id, "a project")])?;
    rules::client_id(client_id)?;
    let roles = rules::roles(roles, RoleScope::Project)?;
    guard_account_in_project(client, caller, client_id, "setting its project roles").await?;
    // An account in the project has its roles changed (Project Owner may);
    // one that is not is invited (Organization Owner only).
    let account = match client
        .update_project_service_account_roles(project_id, client_id, &roles)
        .await
    {
        // Not found in the project (Atlas's code for it is not documented).
        Err(crate::atlas::AtlasError::Api { status: 404, .. }) => {
            client
                .invite_service_account_to_project(project_id, client_id, &roles)
                .await?
        }
        answer => answer?,
    };
    tracing::info!(client_id, project = %project_id, "service account project roles set");
    Ok(account)
}

/// Takes a service account out of a project; it stays in the organization.
/// The connection's own account takes itself out only as an Organization
/// Owner, which keeps its access to every project.
pub async fn remove_service_account_from_project(
    client: &AtlasClient,
    caller: &Caller,
    project_id: &str,
    client_id: &str,
) -> Result<(), CoreError> {
    ids(&[(project_id, "a project")])?;
    rules::client_id(client_id)?;
    guard_account_in_project(client, caller, client_id, "removing it from the project").await?;
    client
        .remove_service_account_from_project(project_id, client_id)
        .await?;
    tracing::info!(client_id, project = %project_id, "service account removed from project");
    Ok(())
}
