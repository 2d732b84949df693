//! The IPC surface, made from the one table in `surface.rs`: a Tauri handler
//! for each command, which builds the command's context and calls its
//! handler, and (in tests) the typed TypeScript client. What a handler needs
//! from the desktop (events, the window title, the clipboard) it reaches
//! through [`Host`], so the command tests run without a window.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CommandError;
use crate::state::AppState;

/// What every handler gets: the app's state and the desktop around it.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub host: Arc<dyn Host>,
}

/// The desktop as the commands see it.
pub trait Host: Send + Sync + 'static {
    fn emit(&self, event: AppEvent);
    fn set_window_title(&self, title: &str);
    /// Writes a secret to the clipboard, marked so that clipboard managers,
    /// clipboard history and cloud sync leave it out.
    fn write_secret_to_clipboard(&self, text: &str) -> Result<(), String>;
    /// Writes text anyone may see (diagnostics) to the clipboard.
    fn write_text_to_clipboard(&self, text: &str) -> Result<(), String>;
    fn read_clipboard(&self) -> Option<String>;
    fn clear_clipboard(&self) -> Result<(), String>;
    /// Asks the user where to save a file, in the system's save dialog;
    /// answers None when the dialog is cancelled.
    fn choose_save_path(
        &self,
        file_name: &str,
        extension: &str,
    ) -> tokio::sync::oneshot::Receiver<Option<std::path::PathBuf>>;
    /// Makes the window light or dark.
    fn apply_appearance(&self, appearance: Appearance);
    /// Where a long command's progress goes: the channel the page made for
    /// that one call.
    fn progress_to(&self, channel: &ProgressChannel) -> Box<dyn Fn(ProgressEvent) + Send + Sync>;
    /// Asks the user a yes-or-no question in a system dialog (not the page,
    /// which cannot answer it for them); answers true for `yes`.
    fn confirm(
        &self,
        title: &str,
        message: &str,
        yes: &str,
    ) -> tokio::sync::oneshot::Receiver<bool>;
}

/// The events Rust sends the page. Their names are exported to TypeScript
/// (`ui/src/bindings/constants.ts`), so neither side spells them twice.
#[derive(Debug, Clone)]
pub enum AppEvent {
    SessionClosed(SessionClosed),
    /// The clipboard was cleared of the private key of this key id.
    ClipboardCleared(String),
}

pub const SESSION_CLOSED_EVENT: &str = "session-closed";
pub const CLIPBOARD_CLEARED_EVENT: &str = "clipboard-cleared";

impl AppEvent {
    pub fn name(&self) -> &'static str {
        match self {
            Self::SessionClosed(_) => SESSION_CLOSED_EVENT,
            Self::ClipboardCleared(_) => CLIPBOARD_CLEARED_EVENT,
        }
    }
}

/// How far a long command is, on the channel the page made for the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    pub done: usize,
    pub total: usize,
}

/// A channel the page made for one call (a `Channel` of
/// `@tauri-apps/api/core`, sent as Tauri writes it: `__CHANNEL__:<id>`), so
/// that two calls at once never mix their progress.
#[derive(Debug, Clone, PartialEq, Eq, TS)]
#[ts(type = "{ toJSON(): string }")]
pub struct ProgressChannel(String);

impl<'de> Deserialize<'de> for ProgressChannel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<tauri::ipc::JavaScriptChannelId>()
            .map(|_| Self(text))
            .map_err(|error| serde::de::Error::custom(format!("not a channel ({error})")))
    }
}

impl ProgressChannel {
    /// The channel's name as the page sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Rust dropped the open connection; the page goes back to Connections and
/// shows why.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionClosed {
    pub profile_id: String,
    pub reason: String,
}

/// The argument of a command that takes none.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct NoArgs {}

/// The real desktop: Tauri's events, window and clipboard plugin.
pub struct TauriHost(pub tauri::AppHandle);

impl Host for TauriHost {
    fn emit(&self, event: AppEvent) {
        use tauri::Emitter;
        let name = event.name();
        let sent = match event {
            AppEvent::SessionClosed(payload) => self.0.emit(name, payload),
            AppEvent::ClipboardCleared(key_id) => self.0.emit(name, key_id),
        };
        if let Err(error) = sent {
            tracing::debug!(%error, event = name, "event not sent");
        }
    }

