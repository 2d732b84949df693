//! The keychain against the system's real store: a Secret Service on Linux
//! (`make test` runs the suites inside `dbus-run-session` with an unlocked
//! gnome-keyring), the Credential Manager on Windows (wine's, in
//! `make test-windows`). Each store is also read and written by another
//! client than keyring, as the rest of the system would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should panic

use atlas_access_core::atlas::{AtlasClient, ClientOptions, KeychainCredentials};
use atlas_access_core::credentials::keychain::{self, KeychainError, SERVICE};
use secrecy::{ExposeSecret, SecretString};

fn account(name: &str) -> String {
    format!("test-{name}-{}", std::process::id())
}

fn require_session() {
    #[cfg(target_os = "linux")]
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "these tests need a Secret Service: run them with `make test` (dbus-run-session + gnome-keyring)"
    );
}

/// What another client of the store reads for the app's `account`.
#[cfg(target_os = "linux")]
fn read_as_another_client(account: &str) -> String {
    secret_tool_lookup(SERVICE, account)
}

/// What `secret-tool`, another client of the Secret Service, reads.
#[cfg(target_os = "linux")]
fn secret_tool_lookup(service: &str, username: &str) -> String {
    let lookup = std::process::Command::new("secret-tool")
        .args(["lookup", "service", service, "username", username])
        .output()
        .unwrap();
    String::from_utf8(lookup.stdout).unwrap()
}

