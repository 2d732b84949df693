//! Organization Access Manager: the keys of an organization, creating one
//! (its private key shown once), editing, deleting, and its access list.

use atlas_access_core::access::access_list::{self, CheckedEntry};
use atlas_access_core::access::edits::{self, AddEntriesReport, NewOrgKeyInput, ProjectOutcome};
use atlas_access_core::access::lockout::{self, LockoutCheck};
use atlas_access_core::access::reads;
use atlas_access_core::access::rotation::{self, RotationKeys, RotationSetup};
use atlas_access_core::access::rules::AtlasId;
use atlas_access_core::access::usecases::{
    self, INVENTORY_CONCURRENCY, Inventory, KeyAccessList, NewOrgKeyOutcome, StepOutcome,
};
use atlas_access_core::atlas::{AccessListEntry, ApiKey};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::connections::{self, SessionView, SwitchKey};
use super::{OrgRef, progress_sender};
use crate::CommandError;
use crate::ipc::{AppEvent, Ctx, NoArgs, ProgressChannel};
use crate::one_time::clear_after;

/// A key of an organization.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrgKeyRef {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
}

/// A newly created key whose private key is still held for its dialog.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyRef {
    pub key_id: AtlasId,
}

/// The access lists to read, in the order wanted: the rows on screen first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccessListsRequest {
    pub org_id: AtlasId,
    pub key_ids: Vec<AtlasId>,
    /// Where the progress goes: a channel the page made for this call.
    #[serde(default)]
    #[ts(optional)]
    pub progress: Option<ProgressChannel>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckEntries {
    pub text: String,
    pub existing: Vec<AccessListEntry>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewOrgKeyRequest {
    pub org_id: AtlasId,
    pub input: NewOrgKeyInput,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrgKey {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub desc: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddEntries {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub text: String,
}

/// One entry (an address or a CIDR block) of a key's access list.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntryRef {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub entry: String,
}

/// The organization's keys and projects without their access lists: the
/// keys table shows at once, and `load_access_lists` fills the lists in.
pub async fn load_key_list(ctx: &Ctx<'_>, args: OrgRef) -> Result<Inventory, CommandError> {
    let session = ctx.state.session().await?;
    Ok(usecases::load_key_list(&session.client, &args.org_id).await?)
}

/// Reads the access lists of these keys, a few at a time, in the order
/// given; progress goes out as `progress` events (`inventory`).
pub async fn load_access_lists(
    ctx: &Ctx<'_>,
    args: AccessListsRequest,
) -> Result<Vec<KeyAccessList>, CommandError> {
    let session = ctx.state.session().await?;
    let progress = progress_sender(ctx, args.progress.as_ref());
    Ok(usecases::load_access_lists(
        &session.client,
        &args.org_id,
        &args
            .key_ids
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>(),
        INVENTORY_CONCURRENCY,
        &progress,
    )
    .await)
}

/// Checks typed or pasted entries against a key's current list, line by line.
pub async fn check_access_entries(
    _: &Ctx<'_>,
    args: CheckEntries,
) -> Result<Vec<CheckedEntry>, CommandError> {
    Ok(access_list::check(&args.text, &args.existing))
}

/// A new key and its private key, sent to the UI this once for display.
/// No `Debug`: nothing may print it; the private key is zeroed when the
/// view is dropped, right after it is serialized.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreatedKeyView {
    /// The key as it is after its setup, with every role it was given.
    pub key: ApiKey,
    #[ts(type = "string")]
    pub private_key: ShownOnce,
    pub access_list: StepOutcome,
    pub invitations: Vec<ProjectOutcome>,
}

/// A new private key on its way to its one-time display: serialized as its
/// text (the one place it is written out), zeroed when dropped.
pub struct ShownOnce(SecretString);

impl ShownOnce {
    pub fn new(secret: &SecretString) -> Self {
        Self(SecretString::from(secret.expose_secret()))
    }
}

impl Serialize for ShownOnce {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

pub async fn create_org_key(
    ctx: &Ctx<'_>,
    args: NewOrgKeyRequest,
) -> Result<CreatedKeyView, CommandError> {
    let session = ctx.state.session().await?;
    let outcome = edits::create_org_key(&session.client, &args.org_id, &args.input).await?;
    Ok(created_view(ctx, outcome))
}

/// A new key for the page: its private key held in Rust for the one-time
/// dialog, and each setup step's result.
pub fn created_view(ctx: &Ctx<'_>, outcome: NewOrgKeyOutcome) -> CreatedKeyView {
    let private_key = ShownOnce::new(&outcome.created.private_key);
    ctx.state
        .one_time
        .keep(&outcome.created.key.id, outcome.created.private_key);
    CreatedKeyView {
        key: outcome.key_after,
        private_key,
        access_list: outcome.access_list,
        invitations: outcome
            .invitations
            .into_iter()
            .map(|(project_id, outcome)| ProjectOutcome {
                project_id,
                outcome,
            })
            .collect(),
    }
}

/// Copies a new key's private key through Rust, and clears the clipboard
/// later if it still holds the key. Answers the seconds until then.
pub async fn copy_private_key(ctx: &Ctx<'_>, args: KeyRef) -> Result<u32, CommandError> {
    copy_held_secret(ctx, args.key_id)
}

/// Copies a secret held for its one-time dialog (a private key, a client
/// secret) and clears the clipboard later if it still holds it; the page
/// hears of it as `ClipboardCleared(id)`. Answers the seconds until then.
pub fn copy_held_secret(ctx: &Ctx<'_>, id: AtlasId) -> Result<u32, CommandError> {
    let host = ctx.host.clone();
    let fingerprint = ctx.state.one_time.copy_to_clipboard(&id, &*host)?;
    let delay = clear_after();
    let one_time = ctx.state.one_time.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(delay).await;
        // Said only when done: a text copied since is left where it is.
        if one_time.clear_clipboard_of(fingerprint, &*host) {
            host.emit(AppEvent::ClipboardCleared(id.into()));
        }
    });
    Ok(u32::try_from(delay.as_secs()).unwrap_or(u32::MAX))
}

