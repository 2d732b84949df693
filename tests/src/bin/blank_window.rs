//! The memory floor of the app's platform, for `bench`: one 1280×800 window
//! with a WebKitGTK web view (tao and wry, as Tauri drives them) showing one
//! line of text, with the app's web view settings (no GPU compositing).

use tao::dpi::LogicalSize;
use tao::event_loop::{ControlFlow, EventLoop};
use tao::window::WindowBuilder;
use wry::WebViewBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let event_loop = EventLoop::new();
    let window = WindowBuilder::new()
        .with_title("blank window")
        .with_inner_size(LogicalSize::new(1280.0, 800.0))
        .build(&event_loop)?;
    let builder = WebViewBuilder::new().with_html("<p>Atlas Access Manager</p>");
    #[cfg(target_os = "linux")]
    let webview = {
        use tao::platform::unix::WindowExtUnix;
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        use wry::{WebViewBuilderExtUnix, WebViewExtUnix};
        let container = window.default_vbox().ok_or("the window has no box")?;
        let webview = builder.build_gtk(container)?;
        if let Some(settings) = webview.webview().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
        webview
    };
    #[cfg(not(target_os = "linux"))]
    let webview = builder.build(&window)?;
    event_loop.run(move |_, _, control_flow| {
        // Owned by the loop, so the view lives as long as the window.
        let _ = (&window, &webview);
        *control_flow = ControlFlow::Wait;
    })
}
