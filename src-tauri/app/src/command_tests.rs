//! The commands as the page calls them, without a window: each handler is
//! called with a test state (a temporary connections file), a host that
//! records what it would send the page, and the built-in sandbox over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use std::sync::{Arc, Mutex};

use atlas_access_core::credentials::connections::ProfileInput;
use atlas_access_core::credentials::profiles::{Appearance, ProfileStore, SANDBOX_PROFILE_ID};
use secrecy::SecretString;

use crate::commands::connections::{self, ProfileRef};
use crate::commands::keys::{self, EntryRef, OrgKeyRef, UpdateOrgKey};
use crate::commands::projects::{self, ProjectKeyRoles};
use crate::commands::{OrgRef, organization};
use crate::ipc::{AppEvent, Ctx, Host, NoArgs, ProgressChannel, ProgressEvent};
use crate::state::AppState;
use crate::{CommandError, ErrorKind};
use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::credentials::profiles::ConnectionKind;

/// The desktop, played in memory: events are recorded, the clipboard is a string.
#[derive(Default)]
pub(crate) struct RecordingHost {
    pub events: Mutex<Vec<AppEvent>>,
    /// Each progress message, with the channel it went to.
    pub progress: Arc<Mutex<Vec<(String, ProgressEvent)>>>,
    pub clipboard: Mutex<Option<String>>,
    /// What the save dialog answers; None: cancelled.
    pub save_path: Mutex<Option<std::path::PathBuf>>,
    /// The appearance last given to the window.
    pub appearance: Mutex<Option<Appearance>>,
    /// What the user answers a confirmation; each question asked is kept.
    pub confirms: Mutex<bool>,
    pub questions: Mutex<Vec<String>>,
}

impl Host for RecordingHost {
    fn emit(&self, event: AppEvent) {
        self.events.lock().unwrap().push(event);
    }
    fn progress_to(&self, channel: &ProgressChannel) -> Box<dyn Fn(ProgressEvent) + Send + Sync> {
        let progress = self.progress.clone();
        let channel = channel.as_str().to_owned();
        Box::new(move |event| progress.lock().unwrap().push((channel.clone(), event)))
    }
    fn set_window_title(&self, _: &str) {}
    fn write_secret_to_clipboard(&self, text: &str) -> Result<(), String> {
        *self.clipboard.lock().unwrap() = Some(text.to_owned());
        Ok(())
    }
    fn write_text_to_clipboard(&self, text: &str) -> Result<(), String> {
        *self.clipboard.lock().unwrap() = Some(text.to_owned());
        Ok(())
    }
    fn read_clipboard(&self) -> Option<String> {
        self.clipboard.lock().unwrap().clone()
    }
    fn clear_clipboard(&self) -> Result<(), String> {
        *self.clipboard.lock().unwrap() = None;
        Ok(())
    }
    /// The path a test chose beforehand, as if typed in the save dialog.
    fn choose_save_path(
        &self,
        _: &str,
        _: &str,
    ) -> tokio::sync::oneshot::Receiver<Option<std::path::PathBuf>> {
        let (chosen, answer) = tokio::sync::oneshot::channel();
        let _ = chosen.send(self.save_path.lock().unwrap().clone());
        answer
    }
    fn apply_appearance(&self, appearance: Appearance) {
        *self.appearance.lock().unwrap() = Some(appearance);
    }
    fn confirm(&self, _: &str, message: &str, _: &str) -> tokio::sync::oneshot::Receiver<bool> {
        self.questions.lock().unwrap().push(message.to_owned());
        let (answered, answer) = tokio::sync::oneshot::channel();
        let _ = answered.send(*self.confirms.lock().unwrap());
        answer
    }
}

struct Harness {
    state: AppState,
    host: Arc<RecordingHost>,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(ProfileStore::at(dir.path().join("profiles.json")));
        Self {
            state,
            host: Arc::new(RecordingHost::default()),
            _dir: dir,
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            state: &self.state,
            host: self.host.clone(),
        }
    }

    /// Opens the built-in sandbox; answers its organization.
    async fn connect_sandbox(&self) -> String {
        let opened = connections::connect(
            &self.ctx(),
            ProfileRef {
                id: SANDBOX_PROFILE_ID.to_owned(),
            },
        )
        .await
        .unwrap();
        opened.org_id.unwrap()
    }

    /// An Organization Owner service account the sandbox's admin key makes
    /// in `org_id`; answers it with its first secret.
    async fn owner_account(
        &self,
        org_id: &str,
        name: &str,
    ) -> atlas_access_core::atlas::CreatedServiceAccount {
        let session = self.state.session().await.unwrap();
        session
            .client
            .create_org_service_account(
                org_id,
                &atlas_access_core::atlas::NewServiceAccount {
                    name: name.to_owned(),
                    description: "connects the app".to_owned(),
                    roles: vec!["ORG_OWNER".to_owned()],
                    secret_expires_after_hours: 24 * 30,
                },
            )
            .await
            .unwrap()
    }

    /// HTTP exchanges the built-in sandbox has answered so far.
    async fn exchanges(&self) -> u64 {
        self.state.sandbox().await.unwrap().exchanges()
    }

    fn sessions_closed(&self) -> Vec<String> {
        self.host
            .events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|event| match event {
                AppEvent::SessionClosed(closed) => Some(closed.reason.clone()),
                _ => None,
            })
            .collect()
    }
}