/// The one-time dialog closed: the private key is dropped and zeroed.
pub async fn forget_private_key(ctx: &Ctx<'_>, args: KeyRef) -> Result<(), CommandError> {
    ctx.state.one_time.forget(&args.key_id);
    Ok(())
}

pub async fn update_org_key(ctx: &Ctx<'_>, args: UpdateOrgKey) -> Result<ApiKey, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::update_org_key(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.key_id,
        &args.desc,
        &args.roles,
    )
    .await?)
}

pub async fn delete_org_key(ctx: &Ctx<'_>, args: OrgKeyRef) -> Result<(), CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::delete_org_key(&session.client, &session.caller, &args.org_id, &args.key_id).await?)
}

pub async fn get_access_list(
    ctx: &Ctx<'_>,
    args: OrgKeyRef,
) -> Result<Vec<AccessListEntry>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::access_list(&session.client, &args.org_id, &args.key_id).await?)
}

/// Adds the valid lines; the invalid ones are reported, not sent.
pub async fn add_access_entries(
    ctx: &Ctx<'_>,
    args: AddEntries,
) -> Result<AddEntriesReport, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::add_access_entries(&session.client, &args.org_id, &args.key_id, &args.text).await?)
}

/// The address Atlas sees this computer as.
pub async fn current_ip(ctx: &Ctx<'_>, _: NoArgs) -> Result<String, CommandError> {
    let session = ctx.state.session().await?;
    Ok(reads::current_ip(&session.client).await?)
}

pub async fn check_entry_removal(
    ctx: &Ctx<'_>,
    args: EntryRef,
) -> Result<LockoutCheck, CommandError> {
    let session = ctx.state.session().await?;
    Ok(lockout::check_entry_removal(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.key_id,
        &args.entry,
    )
    .await?)
}

/// An entry to remove, and whether the person confirmed what its check
/// warned of (the key's last entry).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntryRemoval {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    pub entry: String,
    pub acknowledged: bool,
}

/// Removes one entry unless that would lock out the key in use, or leave a
/// key with no list unconfirmed; answers the key's list after.
pub async fn delete_access_entry(
    ctx: &Ctx<'_>,
    args: EntryRemoval,
) -> Result<Vec<AccessListEntry>, CommandError> {
    let session = ctx.state.session().await?;
    Ok(edits::delete_access_entry(
        &session.client,
        &session.caller,
        &args.org_id,
        &args.key_id,
        &args.entry,
        args.acknowledged,
    )
    .await?)
}

