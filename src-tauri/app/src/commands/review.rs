//! Access review: findings from what the page has already read, with the
//! thresholds kept with the open connection.

use atlas_access_core::audit::review::{ReviewInput, ReviewReport, ReviewSettings, review_now};

use crate::CommandError;
use crate::ipc::{Ctx, NoArgs};

/// The open connection's review thresholds.
pub async fn review_settings(ctx: &Ctx<'_>, _: NoArgs) -> Result<ReviewSettings, CommandError> {
    let session = ctx.state.session().await?;
    Ok(ctx
        .state
        .profiles
        .review_settings(&session.profile.id)
        .await?)
}

/// Keeps the open connection's review thresholds; answers them as kept.
pub async fn set_review_settings(
    ctx: &Ctx<'_>,
    args: ReviewSettings,
) -> Result<ReviewSettings, CommandError> {
    let session = ctx.state.session().await?;
    ctx.state
        .profiles
        .set_review_settings(&session.profile.id, args)
        .await?;
    Ok(args)
}

/// The findings about these credentials, with the open connection's thresholds.
pub async fn review_access(ctx: &Ctx<'_>, args: ReviewInput) -> Result<ReviewReport, CommandError> {
    let session = ctx.state.session().await?;
    let settings = ctx
        .state
        .profiles
        .review_settings(&session.profile.id)
        .await?;
    Ok(review_now(&args, &settings))
}
