//! Settings of the window's web view that Tauri's configuration does not
//! reach.

use tauri::{App, Manager};

/// A table of keys needs no GPU: composited rendering through the GL stack
/// costs about 100 MiB on a machine without a GPU driver (Mesa's software
/// renderer loads LLVM into the web process) and buys nothing here.
pub fn configure(app: &App) {
    let Some(window) = app.get_webview_window("main") else {
        tracing::warn!("no main window to configure");
        return;
    };
    #[cfg(target_os = "linux")]
    if let Err(error) = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    }) {
        tracing::warn!(%error, "the web view kept its default settings");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