/// Which rotation: the organization, the old key and the new one.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotationRef {
    pub org_id: AtlasId,
    pub old_key_id: AtlasId,
    pub new_key_id: AtlasId,
    /// The saved connection to switch to the new key once it has everything.
    #[ts(optional)]
    pub switch_profile_id: Option<String>,
}

/// A key to rotate, and the saved connection that signs in with it, to be
/// switched to the new key (none: no switch).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotateOrgKey {
    pub org_id: AtlasId,
    pub key_id: AtlasId,
    #[ts(optional)]
    pub switch_profile_id: Option<String>,
}

/// Whether the open connection moved to the rotation's new key.
#[derive(Serialize, TS)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum ConnectionSwitch {
    /// None was asked for.
    NotAsked,
    /// A step of the new key failed: the connection stays on the old key
    /// until a resumption gives the new key everything.
    Waiting,
    Switched {
        session: Box<SessionView>,
    },
    Failed {
        error: CommandError,
    },
}

/// Rotation, step 1: the new key (its private key held for the one-time
/// dialog), and the switch of the connection asked for.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RotatedKeyView {
    pub created: CreatedKeyView,
    pub switch: ConnectionSwitch,
}

/// Rotation, step 1: a new key with everything the old one has. The
/// connection named is switched to it only when every step succeeded;
/// otherwise it waits for [`complete_rotation`].
pub async fn rotate_org_key(
    ctx: &Ctx<'_>,
    args: RotateOrgKey,
) -> Result<RotatedKeyView, CommandError> {
    let session = ctx.state.session().await?;
    let outcome = rotation::start_rotation(&session.client, &args.org_id, &args.key_id).await?;
    let complete = outcome.is_complete();
    let new_key = outcome.created.key.clone();
    let created = created_view(ctx, outcome);
    let switch = switch_if_complete(
        ctx,
        args.switch_profile_id,
        complete,
        SwitchKey {
            profile_id: String::new(),
            old_key_id: args.key_id.clone(),
            key_id: AtlasId::try_from(new_key.id).map_err(CommandError::internal)?,
            public_key: new_key.public_key,
            org_id: args.org_id.clone(),
        },
    )
    .await;
    Ok(RotatedKeyView { created, switch })
}

/// Switches the connection `profile_id` (if asked) to the new key once its
/// steps are `complete`; never while one has failed.
async fn switch_if_complete(
    ctx: &Ctx<'_>,
    profile_id: Option<String>,
    complete: bool,
    key: SwitchKey,
) -> ConnectionSwitch {
    let Some(profile_id) = profile_id else {
        return ConnectionSwitch::NotAsked;
    };
    if !complete {
        return ConnectionSwitch::Waiting;
    }
    match connections::switch_connection_key(ctx, SwitchKey { profile_id, ..key }).await {
        Ok(session) => ConnectionSwitch::Switched {
            session: Box::new(session),
        },
        Err(error) => ConnectionSwitch::Failed { error },
    }
}

/// What resuming did, and the switch of the connection asked for.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResumedRotationView {
    pub setup: RotationSetup,
    pub switch: ConnectionSwitch,
}

/// Resumes a rotation: gives the new key what the old one has and it
/// lacks; then, once it has everything, switches the connection named.
pub async fn complete_rotation(
    ctx: &Ctx<'_>,
    args: RotationRef,
) -> Result<ResumedRotationView, CommandError> {
    let session = ctx.state.session().await?;
    let keys = RotationKeys {
        old_key_id: args.old_key_id.to_string(),
        new_key_id: args.new_key_id.to_string(),
    };
    let setup =
        rotation::complete_rotation(&session.client, &session.caller, &args.org_id, &keys).await?;
    let switch = switch_if_complete(
        ctx,
        args.switch_profile_id,
        setup.complete,
        SwitchKey {
            profile_id: String::new(),
            old_key_id: args.old_key_id.clone(),
            key_id: args.new_key_id.clone(),
            public_key: setup.key.public_key.clone(),
            org_id: args.org_id.clone(),
        },
    )
    .await;
    Ok(ResumedRotationView { setup, switch })
}