/// An id as the page sends it.
fn atlas_id(text: &str) -> AtlasId {
    AtlasId::try_from(text.to_owned()).unwrap()
}

fn kind(result: Result<impl std::fmt::Debug, CommandError>) -> ErrorKind {
    result.expect_err("the command must refuse").kind
}

/// The system's keychain: on Linux a Secret Service, which `make test`
/// starts (dbus-run-session + gnome-keyring); Windows always has its
/// Credential Manager.
fn require_keychain() {
    #[cfg(target_os = "linux")]
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "this test needs a Secret Service: run it with `make test` (dbus-run-session + gnome-keyring)"
    );
}

#[tokio::test]
async fn edits_answer_what_changed_in_at_most_three_requests() {
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let list = keys::load_key_list(
        &ctx,
        OrgRef {
            org_id: atlas_id(&org_id),
        },
    )
    .await
    .unwrap();
    let in_use = harness.state.session().await.unwrap().caller.key_id.clone();
    let other = list
        .keys
        .iter()
        .find(|item| item.key.id != in_use && item.key.desc.contains("Terraform"))
        .expect("a seeded key to edit")
        .key
        .clone();
    let project = list.projects[0].id.clone();

    let before = harness.exchanges().await;
    let updated = keys::update_org_key(
        &ctx,
        UpdateOrgKey {
            org_id: atlas_id(&org_id),
            key_id: atlas_id(&other.id),
            desc: "Terraform CI (renamed)".to_owned(),
            roles: vec!["ORG_READ_ONLY".to_owned()],
        },
    )
    .await
    .unwrap();
    assert_eq!(updated.desc, "Terraform CI (renamed)");
    assert!(updated.org_roles(&org_id).eq(["ORG_READ_ONLY"]));
    let role_change = harness.exchanges().await - before;

    let before = harness.exchanges().await;
    let report = keys::add_access_entries(
        &ctx,
        keys::AddEntries {
            org_id: atlas_id(&org_id),
            key_id: atlas_id(&other.id),
            text: "203.0.113.77".to_owned(),
        },
    )
    .await
    .unwrap();
    assert!(
        report
            .entries
            .iter()
            .any(|e| e.path_name() == "203.0.113.77")
    );
    let add_entry = harness.exchanges().await - before;

    let before = harness.exchanges().await;
    let after = keys::delete_access_entry(
        &ctx,
        keys::EntryRemoval {
            org_id: atlas_id(&org_id),
            key_id: atlas_id(&other.id),
            entry: "203.0.113.77".to_owned(),
            acknowledged: false,
        },
    )
    .await
    .unwrap();
    assert!(!after.iter().any(|e| e.path_name() == "203.0.113.77"));
    let delete_entry = harness.exchanges().await - before;

    let before = harness.exchanges().await;
    let invited = projects::invite_key_to_project(
        &ctx,
        ProjectKeyRoles {
            org_id: atlas_id(&org_id),
            project_id: atlas_id(&project),
            key_id: atlas_id(&other.id),
            roles: vec!["GROUP_READ_ONLY".to_owned()],
        },
    )
    .await
    .unwrap();
    assert!(invited.project_roles(&project).eq(["GROUP_READ_ONLY"]));
    let invite = harness.exchanges().await - before;

    for (edit, requests) in [
        ("role change", role_change),
        ("add one entry", add_entry),
        ("delete one entry", delete_entry),
        ("invite to one project", invite),
    ] {
        assert!(requests <= 3, "{edit} took {requests} requests");
    }
}

#[tokio::test]
async fn the_key_in_use_is_guarded_in_core() {
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let in_use = harness.state.session().await.unwrap().caller.key_id.clone();
    let own = OrgKeyRef {
        org_id: atlas_id(&org_id),
        key_id: atlas_id(&in_use),
    };
    assert_eq!(
        kind(keys::delete_org_key(&ctx, own.clone()).await),
        ErrorKind::Lockout
    );
    // Taking Organization Owner from itself would leave it unable to give it back.
    let demote = UpdateOrgKey {
        org_id: atlas_id(&org_id),
        key_id: atlas_id(&in_use),
        desc: "Sandbox administrator".to_owned(),
        roles: vec!["ORG_MEMBER".to_owned()],
    };
    assert_eq!(
        kind(keys::update_org_key(&ctx, demote).await),
        ErrorKind::Lockout
    );
    // Its entry for the address Atlas sees is the one that lets the app in.
    let entry = EntryRef {
        org_id: atlas_id(&org_id),
        key_id: atlas_id(&in_use),
        entry: "198.51.100.7".to_owned(),
    };
    let check = keys::check_entry_removal(&ctx, entry.clone())
        .await
        .unwrap();
    assert!(check.blocking.is_some(), "{check:?}");
    // Refused, confirmed or not.
    let removal = keys::EntryRemoval {
        org_id: entry.org_id,
        key_id: entry.key_id,
        entry: entry.entry,
        acknowledged: true,
    };
    assert_eq!(
        kind(keys::delete_access_entry(&ctx, removal).await),
        ErrorKind::Lockout
    );
    // Bad input is refused before anything is sent.
    let before = harness.exchanges().await;
    let nameless = UpdateOrgKey {
        org_id: atlas_id(&org_id),
        key_id: atlas_id(&in_use),
        desc: "  ".to_owned(),
        roles: vec!["ORG_OWNER".to_owned()],
    };
    assert_eq!(
        kind(keys::update_org_key(&ctx, nameless).await),
        ErrorKind::InvalidInput
    );
    assert_eq!(harness.exchanges().await, before);
    // The organization still answers: nothing was half done.
    organization::org_settings(
        &ctx,
        OrgRef {
            org_id: atlas_id(&org_id),
        },
    )
    .await
    .unwrap();
}

