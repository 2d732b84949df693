// Every command the UI may call, from the one table in src/surface.rs. The
// app manifest generates an `allow-…` permission for each; a command missing
// here cannot be invoked at all.
macro_rules! ipc_surface {
    ($($name:ident($args:ty) -> $result:ty = $handler:path;)*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
include!("src/surface.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/surface.rs");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
