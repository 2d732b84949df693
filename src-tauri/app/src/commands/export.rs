//! Export: the file is chosen in the system's save dialog and written here;
//! the page gets no file-system access.

use std::path::PathBuf;

use atlas_access_core::activity::ActivityFilter;
use atlas_access_core::export::{self, Export, ExportFormat};
use atlas_access_core::review::{ReviewInput, review_now};
use atlas_access_core::rules::AtlasId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::progress_sender;
use crate::CommandError;
use crate::ipc::Ctx;

/// Access lists read at once while exporting, as for the inventory.
const CONCURRENCY: usize = 8;

/// The organization's credentials as a file.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportInventory {
    pub org_id: AtlasId,
    pub format: ExportFormat,
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

/// Where the file went and what it holds; no path when the dialog was cancelled.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub rows: u32,
}

async fn choose(ctx: &Ctx<'_>, name: &str, format: ExportFormat) -> Option<PathBuf> {
    let extension = format.extension();
    ctx.host
        .choose_save_path(&format!("{name}.{extension}"), extension)
        .await
        .ok()
        .flatten()
}

fn write(path: PathBuf, export: Export) -> Result<ExportReport, CommandError> {
    std::fs::write(&path, &export.bytes).map_err(|error| {
        CommandError::internal(format!(
            "The export could not be written to {}: {error}",
            path.display()
        ))
    })?;
    tracing::info!(path = %path.display(), rows = export.rows, "exported");
    Ok(ExportReport {
        path: Some(path.display().to_string()),
        rows: export.rows as u32,
    })
}

fn cancelled() -> ExportReport {
    ExportReport {
        path: None,
        rows: 0,
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
        CONCURRENCY,
        &progress_sender(ctx, "export"),
    )
    .await?;
    write(path, export)
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
    let settings = ctx.state.profiles.review_settings(&session.profile.id)?;
    let Some(path) = choose(ctx, "atlas-access-review", args.format).await else {
        return Ok(cancelled());
    };
    let report = review_now(&args.input, &settings);
    write(
        path,
        export::export_review(&args.input, &report, args.format)?,
    )
}
