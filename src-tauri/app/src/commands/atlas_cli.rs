//! "Save to an Atlas CLI profile" in a one-time dialog: the secret Rust holds
//! for the dialog goes straight into the Atlas CLI's profile, never through
//! the page or the clipboard.

use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::credentials::atlas_cli::{
    self, CliProfileChoices, CliSaveMode, CliTarget, SavedToCli,
};
use atlas_access_core::credentials::profiles::ConnectionKind;
use serde::Deserialize;
use ts_rs::TS;

use super::connections::atlas_cli_config;
use crate::CommandError;
use crate::ipc::Ctx;

/// The credential a one-time dialog shows.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CliProfilesRequest {
    /// The public key or client id.
    pub identity: String,
    /// After a rotation, the public key it replaces: the profiles that
    /// used it are offered too.
    #[ts(optional)]
    #[serde(default)]
    pub replaces: Option<String>,
    /// Its description or name, for a new profile's name.
    pub description: String,
}

/// Save the secret held for a one-time dialog to an Atlas CLI profile.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveToAtlasCli {
    /// The id the dialog's secret is held under (a key id or a secret id).
    pub held_id: AtlasId,
    pub kind: ConnectionKind,
    pub identity: String,
    pub org_id: AtlasId,
    pub profile: String,
    pub mode: CliSaveMode,
}

fn config_path() -> Result<std::path::PathBuf, CommandError> {
    atlas_cli_config().ok_or_else(|| CommandError::internal("This system has no config directory."))
}

pub async fn atlas_cli_profiles(
    _: &Ctx<'_>,
    args: CliProfilesRequest,
) -> Result<CliProfileChoices, CommandError> {
    let mut identities = vec![args.identity.as_str()];
    identities.extend(args.replaces.as_deref());
    Ok(atlas_cli::choices(&config_path()?, &identities, &args.description).await?)
}

pub async fn save_to_atlas_cli(
    ctx: &Ctx<'_>,
    args: SaveToAtlasCli,
) -> Result<SavedToCli, CommandError> {
    let session = ctx.state.session().await?;
    let secret = ctx.state.one_time.with(&args.held_id, Clone::clone)?;
    let target = CliTarget {
        profile: args.profile,
        kind: args.kind,
        identity: args.identity,
        org_id: args.org_id.to_string(),
        base_url: session.profile.base_url.clone(),
    };
    Ok(atlas_cli::save(&config_path()?, &target, &secret, args.mode).await?)
}