/// The commands that need no open connection: the app itself, the
/// connections, and a new secret's one-time store. Every other command
/// must say that none is open.
const SESSION_FREE: &[&str] = &[
    "app_info",
    "roles",
    "appearance",
    "set_appearance",
    "copy_diagnostics",
    "list_profiles",
    "save_profile",
    "delete_profile",
    "test_connection",
    "import_atlas_cli",
    "atlas_cli_profiles",
    "stop_every_org_run",
    "connect",
    "check_access_entries",
    "copy_private_key",
    "forget_private_key",
    "copy_client_secret",
    "forget_client_secret",
];

#[tokio::test]
async fn with_no_session_every_command_says_so() {
    let harness = Harness::new();
    let ctx = harness.ctx();
    // Arguments every command reads its own from (unknown fields are
    // ignored), all well formed, so only the missing session can refuse.
    let id = "6a790a000000000000000001";
    let client_id = "mdb_sa_id_6a790a000000000000000001";
    let mut args = serde_json::json!({
        "orgId": id, "keyId": id, "projectId": id, "oldKeyId": id, "newKeyId": id,
        "secretId": id, "keyIds": [id], "projectIds": [id],
        "clientId": client_id, "clientIds": [client_id],
        "profileId": "p", "id": "p", "entry": "203.0.113.1", "text": "203.0.113.1",
        "existing": [], "desc": "d", "name": "n", "description": "d",
        "roles": ["ORG_MEMBER"], "acknowledged": false, "required": true,
    });
    let more = serde_json::json!({
        "expiresAfterHours": 24, "secretExpiresAfterHours": 24, "hours": 24,
        "format": "csv", "pages": 1, "filter": {"eventTypes": []}, "page": 1,
        "accessListRequired": false, "keys": [], "accounts": [],
        "unusedDays": 90, "expiryWarningDays": 14, "change": {"mcpAccess": "READ_ONLY"},
        "heldId": id, "kind": "apiKey", "identity": "abcdefgh", "mode": "new", "profile": "p",
        "reviews": [],
    });
    let input = serde_json::json!({
        "desc": "d", "name": "n", "description": "d", "roles": ["ORG_MEMBER"],
        "secretExpiresAfterHours": 24, "accessList": "", "projects": [],
        "accessListRequired": false, "keys": [], "accounts": [],
    });
    if let (Some(all), Some(more)) = (args.as_object_mut(), more.as_object()) {
        all.extend(more.clone());
        all.insert("input".to_owned(), input.clone());
        all.insert("account".to_owned(), input);
    }
    let mut refused = Vec::new();
    for name in crate::ipc::COMMAND_NAMES {
        if SESSION_FREE.contains(name) {
            continue;
        }
        let mut args = args.clone();
        // The one field some commands read differently.
        if matches!(
            *name,
            "set_require_access_list" | "check_delegation_change" | "set_delegation_settings"
        ) {
            args["acknowledged"] = serde_json::json!([]);
        }
        let answer = crate::ipc::dispatch(&ctx, name, args)
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        match answer {
            Err(error) if error.kind == ErrorKind::NotConnected => refused.push(*name),
            other => panic!("{name} without a session answered {other:?}"),
        }
    }
    assert_eq!(
        refused.len() + SESSION_FREE.len(),
        crate::ipc::COMMAND_NAMES.len(),
        "every command is either refused or known to need no session"
    );
    assert!(
        harness.host.events.lock().unwrap().is_empty(),
        "nothing happened"
    );
}

