//! The TypeScript side of the IPC boundary, generated into `ui/src/bindings/`:
//! the types (ts-rs), the command table of `surface.rs`, and the constants. The test fails when the committed files are stale;
//! `UPDATE_BINDINGS=1 cargo test -p atlas-access-manager bindings` rewrites them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ts_rs::{Config, ExportError, TS, TypeVisitor};

use crate::ipc::{self, CLIPBOARD_CLEARED_EVENT, SESSION_CLOSED_EVENT};
use crate::{CommandError, ipc::ProgressEvent, ipc::SessionClosed};
use atlas_access_core::access::rules;
use atlas_access_core::audit::activity::ACCESS_EVENT_TYPES;
use atlas_access_core::credentials::profiles::SANDBOX_PROFILE_ID;

/// Builds `commands.ts`, the typed client's table, exporting every type a
/// command names (and all they depend on) as it goes.
pub struct CommandTable<'a> {
    cfg: &'a Config,
    /// TypeScript name → the file it is exported to.
    imports: BTreeMap<String, PathBuf>,
    lines: Vec<String>,
}

/// Exports each exportable type it visits, and looks through the ones that
/// are not (`Vec<T>`, `Option<T>`) to what they hold.
struct Exporter<'a, 'b> {
    table: &'a mut CommandTable<'b>,
    error: Option<ExportError>,
}

impl TypeVisitor for Exporter<'_, '_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if self.error.is_some() {
            return;
        }
        match T::output_path() {
            Some(path) => {
                self.table.imports.insert(T::ident(self.table.cfg), path);
                if let Err(error) = T::export_all(self.table.cfg) {
                    self.error = Some(error);
                }
            }
            None => T::visit_generics(self),
        }
    }
}

impl<'a> CommandTable<'a> {
    pub fn new(cfg: &'a Config) -> Self {
        Self {
            cfg,
            imports: BTreeMap::new(),
            lines: Vec::new(),
        }
    }

    pub fn command<A: TS + 'static, R: TS + 'static>(
        &mut self,
        name: &str,
    ) -> Result<(), ExportError> {
        let mut exporter = Exporter {
            table: self,
            error: None,
        };
        exporter.visit::<A>();
        exporter.visit::<R>();
        if let Some(error) = exporter.error {
            return Err(error);
        }
        self.lines.push(format!(
            "  {name}: {{ args: {}; result: {} }};",
            A::name(self.cfg),
            R::name(self.cfg)
        ));
        Ok(())
    }

    pub fn finish(self) -> String {
        let mut text = String::from(
            "// Generated from src-tauri/app/src/surface.rs by `make bindings`: do not edit.\n",
        );
        for (name, path) in &self.imports {
            let file = path.with_extension("");
            text.push_str(&format!(
                "import type {{ {name} }} from \"./{}\";\n",
                file.display()
            ));
        }
        text.push_str("\n/** Every command the page may call: its argument and its result. */\n");
        text.push_str("export interface Commands {\n");
        for line in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("}\n");
        text
    }
}

/// The names both sides use, spelled once here.
fn constants() -> String {
    let constant = |name: &str, value: &str| format!("export const {name} = {value:?};\n");
    [
        "// Generated from the Rust constants by `make bindings`: do not edit.\n".to_owned(),
        constant("SESSION_CLOSED_EVENT", SESSION_CLOSED_EVENT),
        constant("CLIPBOARD_CLEARED_EVENT", CLIPBOARD_CLEARED_EVENT),
        constant("SANDBOX_PROFILE_ID", SANDBOX_PROFILE_ID),
        constant(
            "SERVICE_ACCOUNT_TEXT_CHARACTER",
            rules::SERVICE_ACCOUNT_TEXT_CHARACTER,
        ),
        format!(
            "export const SERVICE_ACCOUNT_NAME_MAX = {};\n",
            rules::SERVICE_ACCOUNT_NAME_MAX
        ),
        format!(
            "export const SERVICE_ACCOUNT_DESCRIPTION_MAX = {};\n",
            rules::SERVICE_ACCOUNT_DESCRIPTION_MAX
        ),
        format!(
            "export const ACCESS_EVENT_TYPES = [{}] as const;\n",
            ACCESS_EVENT_TYPES
                .iter()
                .map(|kind| format!("{kind:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ]
    .concat()
}

/// Exports every type the UI sees into `dir`, with the command table and
/// the constants.
fn export_all_into(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    let commands = ipc::typescript_commands(&cfg).expect("export the commands' types");
    // Sent as events or errors, not as a command's result.
    for exported in [
        CommandError::export_all(&cfg),
        ProgressEvent::export_all(&cfg),
        SessionClosed::export_all(&cfg),
    ] {
        exported.expect("export");
    }
    fs::write(dir.join("commands.ts"), commands).expect("write commands.ts");
    fs::write(dir.join("constants.ts"), constants()).expect("write constants.ts");
}

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

fn read_ts_files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.expect("read bindings dir").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read_to_string(&path).expect("read binding"))
        })
        .collect()
}

#[test]
fn bindings_are_fresh() {
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    export_all_into(fresh_dir.path());
    let fresh = read_ts_files(fresh_dir.path());
    assert!(!fresh.is_empty(), "ts-rs exported nothing");

    let committed_dir = committed_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        for stale in read_ts_files(&committed_dir).keys() {
            fs::remove_file(committed_dir.join(stale)).expect("remove stale binding");
        }
        fs::create_dir_all(&committed_dir).expect("create bindings dir");
        for (name, text) in &fresh {
            fs::write(committed_dir.join(name), text).expect("write binding");
        }
        return;
    }

    let committed = read_ts_files(&committed_dir);
    let stale: Vec<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|name| fresh.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/bindings is stale ({stale:?}); run `make bindings` and commit the result"
    );
}

/// The capability grants exactly the commands of the table, and listening to
/// their events: nothing more, and none missing.
#[test]
fn the_capability_allows_exactly_the_declared_commands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
    let capability: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).expect("read capability")).expect("json");
    let granted: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|permission| permission.as_str().expect("a permission name"))
        .collect();
    let mut wanted = vec!["core:event:allow-listen", "core:event:allow-unlisten"];
    let commands: Vec<String> = ipc::COMMAND_NAMES
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    wanted.extend(commands.iter().map(String::as_str));
    assert_eq!(
        granted,
        wanted,
        "{} must grant exactly the commands of src/surface.rs, in its order",
        path.display()
    );
}