/// What another client of the store reads for the app's `account`: the
/// Credential Manager's own call, on keyring's target `<account>.<service>`.
#[cfg(windows)]
fn read_as_another_client(account: &str) -> String {
    let blob = windows_credentials::read(&format!("{account}.{SERVICE}")).unwrap();
    // keyring writes a password as UTF-16.
    let units: Vec<u16> = blob
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

/// What another client of the store reads for the app's `account`: the
/// `security` tool, on keyring's generic password (service and account).
#[cfg(target_os = "macos")]
fn read_as_another_client(account: &str) -> String {
    let found = std::process::Command::new("security")
        .args(["find-generic-password", "-s", SERVICE, "-a", account, "-w"])
        .output()
        .unwrap();
    String::from_utf8(found.stdout)
        .unwrap()
        .trim_end()
        .to_owned()
}

/// The Credential Manager through its own API, as another program uses it.
#[cfg(windows)]
#[allow(unsafe_code)] // FFI to CredReadW/CredWriteW, the point of the check
mod windows_credentials {
    use windows_sys::Win32::Security::Credentials::{
        CRED_PERSIST_LOCAL_MACHINE, CRED_TYPE_GENERIC, CREDENTIALW, CredFree, CredReadW, CredWriteW,
    };

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// The blob of the generic credential `target`, if there is one.
    pub fn read(target: &str) -> Option<Vec<u8>> {
        let target = wide(target);
        let mut found: *mut CREDENTIALW = std::ptr::null_mut();
        // SAFETY: `target` is NUL-terminated and outlives the call; `found`
        // is freed with CredFree after its blob is copied.
        unsafe {
            if CredReadW(target.as_ptr(), CRED_TYPE_GENERIC, 0, &mut found) == 0 {
                return None;
            }
            let credential = &*found;
            let blob = std::slice::from_raw_parts(
                credential.CredentialBlob,
                credential.CredentialBlobSize as usize,
            )
            .to_vec();
            CredFree(found.cast());
            Some(blob)
        }
    }

    /// Writes a generic credential as go-keyring (through wincred) does:
    /// the target, the user name, the value's UTF-8 bytes, kept on this machine.
    pub fn write(target: &str, user: &str, value: &[u8]) {
        let mut target = wide(target);
        let mut user = wide(user);
        let mut blob = value.to_vec();
        // SAFETY: every pointer points into a buffer that outlives the call.
        let written = unsafe {
            let mut credential: CREDENTIALW = std::mem::zeroed();
            credential.Type = CRED_TYPE_GENERIC;
            credential.TargetName = target.as_mut_ptr();
            credential.UserName = user.as_mut_ptr();
            credential.CredentialBlob = blob.as_mut_ptr();
            credential.CredentialBlobSize = u32::try_from(blob.len()).unwrap();
            credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
            CredWriteW(&credential, 0)
        };
        assert_ne!(written, 0, "CredWriteW failed");
    }
}

#[tokio::test]
async fn store_read_replace_delete_and_missing() {
    require_session();
    let account = account("roundtrip");
    assert!(!keychain::has_secret(&account).await.unwrap());
    keychain::store_secret(&account, &SecretString::from("first-secret".to_owned()))
        .await
        .unwrap();
    assert!(keychain::has_secret(&account).await.unwrap());
    assert_eq!(
        keychain::read_secret(&account)
            .await
            .unwrap()
            .expose_secret(),
        "first-secret"
    );
    keychain::store_secret(&account, &SecretString::from("second-secret".to_owned()))
        .await
        .unwrap();
    assert_eq!(
        keychain::read_secret(&account)
            .await
            .unwrap()
            .expose_secret(),
        "second-secret"
    );

    // Another client of the store sees it: the real store, not keyring's mock.
    assert_eq!(read_as_another_client(&account), "second-secret");

    keychain::delete_secret(&account).await.unwrap();
    assert!(!keychain::has_secret(&account).await.unwrap());
    assert_eq!(
        keychain::read_secret(&account).await.unwrap_err(),
        KeychainError::Missing {
            account: account.clone()
        }
    );
    keychain::delete_secret(&account).await.unwrap();
    assert!(keychain::probe().await.reachable);
}

#[tokio::test]
async fn a_client_reads_its_private_key_from_the_keychain() {
    require_session();
    let sandbox = atlas_sandbox::Sandbox::start(atlas_sandbox::Config::default())
        .await
        .unwrap();
    let admin = sandbox.admin();
    let account = account("client");
    keychain::store_secret(&account, &SecretString::from(admin.private_key.clone()))
        .await
        .unwrap();
    let credentials = KeychainCredentials {
        account: account.clone(),
        public_key: admin.public_key.clone(),
    };
    let client = AtlasClient::connect(&admin.base_url, &credentials, ClientOptions::default())
        .await
        .unwrap();
    assert_eq!(client.list_orgs().await.unwrap().len(), 2);

    keychain::delete_secret(&account).await.unwrap();
    let gone = AtlasClient::connect(&admin.base_url, &credentials, ClientOptions::default())
        .await
        .unwrap_err();
    assert!(
        gone.advice().contains("gone from the keychain"),
        "{}",
        gone.advice()
    );
}

/// Run by `no_secret_service_is_a_typed_error` in a child process whose
/// D-Bus address leads nowhere.
#[cfg(target_os = "linux")]
#[tokio::test]
#[ignore = "run as a child of no_secret_service_is_a_typed_error"]
async fn child_without_secret_service() {
    let error = keychain::read_secret("anything").await.unwrap_err();
    assert!(matches!(error, KeychainError::NoStore { .. }), "{error:?}");
    assert!(error.advice().contains("Secret Service"));
    assert!(!keychain::probe().await.reachable);
}

#[cfg(target_os = "linux")]
#[test]
fn no_secret_service_is_a_typed_error() {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/atlas-access-manager-bus",
    );
    assert_child_passes(command, "child_without_secret_service");
}

/// Runs `command`, which starts this test binary, on the ignored test `name`
/// alone, and checks that the test ran and passed.
#[cfg(target_os = "linux")]
fn assert_child_passes(mut command: std::process::Command, name: &str) {
    let child = command
        .args(["--ignored", "--exact", name, "--test-threads=1"])
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success(),
        "{output}{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert!(
        output.contains("1 passed"),
        "the child ran the test: {output}"
    );
}