#[tokio::test]
async fn saving_or_deleting_the_open_connection_closes_the_session_and_says_why() {
    require_keychain();
    let harness = Harness::new();
    let ctx = harness.ctx();
    let admin = harness.state.sandbox().await.unwrap().admin().clone();
    let saved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Sandbox by hand".to_owned(),
            base_url: admin.base_url.clone(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: Some(SecretString::from(admin.private_key.clone())),
        },
    )
    .await
    .unwrap();
    let id = saved.profile.id.clone();
    assert!(saved.private_key_stored);

    // The stored private key never follows the connection to another host.
    let moved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: Some(id.clone()),
            name: "Sandbox by hand".to_owned(),
            base_url: "https://atlas.example.com".to_owned(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: None,
        },
    )
    .await;
    let refusal = moved.expect_err("a new host needs the private key again");
    assert_eq!(refusal.kind, ErrorKind::InvalidInput);
    assert!(
        refusal.message.contains("private key again"),
        "{}",
        refusal.message
    );
    // An id the connections file does not know is a new connection: it
    // needs its key, and nothing is saved without it.
    let unknown = connections::save_profile(
        &ctx,
        ProfileInput {
            id: Some("never-saved".to_owned()),
            name: "Never saved".to_owned(),
            base_url: "https://atlas.example.com".to_owned(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: None,
        },
    )
    .await
    .expect_err("a new connection needs its private key");
    assert_eq!(unknown.kind, ErrorKind::InvalidInput);
    assert!(
        unknown.message.contains("Enter the private key"),
        "{}",
        unknown.message
    );
    assert!(
        harness
            .state
            .profiles
            .load()
            .await
            .unwrap()
            .profiles
            .iter()
            .all(|profile| profile.id != "never-saved"),
        "nothing saved"
    );
    // Plain HTTP to another computer is refused outright.
    let plain = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Plain".to_owned(),
            base_url: "http://atlas.example.com".to_owned(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: Some(SecretString::from(admin.private_key.clone())),
        },
    )
    .await;
    assert_eq!(kind(plain), ErrorKind::InvalidInput);

    // Editing the open connection closes it.
    connections::connect(&ctx, ProfileRef { id: id.clone() })
        .await
        .unwrap();
    connections::save_profile(
        &ctx,
        ProfileInput {
            id: Some(id.clone()),
            name: "Sandbox, renamed".to_owned(),
            base_url: admin.base_url.clone(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(harness.sessions_closed().len(), 1);
    assert!(harness.sessions_closed()[0].contains("edited"));
    let org = OrgRef {
        org_id: atlas_id(&admin.org_id),
    };
    assert_eq!(
        kind(keys::load_key_list(&ctx, org.clone()).await),
        ErrorKind::NotConnected
    );

    // Deleting it closes it too, and its private key leaves the keychain.
    connections::connect(&ctx, ProfileRef { id: id.clone() })
        .await
        .unwrap();
    connections::delete_profile(&ctx, ProfileRef { id: id.clone() })
        .await
        .unwrap();
    let closed = harness.sessions_closed();
    assert_eq!(closed.len(), 2, "{closed:?}");
    assert!(closed[1].contains("deleted"), "{closed:?}");
    assert_eq!(
        kind(keys::load_key_list(&ctx, org).await),
        ErrorKind::NotConnected
    );
    assert!(
        atlas_access_core::credentials::keychain::read_secret(&id)
            .await
            .is_err(),
        "the private key stayed in the keychain"
    );

    // A connection that is not open closes nothing.
    harness.connect_sandbox().await;
    let other = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Another".to_owned(),
            base_url: admin.base_url.clone(),
            kind: None,
            public_key: admin.public_key.clone(),
            default_org_id: None,
            private_key: Some(SecretString::from(admin.private_key.clone())),
        },
    )
    .await
    .unwrap();
    connections::delete_profile(
        &ctx,
        ProfileRef {
            id: other.profile.id,
        },
    )
    .await
    .unwrap();
    assert_eq!(harness.sessions_closed().len(), 2);
}

#[test]
fn an_id_that_is_not_an_atlas_id_is_refused_when_the_arguments_are_read() {
    for bad in [
        "..",
        ".",
        "",
        "5F1A2B3C4D5E6F7A8B9C0D1E",
        "5f1a2b3c4d5e6f7a8b9c0d1",
        "5f1a2b3c/../6f7a8b9c0d1e",
    ] {
        let refused =
            serde_json::from_value::<OrgRef>(serde_json::json!({ "orgId": bad })).expect_err(bad);
        assert!(
            refused.to_string().contains("24 hexadecimal digits"),
            "{bad}: {refused}"
        );
    }
    let read: OrgRef =
        serde_json::from_value(serde_json::json!({ "orgId": "5f1a2b3c4d5e6f7a8b9c0d1e" })).unwrap();
    assert_eq!(&*read.org_id, "5f1a2b3c4d5e6f7a8b9c0d1e");
}

