/// Every command the UI may call. The app manifest generates an `allow-…`
/// permission for each; a command missing here cannot be invoked at all.
const COMMANDS: &[&str] = &[
    "app_info",
    "roles",
    "list_profiles",
    "save_profile",
    "delete_profile",
    "test_connection",
    "import_atlas_cli",
    "connect",
    "select_org",
    "load_key_list",
    "load_inventory",
    "check_access_entries",
    "create_org_key",
    "copy_private_key",
    "forget_private_key",
    "update_org_key",
    "delete_org_key",
    "get_access_list",
    "add_access_entries",
    "current_ip",
    "check_entry_removal",
    "delete_access_entry",
    "org_settings",
    "check_require_access_list",
    "set_require_access_list",
    "list_project_keys",
    "invite_key_to_project",
    "update_project_roles",
    "remove_key_from_project",
    "create_project_key",
    "invite_to_projects",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