/// Run by `a_locked_keychain_is_a_typed_error` in a keyring of its own.
#[cfg(target_os = "linux")]
#[tokio::test]
#[ignore = "run as a child of a_locked_keychain_is_a_typed_error"]
async fn child_with_a_locked_keychain() {
    let account = account("locked");
    keychain::store_secret(&account, &SecretString::from("kept-secret".to_owned()))
        .await
        .unwrap();
    let service =
        dbus_secret_service::SecretService::connect(dbus_secret_service::EncryptionType::Plain)
            .unwrap();
    service.get_default_collection().unwrap().lock().unwrap();

    let error = keychain::read_secret(&account).await.unwrap_err();
    assert!(matches!(error, KeychainError::Locked { .. }), "{error:?}");
    assert!(error.advice().contains("Unlock it"), "{}", error.advice());
    let error = keychain::store_secret(&account, &SecretString::from("new".to_owned()))
        .await
        .unwrap_err();
    assert!(matches!(error, KeychainError::Locked { .. }), "{error:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_locked_keychain_is_a_typed_error() {
    require_session();
    // A D-Bus session and keyring of its own, as locking the shared one would
    // stop the other tests; and no display, so the prompt to unlock fails at
    // once instead of waiting for a person.
    let with_keyring = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/with-keyring.sh");
    let mut command = std::process::Command::new("dbus-run-session");
    command
        .arg("--")
        .arg(with_keyring)
        .arg(std::env::current_exe().unwrap())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    assert_child_passes(command, "child_with_a_locked_keychain");
}

#[tokio::test]
async fn atlas_cli_import_keeps_the_private_key_out_of_our_file() {
    require_session();
    use atlas_access_core::credentials::connections::import_atlas_cli;
    use atlas_access_core::credentials::profiles::ProfileStore;
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles.json"));
    let name = account("cli");
    let secret = "40395d07-a353-4881-853b-43efa41339a1";
    let text = format!(
        "[{name}]\n  public_api_key = \"mcpvrzod\"\n  private_api_key = \"{secret}\"\n  org_id = \"a0123456789abcdef012345a\"\n"
    );
    let imported = import_atlas_cli(&store, &text).await.unwrap();
    assert_eq!(imported.len(), 1);
    assert!(imported[0].private_key_stored);
    let id = imported[0].profile.id.clone();
    assert_eq!(
        keychain::read_secret(&id).await.unwrap().expose_secret(),
        secret
    );
    let file = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        file.contains("mcpvrzod") && !file.contains(secret),
        "{file}"
    );
    keychain::delete_secret(&id).await.unwrap();
}

#[tokio::test]
async fn an_atlas_cli_profile_imported_again_for_another_host_leaves_its_secret_behind() {
    require_session();
    use atlas_access_core::credentials::connections::import_atlas_cli;
    use atlas_access_core::credentials::profiles::ProfileStore;
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles.json"));
    let name = account("clihost");
    let secret = "5d9e0c2a-6b1f-4c3d-8e7a-9f0b1c2d3e4f";
    let first =
        format!("[{name}]\n  public_api_key = \"mcpvrzod\"\n  private_api_key = \"{secret}\"\n");
    let imported = import_atlas_cli(&store, &first).await.unwrap();
    let id = imported[0].profile.id.clone();
    assert!(imported[0].private_key_stored);

    // The same profile, imported again: same host, no secret in the file
    // or the CLI's keychain. The stored one stays, and is said to.
    let again = format!("[{name}]\n  public_api_key = \"mcpvrzod\"\n");
    let imported = import_atlas_cli(&store, &again).await.unwrap();
    assert!(imported[0].private_key_stored);
    assert_eq!(
        keychain::read_secret(&id).await.unwrap().expose_secret(),
        secret
    );

    // Now pointed at another host: the stored secret is not kept for it.
    let moved = format!(
        "[{name}]\n  public_api_key = \"mcpvrzod\"\n  ops_manager_url = \"https://opsmanager.example.com/\"\n"
    );
    let imported = import_atlas_cli(&store, &moved).await.unwrap();
    assert_eq!(
        imported[0].profile.base_url,
        "https://opsmanager.example.com"
    );
    assert!(!imported[0].private_key_stored, "{imported:?}");
    assert!(matches!(
        keychain::read_secret(&id).await,
        Err(KeychainError::Missing { .. })
    ));
}