#[tokio::test]
async fn a_connection_through_a_service_account_works_like_one_through_a_key() {
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let admin = harness.state.sandbox().await.unwrap().admin().clone();
    // An Organization Owner service account, made with the sandbox's key.
    let created = harness.owner_account(&org_id, "app robot").await;
    let client_id = created.account.client_id.clone();

    let refused = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Robot".to_owned(),
            base_url: admin.base_url.clone(),
            kind: Some(ConnectionKind::ServiceAccount),
            public_key: "abcdefgh".to_owned(),
            default_org_id: None,
            private_key: Some(created.secret.clone()),
        },
    )
    .await
    .expect_err("a client id is not a public key");
    assert!(
        refused.message.contains("mdb_sa_id_"),
        "{}",
        refused.message
    );

    let saved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Robot".to_owned(),
            base_url: admin.base_url.clone(),
            kind: Some(ConnectionKind::ServiceAccount),
            public_key: client_id.clone(),
            default_org_id: None,
            private_key: Some(created.secret.clone()),
        },
    )
    .await
    .unwrap();
    let opened = connections::connect(
        &ctx,
        ProfileRef {
            id: saved.profile.id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(opened.key_in_use_id, client_id);
    assert_eq!(opened.org_id.as_deref(), Some(org_id.as_str()));
    // Every screen's data comes through it: the keys, and an edit.
    let list = keys::load_key_list(
        &ctx,
        OrgRef {
            org_id: atlas_id(&org_id),
        },
    )
    .await
    .unwrap();
    assert!(!list.keys.is_empty());
    let settings = organization::org_settings(
        &ctx,
        OrgRef {
            org_id: atlas_id(&org_id),
        },
    )
    .await
    .unwrap();
    assert!(!settings.api_access_list_required);
    connections::delete_profile(
        &ctx,
        ProfileRef {
            id: saved.profile.id,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_export_writes_where_the_dialog_says_one_row_per_credential_and_no_secret() {
    use crate::commands::export::{self, ExportInventory};
    use atlas_access_core::audit::export::ExportFormat;
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let org = || OrgRef {
        org_id: atlas_id(&org_id),
    };
    let keys = keys::load_key_list(&ctx, org()).await.unwrap().keys.len();
    let accounts = crate::commands::service_accounts::load_service_account_list(&ctx, org())
        .await
        .unwrap()
        .len();
    let dir = tempfile::tempdir().unwrap();
    let request = |format| ExportInventory {
        org_id: atlas_id(&org_id),
        format,
        progress: None,
    };

    // Cancelled: nothing written.
    let cancelled = export::export_inventory(&ctx, request(ExportFormat::Csv))
        .await
        .unwrap();
    assert_eq!((cancelled.path, cancelled.rows), (None, 0));

    let csv_path = dir.path().join("credentials.csv");
    *harness.host.save_path.lock().unwrap() = Some(csv_path.clone());
    let saved = export::export_inventory(&ctx, request(ExportFormat::Csv))
        .await
        .unwrap();
    assert_eq!(saved.path.as_deref(), Some(csv_path.to_str().unwrap()));
    assert_eq!(saved.rows as usize, keys + accounts);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 1 + keys + accounts, "{csv}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&csv_path), 0o600, "an export is its user's alone");
        // A file the export replaces is made private too.
        std::fs::set_permissions(&csv_path, std::fs::Permissions::from_mode(0o644)).unwrap();
        export::export_inventory(&ctx, request(ExportFormat::Csv))
            .await
            .unwrap();
        assert_eq!(
            mode(&csv_path),
            0o600,
            "a replaced export is its user's alone"
        );
    }
    assert!(csv.starts_with("kind,id,name,organization roles,projects,access list,"));

    // With a channel of its own, the export's progress goes there alone,
    // up to the end; a value that is no channel is refused as an argument.
    let with_channel: ExportInventory = serde_json::from_value(serde_json::json!({
        "orgId": org_id,
        "format": "csv",
        "progress": "__CHANNEL__:7",
    }))
    .unwrap();
    export::export_inventory(&ctx, with_channel).await.unwrap();
    let progress = harness.host.progress.lock().unwrap().clone();
    assert!(!progress.is_empty());
    assert!(
        progress
            .iter()
            .all(|(channel, _)| channel == "__CHANNEL__:7")
    );
    let (_, last) = progress.last().unwrap();
    assert_eq!(last.done, last.total);
    assert!(
        serde_json::from_value::<ExportInventory>(serde_json::json!({
            "orgId": org_id,
            "format": "csv",
            "progress": "inventory",
        }))
        .is_err()
    );

    let json_path = dir.path().join("credentials.json");
    *harness.host.save_path.lock().unwrap() = Some(json_path.clone());
    export::export_inventory(&ctx, request(ExportFormat::Json))
        .await
        .unwrap();
    let json = std::fs::read_to_string(&json_path).unwrap();
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        document["credentials"].as_array().unwrap().len(),
        keys + accounts
    );

    // No secret in either: not the admin's private key, not a masked key or secret.
    let admin_private_key = harness
        .state
        .sandbox()
        .await
        .unwrap()
        .admin()
        .private_key
        .clone();
    for text in [&csv, &json] {
        assert!(!text.contains(&admin_private_key));
        assert!(!text.contains("********"));
        assert!(!text.contains("mdb_sa_sk_"));
    }

    // The activity in view: the first page of the demo's history, one row an event.
    let activity_path = dir.path().join("activity.csv");
    *harness.host.save_path.lock().unwrap() = Some(activity_path.clone());
    let activity = export::export_activity(
        &ctx,
        export::ExportActivity {
            org_id: atlas_id(&org_id),
            filter: atlas_access_core::audit::activity::ActivityFilter::default(),
            pages: 1,
            format: ExportFormat::Csv,
        },
    )
    .await
    .unwrap();
    let text = std::fs::read_to_string(&activity_path).unwrap();
    assert!(activity.rows > 10, "{} events", activity.rows);
    assert_eq!(text.lines().count(), 1 + activity.rows as usize);
    assert!(text.starts_with("time,event,who acted,credential,entry,project,from"));

    // The review's findings, each credential named.
    let review_path = dir.path().join("review.json");
    *harness.host.save_path.lock().unwrap() = Some(review_path.clone());
    let input: atlas_access_core::audit::review::ReviewInput =
        serde_json::from_value(serde_json::json!({
            "accessListRequired": false,
            "keys": [{"id": "0123456789abcdef01234567", "publicKey": "openopen", "desc": "Open key",
                      "orgRoles": ["ORG_MEMBER"], "projectCount": 1,
                      "entries": [{"entry": "0.0.0.0/0"}]}],
            "accounts": []
        }))
        .unwrap();
    let review = export::export_review(
        &ctx,
        export::ExportReview {
            input,
            format: ExportFormat::Json,
        },
    )
    .await
    .unwrap();
    assert!(review.rows >= 2, "open to the internet and never used");
    let findings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&review_path).unwrap()).unwrap();
    assert_eq!(findings[0]["severity"], "high");
    assert_eq!(findings[0]["credentials"][0]["id"], "openopen");
    assert_eq!(findings[0]["credentials"][0]["name"], "Open key");
}

