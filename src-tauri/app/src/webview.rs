//! Settings of the window's web view that Tauri's configuration does not
//! reach.

use atlas_access_core::credentials::profiles::Appearance;
use tauri::{App, Manager};

/// What JavaScriptCore reads from the environment when the web process,
/// which inherits the app's environment, starts.
#[cfg(target_os = "linux")]
const ENGINE_ENVIRONMENT: &[(&str, &str)] = &[
    // No JIT: the page runs little script, and the interpreter keeps the
    // slowest keystroke on 2,000 keys under 50 ms while the web process holds
    // about 20 MiB less (`make bench`). It also leaves no JIT-compiled code in
    // the process that shows a private key, as Apple's Lockdown Mode does.
    ("JSC_useJIT", "0"),
    // The page reaches the window through shared bitmaps, not DMA-BUF
    // buffers: with no GPU rendering (see `configure`) the buffers buy
    // nothing, and the processes hold about 10 MiB less (`make bench`). It
    // is also the common cure for blank WebKitGTK windows on some drivers.
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
];

/// Sets what the web engine reads from the environment, unless the user has
/// set it. Call it first thing in `main`, while the process has one thread.
/// WebView2 (Windows) takes the same two choices, no JIT and no GPU, as
/// browser arguments in `tauri.conf.json` (`additionalBrowserArgs`). macOS's
/// WKWebView keeps its defaults: a gap the README's macOS list names.
pub fn prepare_environment() {
    #[cfg(target_os = "linux")]
    for (name, value) in ENGINE_ENVIRONMENT {
        if std::env::var_os(name).is_none() {
            // SAFETY: no other thread exists yet to read the environment.
            #[allow(unsafe_code)]
            unsafe {
                std::env::set_var(name, value)
            };
        }
    }
}

/// A table of keys needs no GPU: composited rendering goes through the GL
/// stack (Mesa's software renderer on a machine without a GPU driver), which
/// costs the web process memory and buys nothing here.
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
    // Windows: `--disable-gpu` among the browser arguments (tauri.conf.json).
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Whether the desktop itself asked GTK for dark windows, read before the
/// app first changes it: what "System" goes back to.
#[cfg(target_os = "linux")]
static DESKTOP_PREFERS_DARK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Makes the window and its page light or dark. On Linux it is GTK's "prefer
/// dark" setting, which WebKitGTK passes to the page as
/// `prefers-color-scheme`, so the title bar, the save dialog and the page
/// agree. Call it on the main thread.
pub fn apply_appearance(app: &tauri::AppHandle, appearance: Appearance) {
    #[cfg(target_os = "linux")]
    {
        let _ = app;
        use gtk::prelude::GtkSettingsExt;
        let Some(settings) = gtk::Settings::default() else {
            tracing::warn!("no GTK settings: the appearance is left as it is");
            return;
        };
        let desktop =
            *DESKTOP_PREFERS_DARK.get_or_init(|| settings.is_gtk_application_prefer_dark_theme());
        settings.set_gtk_application_prefer_dark_theme(match appearance {
            Appearance::System => desktop,
            Appearance::Light => false,
            Appearance::Dark => true,
        });
    }
    #[cfg(not(target_os = "linux"))]
    if let Some(window) = app.get_webview_window("main") {
        let theme = match appearance {
            Appearance::System => None,
            Appearance::Light => Some(tauri::Theme::Light),
            Appearance::Dark => Some(tauri::Theme::Dark),
        };
        if let Err(error) = window.set_theme(theme) {
            tracing::warn!(%error, "the window's theme was not set");
        }
    }
}

/// The web engine and its version, for diagnostics.
pub fn web_engine_version() -> String {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: these take nothing and return constants of the loaded library.
        #[allow(unsafe_code)]
        let (major, minor, micro) = unsafe {
            use webkit2gtk::ffi;
            (
                ffi::webkit_get_major_version(),
                ffi::webkit_get_minor_version(),
                ffi::webkit_get_micro_version(),
            )
        };
        format!("WebKitGTK {major}.{minor}.{micro}")
    }
    #[cfg(target_os = "macos")]
    return "WKWebView (the system's)".to_owned();
    #[cfg(target_os = "windows")]
    return "WebView2 (the system's)".to_owned();
}