/// Writes an item the way the Atlas CLI's keyring library (go-keyring) does:
/// only `service` and `username` attributes.
#[cfg(target_os = "linux")]
fn store_as_the_atlas_cli(profile: &str, property: &str, value: &str) {
    let service =
        dbus_secret_service::SecretService::connect(dbus_secret_service::EncryptionType::Plain)
            .unwrap();
    let service_name = format!("atlascli_{profile}");
    service
        .get_default_collection()
        .unwrap()
        .create_item(
            &format!("Password for '{property}' on '{service_name}'"),
            std::collections::HashMap::from([
                ("service", service_name.as_str()),
                ("username", property),
            ]),
            value.as_bytes(),
            true,
            "text/plain",
        )
        .unwrap();
}

/// Writes a generic password the way the Atlas CLI's keyring library
/// (go-keyring, keyring_darwin.go) does: service and account, through `security`.
#[cfg(target_os = "macos")]
fn store_as_the_atlas_cli(profile: &str, property: &str, value: &str) {
    let service = format!("atlascli_{profile}");
    let status = std::process::Command::new("security")
        .args([
            "add-generic-password",
            "-U",
            "-s",
            &service,
            "-a",
            property,
            "-w",
            value,
        ])
        .status()
        .unwrap();
    assert!(status.success(), "security add-generic-password failed");
}

/// Writes a credential the way the Atlas CLI's keyring library (go-keyring,
/// keyring_windows.go) does: target `<service>:<username>`, UTF-8 bytes.
#[cfg(windows)]
fn store_as_the_atlas_cli(profile: &str, property: &str, value: &str) {
    windows_credentials::write(
        &format!("atlascli_{profile}:{property}"),
        property,
        value.as_bytes(),
    );
}

#[tokio::test]
async fn atlas_cli_import_reads_what_the_cli_keeps_in_its_keychain_entries() {
    require_session();
    use atlas_access_core::credentials::connections::import_atlas_cli;
    use atlas_access_core::credentials::profiles::{ConnectionKind, ProfileStore};
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(dir.path().join("profiles.json"));
    // A service account with its id and secret in the CLI's keychain; a
    // second one whose secret is in neither place; a key profile with its
    // private key there.
    let robot = account("clirobot");
    let bare = account("clibare");
    let keys = account("clikeys");
    let client_id = "mdb_sa_id_6a790d000000000000000001";
    let client_secret = "mdb_sa_sk_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    let private_key = "8a0f2c3e-1b4d-4e6f-9a8b-7c6d5e4f3a2b";
    store_as_the_atlas_cli(&robot, "client_id", client_id);
    store_as_the_atlas_cli(&robot, "client_secret", client_secret);
    store_as_the_atlas_cli(&keys, "public_api_key", "qwertyui");
    store_as_the_atlas_cli(&keys, "private_api_key", private_key);
    let text = format!(
        "[{robot}]\n  auth_type = \"service_account\"\n  org_id = \"a0123456789abcdef012345a\"\n\
         [{bare}]\n  auth_type = \"service_account\"\n  client_id = \"mdb_sa_id_6a790d000000000000000002\"\n\
         [{keys}]\n  auth_type = \"api_keys\"\n\
         [nothing-{bare}]\n  auth_type = \"api_keys\"\n"
    );
    let imported = import_atlas_cli(&store, &text).await.unwrap();
    let by_name = |name: &str| {
        imported
            .iter()
            .find(|item| item.profile.id == format!("atlascli-{name}"))
            .unwrap_or_else(|| panic!("{name} imported: {imported:?}"))
    };
    assert_eq!(
        imported.len(),
        3,
        "a profile with no credentials anywhere is left out"
    );

    let robot_profile = by_name(&robot);
    assert_eq!(robot_profile.profile.kind, ConnectionKind::ServiceAccount);
    assert_eq!(robot_profile.profile.public_key, client_id);
    assert!(robot_profile.private_key_stored);
    assert_eq!(
        keychain::read_secret(&robot_profile.profile.id)
            .await
            .unwrap()
            .expose_secret(),
        client_secret
    );
    let bare_profile = by_name(&bare);
    assert!(
        !bare_profile.private_key_stored,
        "imported without its secret, and it says so"
    );
    let keys_profile = by_name(&keys);
    assert_eq!(keys_profile.profile.public_key, "qwertyui");
    assert_eq!(
        keychain::read_secret(&keys_profile.profile.id)
            .await
            .unwrap()
            .expose_secret(),
        private_key
    );
    let file = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        !file.contains(client_secret) && !file.contains(private_key),
        "{file}"
    );
    for item in &imported {
        keychain::delete_secret(&item.profile.id).await.unwrap();
    }
}

