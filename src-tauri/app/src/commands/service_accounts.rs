//! Service accounts, in the organization and in projects: the inventory,
//! creating one (its client secret shown once), editing, secrets and their
//! rotation, access lists and project roles.

use atlas_access_core::access::edits::{
    self, AddServiceAccountEntriesReport, NewServiceAccountInput, ProjectOutcome,
    ServiceAccountBulkInviteReport,
};
use atlas_access_core::access::lockout::{self, LockoutCheck};
use atlas_access_core::access::reads;
use atlas_access_core::access::rotation;
use atlas_access_core::access::rules::{AtlasId, ClientId};
use atlas_access_core::access::usecases::{
    self, INVENTORY_CONCURRENCY, NewServiceAccountOutcome, ServiceAccountInventory,
    ServiceAccountParts, StepOutcome,
};
use atlas_access_core::atlas::{
    NewServiceAccount, OrgSettings, ServiceAccount, ServiceAccountEntry, ServiceAccountSecret,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::keys::{ShownOnce, copy_held_secret};
use super::projects::ProjectRef;
use super::{OrgRef, progress_sender};
use crate::CommandError;
use crate::ipc::{Ctx, ProgressChannel};

/// A service account of an organization.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountRef {
    pub org_id: AtlasId,
    pub client_id: ClientId,
}

/// The accounts whose access lists and projects to read, in this order.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountPartsRequest {
    pub org_id: AtlasId,
    pub client_ids: Vec<ClientId>,
    /// Where the progress goes: a channel the page made for this call.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewServiceAccountRequest {
    pub org_id: AtlasId,
    pub input: NewServiceAccountInput,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateServiceAccount {
    pub org_id: AtlasId,
    pub client_id: ClientId,
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
}

/// A new secret whose value is still held for its one-time dialog.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    pub secret_id: AtlasId,
}

/// One secret of a service account.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSecretRef {
    pub org_id: AtlasId,
    pub client_id: ClientId,
    pub secret_id: AtlasId,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotateSecret {
    pub org_id: AtlasId,
    pub client_id: ClientId,
    pub expires_after_hours: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddAccountEntries {
    pub org_id: AtlasId,
    /// The project the list is reached through, for a Project Owner;
    /// without one, through the organization.
    #[serde(default)]
    #[ts(optional)]
    pub project_id: Option<AtlasId>,
    pub client_id: ClientId,
    pub text: String,
}

/// One entry (an address or a CIDR block) of a service account's list.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntryRef {
    pub org_id: AtlasId,
    /// The project the list is reached through, for a Project Owner;
    /// without one, through the organization.
    #[serde(default)]
    #[ts(optional)]
    pub project_id: Option<AtlasId>,
    pub client_id: ClientId,
    pub entry: String,
}

/// A service account's roles in a project.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectAccountRoles {
    pub project_id: AtlasId,
    pub client_id: ClientId,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectAccountRef {
    pub project_id: AtlasId,
    pub client_id: ClientId,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewProjectServiceAccount {
    pub org_id: AtlasId,
    pub project_id: AtlasId,
    pub account: NewServiceAccount,
}

/// One service account to many projects, with the same roles in each.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BulkAccountInvite {
    pub org_id: AtlasId,
    pub client_id: ClientId,
    pub project_ids: Vec<AtlasId>,
    pub roles: Vec<String>,
    /// Where the progress goes: a channel the page made for this call.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetMaxSecretLifetime {
    pub org_id: AtlasId,
    pub hours: u32,
}

/// A new service account and its first secret, sent to the UI this once
/// for display. No `Debug`; the secret is zeroed when the view is dropped.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatedServiceAccountView {
    pub account: ServiceAccount,
    #[ts(type = "string")]
    pub secret: ShownOnce,
    /// The id under which the secret is held for Copy.
    pub secret_id: String,
    pub access_list: StepOutcome,
    pub invitations: Vec<ProjectOutcome>,
}

/// A rotation's new secret, shown this once, and when every other secret
/// of the account now ends.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationView {
    pub secret: ServiceAccountSecret,
    #[ts(type = "string")]
    pub value: ShownOnce,
    pub others: Vec<ServiceAccountSecret>,
}

/// The organization's service accounts with their secrets: what the table
/// needs to appear, in a request or two.
pub async fn load_service_account_list(
    ctx: &Ctx<'_>,
    args: OrgRef,
) -> Result<Vec<ServiceAccount>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::service_accounts(&session.client, &args.org_id).await?)
}

