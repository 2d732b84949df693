//! Access review: findings from what the page has already read, with the
//! thresholds kept with the open connection; and the review of every
//! organization the connection sees, which reads them itself.

use atlas_access_core::access::usecases::INVENTORY_CONCURRENCY;
use atlas_access_core::audit::every_org::{self, OrgReview};
use atlas_access_core::audit::export::ExportFormat;
use atlas_access_core::audit::review::{ReviewInput, ReviewReport, ReviewSettings, review_now};
use serde::Deserialize;
use ts_rs::TS;

use super::export::{ExportReport, cancelled, choose, write};
use super::progress_sender;
use crate::CommandError;
use crate::ipc::{Ctx, NoArgs, ProgressChannel};

/// Review every organization the open connection sees.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewEveryOrg {
    /// Where the progress goes (organizations done): a channel the page made.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

/// The reviews of every organization, as a file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportEveryOrgReview {
    pub reviews: Vec<OrgReview>,
    pub format: ExportFormat,
}

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

/// Reads and reviews every organization the connection sees, one after
/// another, each as the review screen reads one; [`stop_every_org_run`]
/// stops it.
pub async fn review_every_org(
    ctx: &Ctx<'_>,
    args: ReviewEveryOrg,
) -> Result<Vec<OrgReview>, CommandError> {
    let (stop, session, orgs) = ctx.state.start_run_over_every_org().await?;
    let settings = ctx
        .state
        .profiles
        .review_settings(&session.profile.id)
        .await?;
    Ok(every_org::review_every_org(
        &session.client,
        &orgs,
        &settings,
        INVENTORY_CONCURRENCY,
        &stop,
        &progress_sender(ctx, args.progress.as_ref()),
    )
    .await)
}

/// Stops the run over every organization under way (the review, or the
/// inventory export), if one is.
pub async fn stop_every_org_run(ctx: &Ctx<'_>, _: NoArgs) -> Result<(), CommandError> {
    ctx.state.stop_runs();
    Ok(())
}

pub async fn export_every_org_review(
    ctx: &Ctx<'_>,
    args: ExportEveryOrgReview,
) -> Result<ExportReport, CommandError> {
    ctx.state.session().await?;
    let Some(path) = choose(ctx, "atlas-access-review-every-organization", args.format).await
    else {
        return Ok(cancelled());
    };
    write(
        path,
        every_org::every_org_review_file(&args.reviews, args.format)?,
    )
}