#[tokio::test]
async fn a_rotation_switches_the_open_connection_to_the_new_key_before_the_old_one_goes() {
    use crate::commands::keys::NewOrgKeyRequest;
    use atlas_access_core::access::edits::NewOrgKeyInput;
    use secrecy::ExposeSecret;
    require_keychain();
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let admin = harness.state.sandbox().await.unwrap().admin().clone();
    // The built-in sandbox's connection is never switched.
    let built_in = connections::switch_connection_key(
        &ctx,
        connections::SwitchKey {
            profile_id: SANDBOX_PROFILE_ID.to_owned(),
            old_key_id: atlas_id(&"1".repeat(24)),
            key_id: atlas_id(&"0".repeat(24)),
            public_key: "abcdefgh".to_owned(),
            org_id: atlas_id(&org_id),
        },
    )
    .await;
    assert_eq!(kind(built_in), ErrorKind::InvalidInput);

    // A connection through an owner key made for it.
    let old = keys::create_org_key(
        &ctx,
        NewOrgKeyRequest {
            org_id: atlas_id(&org_id),
            input: NewOrgKeyInput {
                desc: "Connection key".to_owned(),
                roles: vec!["ORG_OWNER".to_owned()],
                // The address the built-in sandbox sees this computer at.
                access_list: "198.51.100.7".to_owned(),
                projects: Vec::new(),
            },
        },
    )
    .await
    .unwrap();
    let old_private = harness
        .state
        .one_time
        .with(&old.key.id, |secret| secret.expose_secret().to_owned())
        .unwrap();
    let old_private_kept = old_private.clone();
    let saved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Rotated".to_owned(),
            base_url: admin.base_url.clone(),
            kind: None,
            public_key: old.key.public_key.clone(),
            default_org_id: None,
            private_key: Some(SecretString::from(old_private)),
        },
    )
    .await
    .unwrap();
    let id = saved.profile.id.clone();
    connections::connect(&ctx, ProfileRef { id: id.clone() })
        .await
        .unwrap();
    let old_ref = || OrgKeyRef {
        org_id: atlas_id(&org_id),
        key_id: atlas_id(&old.key.id),
    };

    // A step of the new key fails (Atlas refuses its access list): the
    // connection is not switched, and waits.
    harness
        .state
        .sandbox()
        .await
        .unwrap()
        .aim_faults("500@POST:/accessList=1")
        .unwrap();
    let rotated = keys::rotate_org_key(
        &ctx,
        keys::RotateOrgKey {
            org_id: atlas_id(&org_id),
            key_id: atlas_id(&old.key.id),
            switch_profile_id: Some(id.clone()),
        },
    )
    .await
    .unwrap();
    assert!(matches!(rotated.switch, keys::ConnectionSwitch::Waiting));
    let new = rotated.created;
    assert_eq!(
        new.key.desc.split(" (rotated ").next(),
        Some("Connection key")
    );
    let stored = atlas_access_core::credentials::keychain::read_secret(&id)
        .await
        .unwrap();
    assert_eq!(stored.expose_secret(), old_private_kept, "not switched");
    // The key in use cannot go yet.
    assert_eq!(
        kind(keys::delete_org_key(&ctx, old_ref()).await),
        ErrorKind::Lockout
    );
    let switch = |profile_id: &str, old_key_id: &str| connections::SwitchKey {
        profile_id: profile_id.to_owned(),
        old_key_id: atlas_id(old_key_id),
        key_id: atlas_id(&new.key.id),
        public_key: new.key.public_key.clone(),
        org_id: atlas_id(&org_id),
    };
    // Only the open connection, and only from the key it signs in with: the
    // keychain entry of another connection, or of this one after it changed
    // key, is never overwritten.
    for (profile_id, old_key_id) in [
        ("another-connection", old.key.id.as_str()),
        (id.as_str(), new.key.id.as_str()),
    ] {
        assert_eq!(
            kind(connections::switch_connection_key(&ctx, switch(profile_id, old_key_id)).await),
            ErrorKind::InvalidInput,
            "{profile_id} from {old_key_id}"
        );
        let stored = atlas_access_core::credentials::keychain::read_secret(&id)
            .await
            .unwrap();
        assert_eq!(
            stored.expose_secret(),
            old_private_kept,
            "nothing was saved"
        );
    }
    // Resumed: the new key gets its list, then the connection switches.
    let resumed = keys::complete_rotation(
        &ctx,
        keys::RotationRef {
            org_id: atlas_id(&org_id),
            old_key_id: atlas_id(&old.key.id),
            new_key_id: atlas_id(&new.key.id),
            switch_profile_id: Some(id.clone()),
        },
    )
    .await
    .unwrap();
    assert!(resumed.setup.complete);
    let keys::ConnectionSwitch::Switched { session: switched } = resumed.switch else {
        panic!("switched once complete");
    };
    assert_eq!(switched.key_in_use_id, new.key.id);
    assert_eq!(switched.profile.public_key, new.key.public_key);
    assert_eq!(switched.org_id.as_deref(), Some(org_id.as_str()));
    let new_private = harness
        .state
        .one_time
        .with(&new.key.id, |secret| secret.expose_secret().to_owned())
        .unwrap();
    let stored = atlas_access_core::credentials::keychain::read_secret(&id)
        .await
        .unwrap();
    assert_eq!(stored.expose_secret(), new_private);
    assert!(
        harness.sessions_closed().is_empty(),
        "the connection goes on"
    );

    // Now the old key goes, through the new one.
    keys::delete_org_key(&ctx, old_ref()).await.unwrap();
    connections::delete_profile(&ctx, ProfileRef { id })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_secret_of_the_service_account_in_use_switches_its_connection() {
    use crate::commands::service_accounts::{self, RotateSecret};
    use atlas_access_core::access::rules::ClientId;
    use secrecy::ExposeSecret;
    require_keychain();
    let harness = Harness::new();
    let ctx = harness.ctx();
    let org_id = harness.connect_sandbox().await;
    let admin = harness.state.sandbox().await.unwrap().admin().clone();
    let created = harness.owner_account(&org_id, "switched robot").await;
    let client_id = created.account.client_id.clone();
    let old_secret = created.secret.expose_secret().to_owned();
    let saved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Robot".to_owned(),
            base_url: admin.base_url.clone(),
            kind: Some(ConnectionKind::ServiceAccount),
            public_key: client_id.clone(),
            default_org_id: None,
            private_key: Some(created.secret.clone()),
        },
    )
    .await
    .unwrap();
    let id = saved.profile.id.clone();
    connections::connect(&ctx, ProfileRef { id: id.clone() })
        .await
        .unwrap();

    let rotation = service_accounts::rotate_service_account_secret(
        &ctx,
        RotateSecret {
            org_id: atlas_id(&org_id),
            client_id: ClientId::try_from(client_id.clone()).unwrap(),
            expires_after_hours: 24 * 30,
        },
    )
    .await
    .unwrap();
    let switch = |profile_id: &str| connections::SwitchSecret {
        profile_id: profile_id.to_owned(),
        client_id: ClientId::try_from(client_id.clone()).unwrap(),
        secret_id: atlas_id(&rotation.secret.id),
        org_id: atlas_id(&org_id),
    };
    // Only the open connection's keychain entry is ever replaced.
    assert_eq!(
        kind(connections::switch_connection_secret(&ctx, switch("another-connection")).await),
        ErrorKind::InvalidInput
    );
    let stored = atlas_access_core::credentials::keychain::read_secret(&id)
        .await
        .unwrap();
    assert_eq!(stored.expose_secret(), old_secret, "nothing was saved");

    let switched = connections::switch_connection_secret(&ctx, switch(&id))
        .await
        .unwrap();
    assert_eq!(switched.key_in_use_id, client_id);
    assert_eq!(switched.org_id.as_deref(), Some(org_id.as_str()));
    let new_secret = harness
        .state
        .one_time
        .with(&rotation.secret.id, |secret| {
            secret.expose_secret().to_owned()
        })
        .unwrap();
    let stored = atlas_access_core::credentials::keychain::read_secret(&id)
        .await
        .unwrap();
    assert_eq!(stored.expose_secret(), new_secret);
    assert!(
        harness.sessions_closed().is_empty(),
        "the connection goes on"
    );
    // It works through the new secret: the old one can go, through it.
    let old_secret_id = rotation.others[0].id.clone();
    let account = service_accounts::delete_service_account_secret(
        &ctx,
        service_accounts::AccountSecretRef {
            org_id: atlas_id(&org_id),
            client_id: ClientId::try_from(client_id.clone()).unwrap(),
            secret_id: atlas_id(&old_secret_id),
        },
    )
    .await
    .unwrap();
    assert_eq!(account.secrets.len(), 1);
    keys::load_key_list(
        &ctx,
        OrgRef {
            org_id: atlas_id(&org_id),
        },
    )
    .await
    .unwrap();
    connections::delete_profile(&ctx, ProfileRef { id })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_secret_goes_to_a_host_that_is_not_atlas_only_once_the_user_allows_it() {
    require_keychain();
    let harness = Harness::new();
    let ctx = harness.ctx();
    // A port nothing listens on, under a name that is not Atlas's.
    let saved = connections::save_profile(
        &ctx,
        ProfileInput {
            id: None,
            name: "Elsewhere".to_owned(),
            base_url: "https://atlas-proxy.invalid:9".to_owned(),
            kind: None,
            public_key: "abcdefgh".to_owned(),
            default_org_id: None,
            private_key: Some(SecretString::from(
                "0d7f1c2e-5b1a-4c8e-9f00-aa11bb22cc33".to_owned(),
            )),
        },
    )
    .await
    .unwrap();
    let id = saved.profile.id.clone();
    let asked = || harness.host.questions.lock().unwrap().len();

    // Declined: refused in words, for Test Connection and Connect alike.
    for attempt in [
        connections::test_connection(&ctx, ProfileRef { id: id.clone() })
            .await
            .map(|_| ()),
        connections::connect(&ctx, ProfileRef { id: id.clone() })
            .await
            .map(|_| ()),
    ] {
        let refused = attempt.expect_err("not allowed");
        assert_eq!(refused.kind, ErrorKind::InvalidInput);
        assert!(
            refused
                .message
                .contains("Nothing was sent to atlas-proxy.invalid:9"),
            "{}",
            refused.message
        );
    }
    assert_eq!(asked(), 2, "asked each time until allowed");
    assert!(
        harness.host.questions.lock().unwrap()[0].contains("not MongoDB Atlas"),
        "the question says why"
    );

    // Allowed: the request goes out (and fails here: no such server), and
    // the answer is kept.
    *harness.host.confirms.lock().unwrap() = true;
    let failed = connections::test_connection(&ctx, ProfileRef { id: id.clone() })
        .await
        .expect_err("no server there");
    assert!(
        !failed.message.contains("Nothing was sent"),
        "{}",
        failed.message
    );
    assert_eq!(asked(), 3);
    *harness.host.confirms.lock().unwrap() = false;
    let _ = connections::test_connection(&ctx, ProfileRef { id: id.clone() }).await;
    assert_eq!(asked(), 3, "not asked again");

    // Atlas's own hosts and this computer are never asked about.
    let org_id = harness.connect_sandbox().await;
    assert!(!org_id.is_empty());
    assert_eq!(asked(), 3);
    connections::delete_profile(&ctx, ProfileRef { id })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_appearance_is_kept_and_given_to_the_window() {
    use crate::commands::desktop;
    let harness = Harness::new();
    let ctx = harness.ctx();
    // Needs no connection.
    assert_eq!(
        desktop::appearance(&ctx, NoArgs {}).await.unwrap(),
        Appearance::System
    );
    let kept = desktop::set_appearance(&ctx, Appearance::Dark)
        .await
        .unwrap();
    assert_eq!(kept, Appearance::Dark);
    assert_eq!(
        *harness.host.appearance.lock().unwrap(),
        Some(Appearance::Dark)
    );
    assert_eq!(
        desktop::appearance(&ctx, NoArgs {}).await.unwrap(),
        Appearance::Dark
    );
}

#[tokio::test]
async fn diagnostics_tell_the_version_the_connection_and_the_log_and_no_secret() {
    use crate::commands::desktop;
    use crate::commands::keys::NewOrgKeyRequest;
    use atlas_access_core::access::edits::NewOrgKeyInput;
    use secrecy::ExposeSecret;
    crate::log::init();
    let harness = Harness::new();
    let ctx = harness.ctx();

    let closed = desktop::copy_diagnostics(&ctx, NoArgs {}).await.unwrap();
    assert!(
        closed.text.contains("Connection: none open"),
        "{}",
        closed.text
    );

    let org_id = harness.connect_sandbox().await;
    let created = keys::create_org_key(
        &ctx,
        NewOrgKeyRequest {
            org_id: atlas_id(&org_id),
            input: NewOrgKeyInput {
                desc: "Diagnostics".to_owned(),
                roles: vec!["ORG_MEMBER".to_owned()],
                access_list: "203.0.113.9".to_owned(),
                projects: Vec::new(),
            },
        },
    )
    .await
    .unwrap();
    let private_key = harness
        .state
        .one_time
        .with(&created.key.id, |secret| secret.expose_secret().to_owned())
        .unwrap();
    let admin_private_key = harness
        .state
        .sandbox()
        .await
        .unwrap()
        .admin()
        .private_key
        .clone();

    let report = desktop::copy_diagnostics(&ctx, NoArgs {}).await.unwrap();
    let text = &report.text;
    assert_eq!(
        harness.host.read_clipboard().as_deref(),
        Some(text.as_str())
    );
    assert!(
        text.starts_with(&format!(
            "Atlas Access Manager {}\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(text.contains("\nOS: "), "{text}");
    let engine = if cfg!(windows) {
        "WebView2"
    } else {
        "WebKitGTK "
    };
    assert!(text.contains(&format!("\nWeb engine: {engine}")), "{text}");
    assert!(
        text.contains("Connection: API key at http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("(the built-in sandbox)"), "{text}");
    assert!(
        text.contains("built-in sandbox started"),
        "the log's lines: {text}"
    );
    assert!(!text.contains(&private_key));
    assert!(!text.contains(&admin_private_key));
}

#[tokio::test]
async fn a_connections_file_found_unreadable_at_start_up_is_told_on_the_connections_page() {
    let harness = Harness::new();
    let path = harness.state.profiles.path().to_owned();
    std::fs::write(&path, b"{ \"profiles\": [ oops").unwrap();
    // Start-up reads the appearance first (lib.rs), and finds the file unreadable.
    assert_eq!(
        harness.state.profiles.appearance().await.unwrap(),
        Appearance::System
    );
    let list = connections::list_profiles(&harness.ctx(), NoArgs {})
        .await
        .unwrap();
    let problem = list.problem.expect("the page is told");
    assert!(
        problem.contains("could not be read and was moved to")
            && problem.contains("profiles.json.bak"),
        "{problem}"
    );
    assert_eq!(
        std::fs::read(path.with_extension("json.bak")).unwrap(),
        b"{ \"profiles\": [ oops"
    );
}

#[tokio::test]
async fn a_run_over_every_organization_stops_when_its_connection_ends() {
    let harness = Harness::new();
    harness.connect_sandbox().await;

    let run = harness.state.start_stoppable_run();
    harness
        .state
        .close_if("another-connection", "edited", harness.host.as_ref())
        .await;
    assert!(!run.is_stopped(), "another connection's end leaves it be");
    harness.connect_sandbox().await;
    assert!(
        run.is_stopped(),
        "a connection opened in its place stops it"
    );

    let run = harness.state.start_stoppable_run();
    harness
        .state
        .close_if(SANDBOX_PROFILE_ID, "edited", harness.host.as_ref())
        .await;
    assert!(run.is_stopped(), "its connection closed stops it");

    let later = harness.state.start_stoppable_run();
    assert!(!later.is_stopped());
    harness.state.close_on_exit().await;
    assert!(later.is_stopped(), "the app quitting stops it");
}
