//! The app's place on the desktop: light or dark, and the diagnostics a user
//! hands in with a problem.

use atlas_access_core::credentials::profiles::{Appearance, SANDBOX_PROFILE_ID};
use atlas_access_core::diagnostics::{self, ConnectionFacts, Facts};
use serde::Serialize;
use ts_rs::TS;

use crate::CommandError;
use crate::ipc::{Ctx, NoArgs};

/// The appearance chosen under About (System until chosen).
pub async fn appearance(ctx: &Ctx<'_>, _: NoArgs) -> Result<Appearance, CommandError> {
    Ok(ctx.state.profiles.appearance().await?)
}

/// Keeps the appearance and gives it to the window; answers it as kept.
pub async fn set_appearance(
    ctx: &Ctx<'_>,
    appearance: Appearance,
) -> Result<Appearance, CommandError> {
    ctx.state.profiles.set_appearance(appearance).await?;
    ctx.host.apply_appearance(appearance);
    Ok(appearance)
}

/// What was copied, for the page to show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    pub text: String,
}

/// Copies the diagnostics to the clipboard, and answers them.
pub async fn copy_diagnostics(ctx: &Ctx<'_>, _: NoArgs) -> Result<Diagnostics, CommandError> {
    let connection = ctx
        .state
        .open_session()
        .await
        .map(|session| ConnectionFacts {
            kind: session.profile.kind,
            base_url: session.profile.base_url.clone(),
            built_in: session.profile.id == SANDBOX_PROFILE_ID,
        });
    let text = diagnostics::report(&Facts {
        app_name: crate::PRODUCT_NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        os: diagnostics::os_description(),
        web_engine: crate::webview::web_engine_version(),
        connection,
        log: crate::log::recent_lines(),
    });
    ctx.host.write_text_to_clipboard(&text).map_err(|error| {
        CommandError::internal(format!("The clipboard refused the text: {error}"))
    })?;
    Ok(Diagnostics { text })
}