    fn set_window_title(&self, title: &str) {
        use tauri::Manager;
        if let Some(window) = self.0.get_webview_window("main")
            && let Err(error) = window.set_title(title)
        {
            tracing::debug!(%error, "window title not set");
        }
    }

    /// Marked as a secret for clipboard managers: `x-kde-passwordManagerHint`
    /// on X11 and Wayland, the concealed type on macOS, and on Windows
    /// `ExcludeClipboardContentFromMonitorProcessing`, which keeps it out of
    /// the clipboard history and the cloud clipboard too (arboard, through
    /// the plugin).
    fn write_secret_to_clipboard(&self, text: &str) -> Result<(), String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0
            .clipboard()
            .write_secret(text.to_owned())
            .map_err(|error| error.to_string())
    }

    fn write_text_to_clipboard(&self, text: &str) -> Result<(), String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0
            .clipboard()
            .write_text(text.to_owned())
            .map_err(|error| error.to_string())
    }

    fn read_clipboard(&self) -> Option<String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0.clipboard().read_text().ok()
    }

    fn clear_clipboard(&self) -> Result<(), String> {
        use tauri_plugin_clipboard_manager::ClipboardExt;
        self.0
            .clipboard()
            .clear()
            .map_err(|error| error.to_string())
    }

    fn choose_save_path(
        &self,
        file_name: &str,
        extension: &str,
    ) -> tokio::sync::oneshot::Receiver<Option<std::path::PathBuf>> {
        use tauri_plugin_dialog::DialogExt;
        let (chosen, answer) = tokio::sync::oneshot::channel();
        let mut dialog = self
            .0
            .dialog()
            .file()
            .set_file_name(file_name)
            .add_filter(extension.to_uppercase(), &[extension]);
        {
            use tauri::Manager;
            if let Some(window) = self.0.get_webview_window("main") {
                dialog = dialog.set_parent(&window);
            }
        }
        dialog.save_file(move |path| {
            let path = path.and_then(|path| path.into_path().ok());
            let _ = chosen.send(path);
        });
        answer
    }

    fn confirm(
        &self,
        title: &str,
        message: &str,
        yes: &str,
    ) -> tokio::sync::oneshot::Receiver<bool> {
        use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
        let (answered, answer) = tokio::sync::oneshot::channel();
        let mut dialog = self
            .0
            .dialog()
            .message(message)
            .title(title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                yes.to_owned(),
                "Cancel".to_owned(),
            ));
        {
            use tauri::Manager;
            if let Some(window) = self.0.get_webview_window("main") {
                dialog = dialog.parent(&window);
            }
        }
        dialog.show(move |yes| {
            let _ = answered.send(yes);
        });
        answer
    }

    fn progress_to(&self, channel: &ProgressChannel) -> Box<dyn Fn(ProgressEvent) + Send + Sync> {
        use tauri::Manager;
        let id = channel.as_str().parse::<tauri::ipc::JavaScriptChannelId>();
        match (id, self.0.get_webview_window("main")) {
            (Ok(id), Some(window)) => {
                // One channel for the whole call: the page orders messages
                // by the channel's own count.
                let channel = id.channel_on::<_, ProgressEvent>(window.as_ref().clone());
                Box::new(move |event| {
                    if let Err(error) = channel.send(event) {
                        tracing::debug!(%error, "progress not sent");
                    }
                })
            }
            _ => Box::new(|_| {}),
        }
    }

    fn apply_appearance(&self, appearance: Appearance) {
        let app = self.0.clone();
        // GTK's settings belong to the main thread.
        if let Err(error) = self
            .0
            .run_on_main_thread(move || crate::webview::apply_appearance(&app, appearance))
        {
            tracing::warn!(%error, "the appearance was not applied");
        }
    }
}

