//! Export: the file is chosen in the system's save dialog and written here;
//! the page gets no file-system access.

use std::path::PathBuf;

use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::access::usecases::INVENTORY_CONCURRENCY;
use atlas_access_core::audit::activity::ActivityFilter;
use atlas_access_core::audit::export::{self, Export, ExportFormat};
use atlas_access_core::audit::review::{ReviewInput, review_now};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::progress_sender;
use crate::CommandError;
use crate::ipc::{Ctx, ProgressChannel};

/// The organization's credentials as a file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportInventory {
    pub org_id: AtlasId,
    pub format: ExportFormat,
    /// Where the progress goes: a channel the page made for this call.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

/// Every organization's credentials as a file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportEveryInventory {
    pub format: ExportFormat,
    /// Where the progress goes (organizations done): a channel the page made.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

/// The activity the screen shows (its filter, and the Atlas pages read).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportActivity {
    pub org_id: AtlasId,
    pub filter: ActivityFilter,
    pub pages: u32,
    pub format: ExportFormat,
}

/// The review's findings about these credentials.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReview {
    pub input: ReviewInput,
    pub format: ExportFormat,
}

/// Where the file went and what it holds; no path when the dialog was
/// cancelled or the run stopped (`stopped`: nothing was written).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub rows: u32,
    pub stopped: bool,
}

pub(crate) async fn choose(ctx: &Ctx<'_>, name: &str, format: ExportFormat) -> Option<PathBuf> {
    let extension = format.extension();
    ctx.host
        .choose_save_path(&format!("{name}.{extension}"), extension)
        .await
        .ok()
        .flatten()
}

pub(crate) fn write(path: PathBuf, export: Export) -> Result<ExportReport, CommandError> {
    write_private(&path, &export.bytes).map_err(|error| {
        CommandError::internal(format!(
            "The export could not be written to {}: {error}",
            path.display()
        ))
    })?;
    tracing::info!(path = %path.display(), rows = export.rows, "exported");
    Ok(ExportReport {
        path: Some(path.display().to_string()),
        rows: u32::try_from(export.rows).unwrap_or(u32::MAX),
        stopped: false,
    })
}

/// Writes `bytes` to a file only its user may read (0600 on Unix), a file
/// it replaces included: an inventory maps who can reach the organization
/// from where. On Windows the file takes its folder's ACL.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The save dialog was cancelled: no file.
pub(crate) fn cancelled() -> ExportReport {
    ExportReport {
        path: None,
        rows: 0,
        stopped: false,
    }
}

pub async fn export_inventory(
    ctx: &Ctx<'_>,
    args: ExportInventory,
) -> Result<ExportReport, CommandError> {
    let session = ctx.state.session().await?;
    let Some(path) = choose(ctx, "atlas-credentials", args.format).await else {
        return Ok(cancelled());
    };
    let organization = session
        .orgs
        .iter()
        .find(|org| org.id == *args.org_id)
        .map_or_else(|| args.org_id.to_string(), |org| org.name.clone());
    let export = export::export_credentials(
        &session.client,
        &args.org_id,
        &organization,
        args.format,
        INVENTORY_CONCURRENCY,
        &progress_sender(ctx, args.progress.as_ref()),
    )
    .await?;
    write(path, export)
}

/// Every organization the connection sees, read one after another, with
/// an Organization column.
pub async fn export_every_inventory(
    ctx: &Ctx<'_>,
    args: ExportEveryInventory,
) -> Result<ExportReport, CommandError> {
    let (stop, session, orgs) = ctx.state.start_run_over_every_org().await?;
    let Some(path) = choose(ctx, "atlas-credentials-every-organization", args.format).await else {
        return Ok(cancelled());
    };
    let export = export::export_every_org_credentials(
        &session.client,
        &orgs,
        args.format,
        INVENTORY_CONCURRENCY,
        &stop,
        &progress_sender(ctx, args.progress.as_ref()),
    )
    .await?;
    // Stopped: no half inventory, no file.
    export.map_or_else(
        || {
            Ok(ExportReport {
                stopped: true,
                ..cancelled()
            })
        },
        |export| write(path, export),
    )
}

pub async fn export_activity(
    ctx: &Ctx<'_>,
    args: ExportActivity,
) -> Result<ExportReport, CommandError> {
    let session = ctx.state.session().await?;
    let Some(path) = choose(ctx, "atlas-activity", args.format).await else {
        return Ok(cancelled());
    };
    let export = export::export_activity(
        &session.client,
        &args.org_id,
        &args.filter,
        args.pages,
        args.format,
    )
    .await?;
    write(path, export)
}

pub async fn export_review(
    ctx: &Ctx<'_>,
    args: ExportReview,
) -> Result<ExportReport, CommandError> {
    let session = ctx.state.session().await?;
    let settings = ctx
        .state
        .profiles
        .review_settings(&session.profile.id)
        .await?;
    let Some(path) = choose(ctx, "atlas-access-review", args.format).await else {
        return Ok(cancelled());
    };
    let report = review_now(&args.input, &settings);
    write(
        path,
        export::export_review(&args.input, &report, args.format)?,
    )
}