/// The access lists and projects of these accounts, read a few at a time in
/// the order given; progress goes out as `progress` events
/// (`serviceAccounts`).
pub async fn load_service_account_parts(
    ctx: &Ctx<'_>,
    args: AccountPartsRequest,
) -> Result<Vec<ServiceAccountParts>, CommandError> {
    let session = ctx.state.session().await?;
    let progress = progress_sender(ctx, args.progress.as_ref());
    let client_ids: Vec<String> = args.client_ids.into_iter().map(String::from).collect();
    Ok(usecases::load_service_account_parts(
        &session.client,
        &args.org_id,
        &client_ids,
        INVENTORY_CONCURRENCY,
        &progress,
    )
    .await)
}

/// One account as its row shows it, read again after an edit.
pub async fn get_service_account(
    ctx: &Ctx<'_>,
    args: AccountRef,
) -> Result<ServiceAccountInventory, CommandError> {
    let session = ctx.state.session().await?;
    Ok(usecases::load_service_account(&session.client, &args.org_id, &args.client_id).await?)
}

pub async fn create_service_account(
    ctx: &Ctx<'_>,
    args: NewServiceAccountRequest,
) -> Result<CreatedServiceAccountView, CommandError> {
    let session = ctx.state.session().await?;
    let outcome = edits::create_service_account(&session.client, &args.org_id, &args.input).await?;
    Ok(created_account_view(ctx, outcome))
}

/// A new account for the page: its secret held in Rust for the one-time
/// dialog, and each setup step's result.
fn created_account_view(
    ctx: &Ctx<'_>,
    outcome: NewServiceAccountOutcome,
) -> CreatedServiceAccountView {
    let created = outcome.created;
    CreatedServiceAccountView {
        secret: keep_secret(ctx, &created.account, created.secret),
        secret_id: first_secret_id(&created.account),
        account: created.account,
        access_list: outcome.access_list,
        invitations: outcome
            .invitations
            .into_iter()
            .map(|(project_id, outcome)| ProjectOutcome {
                project_id,
                outcome,
            })
            .collect(),
    }
}

/// An API key to move, and the lifetime of the new account's first secret.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveKey {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub secret_expires_after_hours: u32,
}

/// Moves an API key to a service account with its roles, projects and
/// access list; the old key stays until the user deletes it.
pub async fn move_key_to_service_account(
    ctx: &Ctx<'_>,
    args: MoveKey,
) -> Result<CreatedServiceAccountView, CommandError> {
    let session = ctx.state.session().await?;
    let outcome = rotation::move_to_service_account(
        &session.client,
        &args.org_id,
        &args.key_id,
        args.secret_expires_after_hours,
    )
    .await?;
    Ok(created_account_view(ctx, outcome))
}

/// Which move: the organization, the old key and the account it went to.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MoveRef {
    pub org_id: AtlasId,
    pub old_key_id: AtlasId,
    pub client_id: ClientId,
}

/// Resumes a move: gives the account what the old key has and it lacks.
pub async fn complete_move(
    ctx: &Ctx<'_>,
    args: MoveRef,
) -> Result<rotation::MoveSetup, CommandError> {
    let session = ctx.state.session().await?;
    let moved = rotation::MoveAccounts {
        old_key_id: args.old_key_id.to_string(),
        client_id: args.client_id.to_string(),
    };
    Ok(rotation::complete_move(&session.client, &session.caller, &args.org_id, &moved).await?)
}

pub async fn create_project_service_account(
    ctx: &Ctx<'_>,
    args: NewProjectServiceAccount,
) -> Result<CreatedServiceAccountView, CommandError> {
    let session = ctx.state.session().await?;
    let created = edits::create_project_service_account(
        &session.client,
        &args.org_id,
        &args.project_id,
        &args.account,
    )
    .await?;
    Ok(CreatedServiceAccountView {
        secret: keep_secret(ctx, &created.account, created.secret),
        secret_id: first_secret_id(&created.account),
        account: created.account,
        access_list: StepOutcome::Skipped,
        invitations: Vec::new(),
    })
}

fn first_secret_id(account: &ServiceAccount) -> String {
    account
        .secrets
        .first()
        .map(|secret| secret.id.clone())
        .unwrap_or_default()
}

/// Holds a new secret for its dialog's Copy; answers its one display.
fn keep_secret(
    ctx: &Ctx<'_>,
    account: &ServiceAccount,
    secret: secrecy::SecretString,
) -> ShownOnce {
    let shown = ShownOnce::new(&secret);
    ctx.state.one_time.keep(&first_secret_id(account), secret);
    shown
}

/// Copies a new secret through Rust, and clears the clipboard later if it
/// still holds it. Answers the seconds until then.
pub async fn copy_client_secret(ctx: &Ctx<'_>, args: SecretRef) -> Result<u32, CommandError> {
    copy_held_secret(ctx, args.secret_id)
}

/// The one-time dialog closed: the secret is dropped and zeroed.
pub async fn forget_client_secret(ctx: &Ctx<'_>, args: SecretRef) -> Result<(), CommandError> {
    ctx.state.one_time.forget(&args.secret_id);
    Ok(())
}

