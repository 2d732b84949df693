// The IPC surface: every command the page may call, declared once as
// `name(argument type) -> result type = handler;`. From this table come the
// Tauri handlers (`ipc.rs`), the app manifest's command list (`build.rs`), the
// capability's permissions (checked by a test) and the typed TypeScript client
// (`ui/src/bindings/commands.ts`). Each handler is
// `async fn(&Ctx, Args) -> Result<Result, CommandError>`.
ipc_surface! {
    app_info(NoArgs) -> AppInfo = commands::app_info;
    roles(NoArgs) -> Vec<RoleInfo> = commands::roles;
    appearance(NoArgs) -> Appearance = commands::desktop::appearance;
    set_appearance(Appearance) -> Appearance = commands::desktop::set_appearance;
    copy_diagnostics(NoArgs) -> Diagnostics = commands::desktop::copy_diagnostics;

    list_profiles(NoArgs) -> ProfileList = commands::connections::list_profiles;
    save_profile(ProfileInput) -> ProfileView = commands::connections::save_profile;
    delete_profile(ProfileRef) -> () = commands::connections::delete_profile;
    test_connection(ProfileRef) -> ConnectionReport = commands::connections::test_connection;
    import_atlas_cli(NoArgs) -> Vec<ImportedProfile> = commands::connections::import_atlas_cli;
    atlas_cli_profiles(CliProfilesRequest) -> CliProfileChoices = commands::atlas_cli::atlas_cli_profiles;
    save_to_atlas_cli(SaveToAtlasCli) -> SavedToCli = commands::atlas_cli::save_to_atlas_cli;
    connect(ProfileRef) -> SessionView = commands::connections::connect;
    select_org(OrgRef) -> String = commands::connections::select_org;
    switch_connection_secret(SwitchSecret) -> SessionView = commands::connections::switch_connection_secret;

    load_key_list(OrgRef) -> Inventory = commands::keys::load_key_list;
    load_access_lists(AccessListsRequest) -> Vec<KeyAccessList> = commands::keys::load_access_lists;
    check_access_entries(CheckEntries) -> Vec<CheckedEntry> = commands::keys::check_access_entries;
    create_org_key(NewOrgKeyRequest) -> CreatedKeyView = commands::keys::create_org_key;
    copy_private_key(KeyRef) -> u32 = commands::keys::copy_private_key;
    forget_private_key(KeyRef) -> () = commands::keys::forget_private_key;
    update_org_key(UpdateOrgKey) -> ApiKey = commands::keys::update_org_key;
    delete_org_key(OrgKeyRef) -> () = commands::keys::delete_org_key;
    get_access_list(OrgKeyRef) -> Vec<AccessListEntry> = commands::keys::get_access_list;
    add_access_entries(AddEntries) -> AddEntriesReport = commands::keys::add_access_entries;
    current_ip(NoArgs) -> String = commands::keys::current_ip;
    check_entry_removal(EntryRef) -> LockoutCheck = commands::keys::check_entry_removal;
    delete_access_entry(EntryRemoval) -> Vec<AccessListEntry> = commands::keys::delete_access_entry;
    rotate_org_key(RotateOrgKey) -> RotatedKeyView = commands::keys::rotate_org_key;
    complete_rotation(RotationRef) -> ResumedRotationView = commands::keys::complete_rotation;

    org_settings(OrgRef) -> OrgSettings = commands::organization::org_settings;
    check_require_access_list(OrgRef) -> LockoutCheck = commands::organization::check_require_access_list;
    check_lift_access_list(OrgRef) -> LiftCheck = commands::organization::check_lift_access_list;
    set_require_access_list(SetRequirement) -> OrgSettings = commands::organization::set_require_access_list;
    delegation_settings(OrgRef) -> DelegationSettings = commands::organization::delegation_settings;
    check_delegation_change(DelegationChangeRequest) -> DelegationCheck = commands::organization::check_delegation_change;
    set_delegation_settings(DelegationChangeRequest) -> DelegationSettings = commands::organization::set_delegation_settings;

    list_project_keys(ProjectRef) -> Vec<ApiKey> = commands::projects::list_project_keys;
    invite_key_to_project(ProjectKeyRoles) -> ApiKey = commands::projects::invite_key_to_project;
    update_project_roles(ProjectKeyRoles) -> ApiKey = commands::projects::update_project_roles;
    remove_key_from_project(ProjectKeyRef) -> ApiKey = commands::projects::remove_key_from_project;
    create_project_key(NewProjectKey) -> CreatedKeyView = commands::projects::create_project_key;
    invite_to_projects(BulkInvite) -> BulkInviteReport = commands::projects::invite_to_projects;

    load_service_account_list(OrgRef) -> Vec<ServiceAccount> = commands::service_accounts::load_service_account_list;
    load_service_account_parts(AccountPartsRequest) -> Vec<ServiceAccountParts> = commands::service_accounts::load_service_account_parts;
    get_service_account(AccountRef) -> ServiceAccountInventory = commands::service_accounts::get_service_account;
    create_service_account(NewServiceAccountRequest) -> CreatedServiceAccountView = commands::service_accounts::create_service_account;
    move_key_to_service_account(MoveKey) -> CreatedServiceAccountView = commands::service_accounts::move_key_to_service_account;
    complete_move(MoveRef) -> MoveSetup = commands::service_accounts::complete_move;
    copy_client_secret(SecretRef) -> u32 = commands::service_accounts::copy_client_secret;
    forget_client_secret(SecretRef) -> () = commands::service_accounts::forget_client_secret;
    update_service_account(UpdateServiceAccount) -> ServiceAccount = commands::service_accounts::update_service_account;
    delete_service_account(AccountRef) -> () = commands::service_accounts::delete_service_account;
    rotate_service_account_secret(RotateSecret) -> RotationView = commands::service_accounts::rotate_service_account_secret;
    delete_service_account_secret(AccountSecretRef) -> ServiceAccount = commands::service_accounts::delete_service_account_secret;
    add_service_account_entries(AddAccountEntries) -> AddServiceAccountEntriesReport = commands::service_accounts::add_service_account_entries;
    check_service_account_entry_removal(AccountEntryRef) -> LockoutCheck = commands::service_accounts::check_service_account_entry_removal;
    delete_service_account_entry(AccountEntryRemoval) -> Vec<ServiceAccountEntry> = commands::service_accounts::delete_service_account_entry;
    list_project_service_accounts(ProjectRef) -> Vec<ServiceAccount> = commands::service_accounts::list_project_service_accounts;
    set_service_account_project_roles(ProjectAccountRoles) -> ServiceAccount = commands::service_accounts::set_service_account_project_roles;
    remove_service_account_from_project(ProjectAccountRef) -> () = commands::service_accounts::remove_service_account_from_project;
    create_project_service_account(NewProjectServiceAccount) -> CreatedServiceAccountView = commands::service_accounts::create_project_service_account;
    invite_service_account_to_projects(BulkAccountInvite) -> ServiceAccountBulkInviteReport = commands::service_accounts::invite_service_account_to_projects;
    set_max_secret_lifetime(SetMaxSecretLifetime) -> OrgSettings = commands::service_accounts::set_max_secret_lifetime;

    load_activity(ActivityRequest) -> ActivityPage = commands::activity::load_activity;
    review_settings(NoArgs) -> ReviewSettings = commands::review::review_settings;
    set_review_settings(ReviewSettings) -> ReviewSettings = commands::review::set_review_settings;
    review_access(ReviewInput) -> ReviewReport = commands::review::review_access;
    review_every_org(ReviewEveryOrg) -> Vec<OrgReview> = commands::review::review_every_org;
    stop_every_org_run(NoArgs) -> () = commands::review::stop_every_org_run;
    export_every_org_review(ExportEveryOrgReview) -> ExportReport = commands::review::export_every_org_review;

    export_inventory(ExportInventory) -> ExportReport = commands::export::export_inventory;
    export_every_inventory(ExportEveryInventory) -> ExportReport = commands::export::export_every_inventory;
    export_activity(ExportActivity) -> ExportReport = commands::export::export_activity;
    export_review(ExportReview) -> ExportReport = commands::export::export_review;
}
