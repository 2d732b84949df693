//! Organization Settings: "Require IP Access List for the Atlas
//! Administration API", guarded against locking out the key in use; and
//! delegated access, widened only once confirmed.

use atlas_access_core::access::delegation::{self, DelegationChange, DelegationCheck, Widening};
use atlas_access_core::access::edits;
use atlas_access_core::access::lockout::{self, LiftCheck, LockoutCheck};
use atlas_access_core::access::reads;
use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::atlas::{DelegationSettings, OrgSettings};
use serde::Deserialize;
use ts_rs::TS;

use super::OrgRef;
use crate::CommandError;
use crate::ipc::Ctx;

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetRequirement {
    pub org_id: AtlasId,
    pub required: bool,
    /// Turning it off: the ids and client ids of the credentials the person
    /// saw would be opened (`check_lift_access_list`).
    pub acknowledged: Vec<String>,
}

pub async fn org_settings(ctx: &Ctx<'_>, args: OrgRef) -> Result<OrgSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::org_settings(&session.client, &args.org_id).await?)
}

/// Which keys turning the requirement on would lock out.
pub async fn check_require_access_list(
    ctx: &Ctx<'_>,
    args: OrgRef,
) -> Result<LockoutCheck, CommandError> {
    let session = ctx.state.session().await?;
    Ok(lockout::check_require_access_list(&session.client, &session.caller, &args.org_id).await?)
}

/// Which keys and service accounts turning the requirement off would let in
/// from any address.
pub async fn check_lift_access_list(
    ctx: &Ctx<'_>,
    args: OrgRef,
) -> Result<LiftCheck, CommandError> {
    let session = ctx.state.session().await?;
    Ok(lockout::check_lift_access_list_requirement(&session.client, &args.org_id).await?)
}

pub async fn set_require_access_list(
    ctx: &Ctx<'_>,
    args: SetRequirement,
) -> Result<OrgSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::set_access_list_requirement(
        &session.client,
        &session.caller,
        &args.org_id,
        args.required,
        &args.acknowledged,
    )
    .await?)
}

/// A change of the delegated-access settings.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DelegationChangeRequest {
    pub org_id: AtlasId,
    pub change: DelegationChange,
    /// The widenings the person saw and confirmed
    /// (`check_delegation_change`); empty when it widens nothing.
    pub acknowledged: Vec<Widening>,
}

pub async fn delegation_settings(
    ctx: &Ctx<'_>,
    args: OrgRef,
) -> Result<DelegationSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(delegation::delegation_settings(&session.client, &args.org_id).await?)
}

/// What a change would widen, in words, before it is made.
pub async fn check_delegation_change(
    ctx: &Ctx<'_>,
    args: DelegationChangeRequest,
) -> Result<DelegationCheck, CommandError> {
    let session = ctx.state.session().await?;
    Ok(delegation::check_delegation_change(&session.client, &args.org_id, &args.change).await?)
}

pub async fn set_delegation_settings(
    ctx: &Ctx<'_>,
    args: DelegationChangeRequest,
) -> Result<DelegationSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(delegation::change_delegation(
        &session.client,
        &args.org_id,
        &args.change,
        &args.acknowledged,
    )
    .await?)
}