pub async fn update_service_account(
    ctx: &Ctx<'_>,
    args: UpdateServiceAccount,
) -> Result<ServiceAccount, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::update_service_account(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.client_id,
        &args.name,
        &args.description,
        &args.roles,
    )
    .await?)
}

pub async fn delete_service_account(ctx: &Ctx<'_>, args: AccountRef) -> Result<(), CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::delete_service_account(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.client_id,
    )
    .await?)
}

/// Adds a second secret (shown once) and reports the others' new expiry.
pub async fn rotate_service_account_secret(
    ctx: &Ctx<'_>,
    args: RotateSecret,
) -> Result<RotationView, CommandError> {
    let session = ctx.state.session().await?;
    let rotation = edits::rotate_service_account_secret(
        &session.client,
        &args.org_id,
        &args.client_id,
        args.expires_after_hours,
    )
    .await?;
    let value = ShownOnce::new(&rotation.new_secret.value);
    ctx.state
        .one_time
        .keep(&rotation.new_secret.secret.id, rotation.new_secret.value);
    Ok(RotationView {
        secret: rotation.new_secret.secret,
        value,
        others: rotation.others,
    })
}

pub async fn delete_service_account_secret(
    ctx: &Ctx<'_>,
    args: AccountSecretRef,
) -> Result<ServiceAccount, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::delete_service_account_secret(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.client_id,
        &args.secret_id,
    )
    .await?)
}

pub async fn add_service_account_entries(
    ctx: &Ctx<'_>,
    args: AddAccountEntries,
) -> Result<AddServiceAccountEntriesReport, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::add_service_account_entries(
        &session.client,
        &args.org_id,
        args.project_id.as_deref(),
        &args.client_id,
        &args.text,
    )
    .await?)
}

/// What removing an entry from an account's list would do: blocking for
/// the connection's own account, a warning for any account's last entry.
pub async fn check_service_account_entry_removal(
    ctx: &Ctx<'_>,
    args: AccountEntryRef,
) -> Result<LockoutCheck, CommandError> {
    let session = ctx.state.session().await?;
    Ok(lockout::check_service_account_entry_removal(
        &session.client,
        &args.org_id,
        args.project_id.as_deref(),
        &args.client_id,
        &args.entry,
    )
    .await?)
}

/// An entry to remove from an account's list, and whether the person
/// confirmed what its check warned of.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntryRemoval {
    pub org_id: AtlasId,
    /// The project the list is reached through, for a Project Owner;
    /// without one, through the organization.
    #[serde(default)]
    #[ts(optional)]
    pub project_id: Option<AtlasId>,
    pub client_id: ClientId,
    pub entry: String,
    pub acknowledged: bool,
}

pub async fn delete_service_account_entry(
    ctx: &Ctx<'_>,
    args: AccountEntryRemoval,
) -> Result<Vec<ServiceAccountEntry>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::delete_service_account_entry(
        &session.client,
        &session.caller,
        &args.org_id,
        args.project_id.as_deref(),
        &args.client_id,
        &args.entry,
        args.acknowledged,
    )
    .await?)
}

pub async fn list_project_service_accounts(
    ctx: &Ctx<'_>,
    args: ProjectRef,
) -> Result<Vec<ServiceAccount>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::project_service_accounts(&session.client, &args.project_id).await?)
}

/// Invites an organization service account to a project, or changes its
/// roles there.
pub async fn set_service_account_project_roles(
    ctx: &Ctx<'_>,
    args: ProjectAccountRoles,
) -> Result<ServiceAccount, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::set_service_account_project_roles(
        &session.client,
        &session.caller,
        &args.project_id,
        &args.client_id,
        &args.roles,
    )
    .await?)
}

pub async fn remove_service_account_from_project(
    ctx: &Ctx<'_>,
    args: ProjectAccountRef,
) -> Result<(), CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::remove_service_account_from_project(
        &session.client,
        &session.caller,
        &args.project_id,
        &args.client_id,
    )
    .await?)
}

/// Invites one account to many projects; progress goes out as `progress`
/// events (`invite`), and every project gets its own result.
pub async fn invite_service_account_to_projects(
    ctx: &Ctx<'_>,
    args: BulkAccountInvite,
) -> Result<ServiceAccountBulkInviteReport, CommandError> {
    let session = ctx.state.session().await?;
    let progress = progress_sender(ctx, args.progress.as_ref());
    Ok(edits::invite_service_account_to_projects(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.client_id,
        &args
            .project_ids
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
        &args.roles,
        &progress,
    )
    .await?)
}

pub async fn set_max_secret_lifetime(
    ctx: &Ctx<'_>,
    args: SetMaxSecretLifetime,
) -> Result<OrgSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::set_max_secret_lifetime(&session.client, &args.org_id, args.hours).await?)
}