macro_rules! ipc_surface {
    ($($name:ident($args:ty) -> $result:ty = $handler:path;)*) => {
        /// The Tauri handlers, one per command of the table.
        pub mod handlers {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tauri::command]
                pub async fn $name(
                    app: tauri::AppHandle,
                    state: tauri::State<'_, AppState>,
                    args: $args,
                ) -> Result<$result, CommandError> {
                    let ctx = Ctx { state: state.inner(), host: Arc::new(TauriHost(app)) };
                    $handler(&ctx, args).await
                }
            )*
        }

        /// Every command the page may call, for `invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(handlers::$name),*]
        }

        /// The names of every command, in the table's order.
        #[cfg(test)]
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Runs command `name` with `args` as the page would send them (a
        /// test reaches every command by name); `Err` when there is no such
        /// command or the arguments do not read as its argument type.
        #[cfg(test)]
        pub async fn dispatch(
            ctx: &Ctx<'_>,
            name: &str,
            args: serde_json::Value,
        ) -> Result<Result<(), CommandError>, String> {
            match name {
                $(stringify!($name) => {
                    let args: $args = serde_json::from_value(args)
                        .map_err(|error| format!("{name}: {error}"))?;
                    Ok($handler(ctx, args).await.map(drop))
                })*
                _ => Err(format!("no command {name}")),
            }
        }

        /// The typed TypeScript client's table: for each command, its argument
        /// and result types; and every type it names, exported into `cfg`.
        #[cfg(test)]
        pub fn typescript_commands(cfg: &ts_rs::Config) -> Result<String, ts_rs::ExportError> {
            let mut client = crate::bindings::CommandTable::new(cfg);
            $(client.command::<$args, $result>(stringify!($name))?;)*
            Ok(client.finish())
        }
    };
}

use crate::commands::activity::ActivityRequest;
use crate::commands::atlas_cli::{CliProfilesRequest, SaveToAtlasCli};
use crate::commands::connections::{
    ConnectionReport, ProfileList, ProfileRef, ProfileView, SessionView, SwitchSecret,
};
use crate::commands::desktop::Diagnostics;
use crate::commands::export::{
    ExportActivity, ExportEveryInventory, ExportInventory, ExportReport, ExportReview,
};
use crate::commands::keys::{
    AccessListsRequest, AddEntries, CheckEntries, CreatedKeyView, EntryRef, EntryRemoval, KeyRef,
    NewOrgKeyRequest, OrgKeyRef, UpdateOrgKey,
};
use crate::commands::keys::{ResumedRotationView, RotateOrgKey, RotatedKeyView, RotationRef};
use crate::commands::organization::{DelegationChangeRequest, SetRequirement};
use crate::commands::projects::{
    BulkInvite, NewProjectKey, ProjectKeyRef, ProjectKeyRoles, ProjectRef,
};
use crate::commands::review::{ExportEveryOrgReview, ReviewEveryOrg};
use crate::commands::service_accounts::{
    AccountEntryRef, AccountEntryRemoval, AccountPartsRequest, AccountRef, AccountSecretRef,
    AddAccountEntries, BulkAccountInvite, CreatedServiceAccountView, MoveKey, MoveRef,
    NewProjectServiceAccount, NewServiceAccountRequest, ProjectAccountRef, ProjectAccountRoles,
    RotateSecret, RotationView, SecretRef, SetMaxSecretLifetime, UpdateServiceAccount,
};
use crate::commands::{self, AppInfo, OrgRef};
use atlas_access_core::access::access_list::CheckedEntry;
use atlas_access_core::access::delegation::DelegationCheck;
use atlas_access_core::access::edits::{
    AddEntriesReport, AddServiceAccountEntriesReport, BulkInviteReport,
    ServiceAccountBulkInviteReport,
};
use atlas_access_core::access::lockout::{LiftCheck, LockoutCheck};
use atlas_access_core::access::roles::RoleInfo;
use atlas_access_core::access::rotation::MoveSetup;
use atlas_access_core::access::usecases::{
    Inventory, KeyAccessList, ServiceAccountInventory, ServiceAccountParts,
};
use atlas_access_core::atlas::{
    AccessListEntry, ApiKey, DelegationSettings, OrgSettings, ServiceAccount, ServiceAccountEntry,
};
use atlas_access_core::audit::activity::ActivityPage;
use atlas_access_core::audit::every_org::OrgReview;
use atlas_access_core::audit::review::{ReviewInput, ReviewReport, ReviewSettings};
use atlas_access_core::credentials::atlas_cli::{CliProfileChoices, SavedToCli};
use atlas_access_core::credentials::connections::ProfileInput;
use atlas_access_core::credentials::profiles::{Appearance, ImportedProfile};

include!("surface.rs");