/// What the Atlas CLI would read for `property` of `profile` (go-keyring
/// searches by `service` and `username` alone).
#[cfg(target_os = "linux")]
fn read_as_the_atlas_cli(profile: &str, property: &str) -> String {
    secret_tool_lookup(&format!("atlascli_{profile}"), property)
}

#[cfg(windows)]
fn read_as_the_atlas_cli(profile: &str, property: &str) -> String {
    let blob = windows_credentials::read(&format!("atlascli_{profile}:{property}")).unwrap();
    String::from_utf8(blob).unwrap()
}

#[cfg(target_os = "macos")]
fn read_as_the_atlas_cli(profile: &str, property: &str) -> String {
    let found = std::process::Command::new("security")
        .args([
            "find-generic-password",
            "-s",
            &format!("atlascli_{profile}"),
            "-a",
            property,
            "-w",
        ])
        .output()
        .unwrap();
    String::from_utf8(found.stdout)
        .unwrap()
        .trim_end()
        .to_owned()
}

/// A new secret handed to the Atlas CLI: the file as the CLI reads it,
/// nothing secret in it, the other profiles and comments kept, the secret
/// where the CLI looks; it comes back whole through the app's own import;
/// an existing profile is replaced only when confirmed, with a backup, and
/// an entry the CLI itself wrote is replaced rather than doubled.
#[tokio::test]
async fn a_new_secret_saved_to_an_atlas_cli_profile_is_where_the_cli_reads_it() {
    require_session();
    use atlas_access_core::credentials::atlas_cli::{CliSaveMode, CliTarget, choices, save};
    use atlas_access_core::credentials::connections::import_atlas_cli;
    use atlas_access_core::credentials::profiles::{ConnectionKind, ProfileStore};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("atlascli").join("config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let neighbour = account("clineighbour");
    let original = format!(
        "# kept by hand\n[{neighbour}]\n  # the shared project\n  org_id = \"a0123456789abcdef012345a\"\n  public_api_key = \"zzzzzzzz\"\n"
    );
    std::fs::write(&config, &original).unwrap();

    let profile = account("clisaved");
    let secret = "b6f1e2d3-c4a5-4b6c-8d7e-9f0a1b2c3d4e";
    let target = CliTarget {
        profile: profile.clone(),
        kind: ConnectionKind::ApiKey,
        identity: "abcdefgh".to_owned(),
        org_id: "a0123456789abcdef012345a".to_owned(),
        base_url: "https://cloud.mongodb.com".to_owned(),
    };
    let saved = save(
        &config,
        &target,
        &SecretString::from(secret),
        CliSaveMode::New,
    )
    .await
    .unwrap();
    assert!(!saved.replaced);
    assert_eq!(saved.keychain_service, format!("atlascli_{profile}"));
    let backup = saved.backup_path.expect("the old config is kept");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original);

    // The file: no secret, the neighbour and the comments as they were.
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains(secret), "{text}");
    assert!(text.starts_with(&original), "the rest is as it was: {text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the user alone");
    }
    // The keychain, as another client (the CLI's library) reads it.
    assert_eq!(read_as_the_atlas_cli(&profile, "private_api_key"), secret);
    assert_eq!(
        read_as_the_atlas_cli(&profile, "public_api_key"),
        "abcdefgh"
    );

    // Back through the app's own import: the same credential.
    let store = ProfileStore::at(dir.path().join("profiles.json"));
    let imported = import_atlas_cli(&store, &text).await.unwrap();
    let mine = imported
        .iter()
        .find(|item| item.profile.id == format!("atlascli-{profile}"))
        .unwrap();
    assert_eq!(mine.profile.public_key, "abcdefgh");
    assert_eq!(
        mine.profile.default_org_id.as_deref(),
        Some("a0123456789abcdef012345a")
    );
    assert!(mine.private_key_stored);
    assert_eq!(
        keychain::read_secret(&mine.profile.id)
            .await
            .unwrap()
            .expose_secret(),
        secret
    );

    // The profile now uses this key: offered for the key that replaces it.
    let offered = choices(&config, &["newnewnw", "abcdefgh"], "Rotated key")
        .await
        .unwrap();
    assert_eq!(
        offered
            .using
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        [profile.as_str()]
    );
    assert!(offered.taken.contains(&neighbour));

    // Replacing needs the confirmation; a new save of the name is refused.
    let rotated = CliTarget {
        identity: "newnewnw".to_owned(),
        ..target.clone()
    };
    let new_secret = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let refused = save(
        &config,
        &rotated,
        &SecretString::from(new_secret),
        CliSaveMode::New,
    )
    .await
    .unwrap_err();
    assert!(refused.advice().contains("already has a profile"));
    assert_eq!(read_as_the_atlas_cli(&profile, "private_api_key"), secret);
    let replaced = save(
        &config,
        &rotated,
        &SecretString::from(new_secret),
        CliSaveMode::ReplaceConfirmed,
    )
    .await
    .unwrap();
    assert!(replaced.replaced);
    assert_eq!(
        std::fs::read_to_string(replaced.backup_path.unwrap()).unwrap(),
        text,
        "the config before the replacement is kept"
    );
    assert_eq!(
        read_as_the_atlas_cli(&profile, "private_api_key"),
        new_secret
    );
    assert_eq!(
        read_as_the_atlas_cli(&profile, "public_api_key"),
        "newnewnw"
    );

    // An entry the CLI itself wrote (no `target` attribute) is replaced, not doubled.
    let legacy = account("clilegacy");
    store_as_the_atlas_cli(&legacy, "client_secret", "mdb_sa_sk_old");
    std::fs::write(
        &config,
        format!("[{legacy}]\n  auth_type = \"service_account\"\n  client_id = \"mdb_sa_id_x\"\n"),
    )
    .unwrap();
    save(
        &config,
        &CliTarget {
            profile: legacy.clone(),
            kind: ConnectionKind::ServiceAccount,
            identity: "mdb_sa_id_x".to_owned(),
            ..target.clone()
        },
        &SecretString::from("mdb_sa_sk_new"),
        CliSaveMode::ReplaceConfirmed,
    )
    .await
    .unwrap();
    assert_eq!(
        read_as_the_atlas_cli(&legacy, "client_secret"),
        "mdb_sa_sk_new"
    );
    #[cfg(target_os = "linux")]
    {
        let search = std::process::Command::new("secret-tool")
            .args([
                "search",
                "--all",
                "service",
                &format!("atlascli_{legacy}"),
                "username",
                "client_secret",
            ])
            .output()
            .unwrap();
        let found = String::from_utf8_lossy(&search.stdout)
            .matches("[/")
            .count()
            + String::from_utf8_lossy(&search.stderr)
                .matches("[/")
                .count();
        assert_eq!(found, 1, "one entry, not two");
    }

    for (name, property) in [
        (&profile, "public_api_key"),
        (&profile, "private_api_key"),
        (&legacy, "client_id"),
        (&legacy, "client_secret"),
    ] {
        atlas_access_core::credentials::keychain::atlas_cli::delete(name, property)
            .await
            .unwrap();
    }
    keychain::delete_secret(&mine.profile.id).await.unwrap();
}
