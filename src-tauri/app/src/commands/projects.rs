//! Project Access Manager: a project's keys and their roles, inviting
//! organization keys (one project or many), project keys.

use atlas_access_core::access::edits::{self, BulkInviteReport};
use atlas_access_core::access::reads;
use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::access::usecases::StepOutcome;
use atlas_access_core::atlas::ApiKey;
use serde::Deserialize;
use ts_rs::TS;

use super::keys::{CreatedKeyView, ShownOnce};
use super::progress_sender;
use crate::CommandError;
use crate::ipc::{Ctx, ProgressChannel};

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRef {
    pub project_id: AtlasId,
}

/// A key in a project of an organization.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectKeyRef {
    pub org_id: AtlasId,
    pub project_id: AtlasId,
    pub key_id: AtlasId,
}

/// A key's roles in a project of an organization.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectKeyRoles {
    pub org_id: AtlasId,
    pub project_id: AtlasId,
    pub key_id: AtlasId,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewProjectKey {
    pub org_id: AtlasId,
    pub project_id: AtlasId,
    pub desc: String,
    pub roles: Vec<String>,
}

/// One key to many projects, with the same roles in each.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BulkInvite {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub project_ids: Vec<AtlasId>,
    pub roles: Vec<String>,
    /// Where the progress goes: a channel the page made for this call.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

pub async fn list_project_keys(
    ctx: &Ctx<'_>,
    args: ProjectRef,
) -> Result<Vec<ApiKey>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::project_keys(&session.client, &args.project_id).await?)
}

/// Gives an organization key roles in a project (Atlas's "Invite to Project").
pub async fn invite_key_to_project(
    ctx: &Ctx<'_>,
    args: ProjectKeyRoles,
) -> Result<ApiKey, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::invite_key_to_project(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.project_id,
        &args.key_id,
        &args.roles,
    )
    .await?)
}

pub async fn update_project_roles(
    ctx: &Ctx<'_>,
    args: ProjectKeyRoles,
) -> Result<ApiKey, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::update_project_roles(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.project_id,
        &args.key_id,
        &args.roles,
    )
    .await?)
}

pub async fn remove_key_from_project(
    ctx: &Ctx<'_>,
    args: ProjectKeyRef,
) -> Result<ApiKey, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::remove_key_from_project(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.project_id,
        &args.key_id,
    )
    .await?)
}

/// Creates a project key; its private key is shown once, like an
/// organization key's. It has no access list yet: the UI goes there next.
pub async fn create_project_key(
    ctx: &Ctx<'_>,
    args: NewProjectKey,
) -> Result<CreatedKeyView, CommandError> {
    let session = ctx.state.session().await?;
    let created = edits::create_project_key(
        &session.client,
        &args.org_id,
        &args.project_id,
        &args.desc,
        &args.roles,
    )
    .await?;
    let private_key = ShownOnce::new(&created.private_key);
    ctx.state
        .one_time
        .keep(&created.key.id, created.private_key);
    Ok(CreatedKeyView {
        key: created.key,
        private_key,
        access_list: StepOutcome::Skipped,
        invitations: Vec::new(),
    })
}

/// Invites one key to many projects; progress goes out as `progress`
/// events (`invite`), and every project gets its own result.
pub async fn invite_to_projects(
    ctx: &Ctx<'_>,
    args: BulkInvite,
) -> Result<BulkInviteReport, CommandError> {
    let session = ctx.state.session().await?;
    let progress = progress_sender(ctx, args.progress.as_ref());
    Ok(edits::invite_to_projects(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.key_id,
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
