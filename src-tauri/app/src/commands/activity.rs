//! Activity: the organization's access-related events, a page at a time.

use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::audit::activity::{ActivityFilter, ActivityPage, activity_page};
use serde::Deserialize;
use ts_rs::TS;

use crate::CommandError;
use crate::ipc::Ctx;

/// Which page of which organization's activity, filtered how.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActivityRequest {
    pub org_id: AtlasId,
    pub filter: ActivityFilter,
    /// Atlas's page, from 1: the `nextPage` of the page before.
    pub page: u32,
}

pub async fn load_activity(
    ctx: &Ctx<'_>,
    args: ActivityRequest,
) -> Result<ActivityPage, CommandError> {
    let session = ctx.state.session().await?;
    Ok(activity_page(&session.client, &args.org_id, &args.filter, args.page).await?)
}
