// The only place that calls `invoke`. Every command, its argument and its
// result come from the table generated from Rust (bindings/commands.ts), so a
// command or field renamed on one side fails `tsc` on the other.
// Components import these wrappers, never `@tauri-apps/api/core` itself.
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AccessListEntry } from "./bindings/AccessListEntry";
import type { Appearance } from "./bindings/Appearance";
import type { ActivityFilter } from "./bindings/ActivityFilter";
import type { CliProfilesRequest } from "./bindings/CliProfilesRequest";
import type { CommandError } from "./bindings/CommandError";
import type { DelegationChange } from "./bindings/DelegationChange";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { Commands } from "./bindings/commands";
import { CLIPBOARD_CLEARED_EVENT, SESSION_CLOSED_EVENT } from "./bindings/constants";
import type { NewOrgKeyInput } from "./bindings/NewOrgKeyInput";
import type { NewServiceAccount } from "./bindings/NewServiceAccount";
import type { NewServiceAccountInput } from "./bindings/NewServiceAccountInput";
import type { OrgReview } from "./bindings/OrgReview";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { ReviewInput } from "./bindings/ReviewInput";
import type { ReviewSettings } from "./bindings/ReviewSettings";
import type { SaveToAtlasCli } from "./bindings/SaveToAtlasCli";
import type { SessionClosed } from "./bindings/SessionClosed";
import type { Widening } from "./bindings/Widening";

export type CommandName = keyof Commands;
export type Args<N extends CommandName> = Commands[N]["args"];
export type Result<N extends CommandName> = Commands[N]["result"];

const notConnectedListeners = new Set<(error: CommandError) => void>();

/** Calls `handler` whenever a command answers that no connection is open. */
export function onNotConnected(handler: (error: CommandError) => void): () => void {
  notConnectedListeners.add(handler);
  return () => notConnectedListeners.delete(handler);
}

/** Calls a Rust command with its typed argument. */
export async function call<N extends CommandName>(name: N, args: Args<N>): Promise<Result<N>> {
  try {
    return await invoke<Result<N>>(name, { args });
  } catch (error) {
    const failure = asCommandError(error);
    if (failure.kind === "notConnected") {
      for (const listener of notConnectedListeners) listener(failure);
    }
    throw failure;
  }
}

const none = {} as Args<"app_info">;

/** Version of the app and whether the OS keychain answers. */
export const appInfo = () => call("app_info", none);
/** Every role, with the names the Atlas UI shows. */
export const roles = () => call("roles", none);
/** Light, dark or as the desktop says. */
export const appearance = () => call("appearance", none);
export const setAppearance = (choice: Appearance) => call("set_appearance", choice);
/** Copies the diagnostics to the clipboard; answers them for the page to show. */
export const copyDiagnostics = () => call("copy_diagnostics", none);

// Connections
export const listProfiles = () => call("list_profiles", none);
export const saveProfile = (input: ProfileInput) => call("save_profile", input);
export const deleteProfile = (id: string) => call("delete_profile", { id });
export const testConnection = (id: string) => call("test_connection", { id });
export const importAtlasCli = () => call("import_atlas_cli", none);
/** The Atlas CLI profiles a new credential could go to: those using it (or the one it replaces), and a new name. */
export const atlasCliProfiles = (args: CliProfilesRequest) => call("atlas_cli_profiles", args);
/** Saves the secret Rust holds for a one-time dialog to an Atlas CLI profile. */
export const saveToAtlasCli = (args: SaveToAtlasCli) => call("save_to_atlas_cli", args);
export const connect = (id: string) => call("connect", { id });
/** Switches organization; answers the new window title. */
export const selectOrg = (orgId: string) => call("select_org", { orgId });

// Organization Access Manager
/** Keys and projects without access lists: the table shows at once. */
export const loadKeyList = (orgId: string) => call("load_key_list", { orgId });
/** These keys' access lists, read in the order given, telling `onProgress` how far. */
export const loadAccessLists = (orgId: string, keyIds: string[], onProgress?: OnProgress) =>
  call("load_access_lists", { orgId, keyIds, progress: progressChannel(onProgress) });
export const checkAccessEntries = (text: string, existing: AccessListEntry[]) =>
  call("check_access_entries", { text, existing });
export const createOrgKey = (orgId: string, input: NewOrgKeyInput) =>
  call("create_org_key", { orgId, input });
/** Copies a new key's private key; answers the seconds until the clipboard is cleared. */
export const copyPrivateKey = (keyId: string) => call("copy_private_key", { keyId });
export const forgetPrivateKey = (keyId: string) => call("forget_private_key", { keyId });
export const updateOrgKey = (orgId: string, keyId: string, desc: string, roles: string[]) =>
  call("update_org_key", { orgId, keyId, desc, roles });
export const deleteOrgKey = (orgId: string, keyId: string) =>
  call("delete_org_key", { orgId, keyId });
export const getAccessList = (orgId: string, keyId: string) =>
  call("get_access_list", { orgId, keyId });
export const addAccessEntries = (orgId: string, keyId: string, text: string) =>
  call("add_access_entries", { orgId, keyId, text });
export const currentIp = () => call("current_ip", none);
export const checkEntryRemoval = (orgId: string, keyId: string, entry: string) =>
  call("check_entry_removal", { orgId, keyId, entry });
/** `acknowledged`: the person confirmed what the entry's check warned of. */
export const deleteAccessEntry = (
  orgId: string,
  keyId: string,
  entry: string,
  acknowledged: boolean,
) => call("delete_access_entry", { orgId, keyId, entry, acknowledged });

// Organization Settings
export const orgSettings = (orgId: string) => call("org_settings", { orgId });
export const checkRequireAccessList = (orgId: string) =>
  call("check_require_access_list", { orgId });
/** Which keys and service accounts turning the requirement off would let in from anywhere. */
export const checkLiftAccessList = (orgId: string) => call("check_lift_access_list", { orgId });
/** Turning it off, `acknowledged` names every credential the person saw would be opened. */
export const setRequireAccessList = (
  orgId: string,
  required: boolean,
  acknowledged: string[] = [],
) => call("set_require_access_list", { orgId, required, acknowledged });

/** The organization's delegated-access policy (MCP clients, partner apps). */
export const delegationSettings = (orgId: string) => call("delegation_settings", { orgId });
/** What a change of delegated access would widen, in words, checked against Atlas's settings now. */
export const checkDelegationChange = (orgId: string, change: DelegationChange) =>
  call("check_delegation_change", { orgId, change, acknowledged: [] });
/** Changes delegated access; `acknowledged` names every widening the person confirmed. */
export const setDelegationSettings = (
  orgId: string,
  change: DelegationChange,
  acknowledged: Widening[],
) => call("set_delegation_settings", { orgId, change, acknowledged });

// Project Access Manager
export const listProjectKeys = (projectId: string) => call("list_project_keys", { projectId });
export const inviteKeyToProject = (
  orgId: string,
  projectId: string,
  keyId: string,
  roles: string[],
) => call("invite_key_to_project", { orgId, projectId, keyId, roles });
export const updateProjectRoles = (
  orgId: string,
  projectId: string,
  keyId: string,
  roles: string[],
) => call("update_project_roles", { orgId, projectId, keyId, roles });
export const removeKeyFromProject = (orgId: string, projectId: string, keyId: string) =>
  call("remove_key_from_project", { orgId, projectId, keyId });
export const createProjectKey = (orgId: string, projectId: string, desc: string, roles: string[]) =>
  call("create_project_key", { orgId, projectId, desc, roles });
export const inviteToProjects = (
  orgId: string,
  keyId: string,
  projectIds: string[],
  roles: string[],
  onProgress?: OnProgress,
) =>
  call("invite_to_projects", {
    orgId,
    keyId,
    projectIds,
    roles,
    progress: progressChannel(onProgress),
  });

// Service accounts
/** The accounts with their secrets: the table shows at once. */
export const loadServiceAccountList = (orgId: string) =>
  call("load_service_account_list", { orgId });
/** These accounts' access lists and projects, in the order given, telling `onProgress` how far. */
export const loadServiceAccountParts = (
  orgId: string,
  clientIds: string[],
  onProgress?: OnProgress,
) =>
  call("load_service_account_parts", {
    orgId,
    clientIds,
    progress: progressChannel(onProgress),
  });
export const getServiceAccount = (orgId: string, clientId: string) =>
  call("get_service_account", { orgId, clientId });
export const createServiceAccount = (orgId: string, input: NewServiceAccountInput) =>
  call("create_service_account", { orgId, input });
/** Copies a new client secret; answers the seconds until the clipboard is cleared. */
export const copyClientSecret = (secretId: string) => call("copy_client_secret", { secretId });
export const forgetClientSecret = (secretId: string) => call("forget_client_secret", { secretId });
export const updateServiceAccount = (
  orgId: string,
  clientId: string,
  name: string,
  description: string,
  roles: string[],
) => call("update_service_account", { orgId, clientId, name, description, roles });
export const deleteServiceAccount = (orgId: string, clientId: string) =>
  call("delete_service_account", { orgId, clientId });
export const rotateServiceAccountSecret = (
  orgId: string,
  clientId: string,
  expiresAfterHours: number,
) => call("rotate_service_account_secret", { orgId, clientId, expiresAfterHours });
export const deleteServiceAccountSecret = (orgId: string, clientId: string, secretId: string) =>
  call("delete_service_account_secret", { orgId, clientId, secretId });
/**
 * A service account's access list is changed through `projectId` when given
 * (a Project Owner's way to it), else through the organization.
 */
export const addServiceAccountEntries = (
  orgId: string,
  clientId: string,
  text: string,
  projectId?: string,
) => call("add_service_account_entries", { orgId, clientId, text, projectId });
export const checkServiceAccountEntryRemoval = (
  orgId: string,
  clientId: string,
  entry: string,
  projectId?: string,
) => call("check_service_account_entry_removal", { orgId, clientId, entry, projectId });
/** `acknowledged`: the person confirmed what the entry's check warned of. */
export const deleteServiceAccountEntry = (
  orgId: string,
  clientId: string,
  entry: string,
  acknowledged: boolean,
  projectId?: string,
) => call("delete_service_account_entry", { orgId, clientId, entry, acknowledged, projectId });
export const listProjectServiceAccounts = (projectId: string) =>
  call("list_project_service_accounts", { projectId });
/** Invites an organization account to a project, or changes its roles there. */
export const setServiceAccountProjectRoles = (
  projectId: string,
  clientId: string,
  roles: string[],
) => call("set_service_account_project_roles", { projectId, clientId, roles });
export const removeServiceAccountFromProject = (projectId: string, clientId: string) =>
  call("remove_service_account_from_project", { projectId, clientId });
export const createProjectServiceAccount = (
  orgId: string,
  projectId: string,
  account: NewServiceAccount,
) => call("create_project_service_account", { orgId, projectId, account });
export const inviteServiceAccountToProjects = (
  orgId: string,
  clientId: string,
  projectIds: string[],
  roles: string[],
  onProgress?: OnProgress,
) =>
  call("invite_service_account_to_projects", {
    orgId,
    clientId,
    projectIds,
    roles,
    progress: progressChannel(onProgress),
  });
export const setMaxSecretLifetime = (orgId: string, hours: number) =>
  call("set_max_secret_lifetime", { orgId, hours });
/** Reads and reviews every organization the connection sees, one after another. */
export const reviewEveryOrg = (onProgress?: OnProgress) =>
  call("review_every_org", { progress: progressChannel(onProgress) });
/** Stops the run over every organization (the review, or the inventory export). */
export const stopEveryOrgRun = () => call("stop_every_org_run", none);
/** Every organization's credentials as a file, with an Organization column. */
export const exportEveryInventory = (format: ExportFormat, onProgress?: OnProgress) =>
  call("export_every_inventory", { format, progress: progressChannel(onProgress) });
/** The reviews of every organization as a file, with an Organization column. */
export const exportEveryOrgReview = (reviews: OrgReview[], format: ExportFormat) =>
  call("export_every_org_review", { reviews, format });
/** The findings about these credentials, with the open connection's thresholds. */
export const reviewAccess = (input: ReviewInput) => call("review_access", input);
/** The open connection's access-review thresholds. */
export const reviewSettings = () => call("review_settings", none);
export const setReviewSettings = (settings: ReviewSettings) =>
  call("set_review_settings", settings);
/**
 * Rotation, step 1: a new key with everything the old one has; its private key held for the
 * one-time dialog. The connection `switchProfileId` moves to it once every step is done.
 */
export const rotateOrgKey = (orgId: string, keyId: string, switchProfileId?: string) =>
  call("rotate_org_key", { orgId, keyId, switchProfileId });
/** Moves an API key to a new service account with its roles, projects and access list. */
export const moveKeyToServiceAccount = (
  orgId: string,
  keyId: string,
  secretExpiresAfterHours: number,
) => call("move_key_to_service_account", { orgId, keyId, secretExpiresAfterHours });
/** Resumes a move: gives the account what the old key has and it lacks. */
export const completeMove = (orgId: string, oldKeyId: string, clientId: string) =>
  call("complete_move", { orgId, oldKeyId, clientId });
/** Switches the open service-account connection `profileId` to its account's new secret `secretId` (still held). */
export const switchConnectionSecret = (
  profileId: string,
  clientId: string,
  secretId: string,
  orgId: string,
) => call("switch_connection_secret", { profileId, clientId, secretId, orgId });
/** Resumes a rotation: gives the new key what the old one has and it lacks; then switches `switchProfileId`. */
export const completeRotation = (
  orgId: string,
  oldKeyId: string,
  newKeyId: string,
  switchProfileId?: string,
) => call("complete_rotation", { orgId, oldKeyId, newKeyId, switchProfileId });
/** The organization's credentials, read from Atlas now, to a file the user picks. */
export const exportInventory = (orgId: string, format: ExportFormat, onProgress?: OnProgress) =>
  call("export_inventory", { orgId, format, progress: progressChannel(onProgress) });
/** The first `pages` Atlas pages of the activity `filter` picks, to a file the user picks. */
export const exportActivity = (
  orgId: string,
  filter: ActivityFilter,
  pages: number,
  format: ExportFormat,
) => call("export_activity", { orgId, filter, pages, format });
/** The findings about these credentials, to a file the user picks. */
export const exportReview = (input: ReviewInput, format: ExportFormat) =>
  call("export_review", { input, format });
/** One Atlas page (from 1) of the organization's access events that pass `filter`. */
export const loadActivity = (orgId: string, filter: ActivityFilter, page: number) =>
  call("load_activity", { orgId, filter, page });

/** Told how far a long command is: `done` of `total`. */
export type OnProgress = (done: number, total: number) => void;

/**
 * A channel of this one call for its progress: two calls at once (two bulk
 * invitations, say) never see each other's.
 */
function progressChannel(onProgress: OnProgress | undefined): Channel<ProgressEvent> | undefined {
  if (!onProgress) return undefined;
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = (event) => onProgress(event.done, event.total);
  return channel;
}

/** Calls `handler` with the key id when the clipboard was cleared of its private key. */
export function onClipboardCleared(handler: (keyId: string) => void): Promise<UnlistenFn> {
  return listen<string>(CLIPBOARD_CLEARED_EVENT, (event) => handler(event.payload));
}

/** Calls `handler` when Rust closed the open connection, with the reason. */
export function onSessionClosed(handler: (closed: SessionClosed) => void): Promise<UnlistenFn> {
  return listen<SessionClosed>(SESSION_CLOSED_EVENT, (event) => handler(event.payload));
}

/** Narrows whatever a rejected `invoke` gave to the app's error shape. */
export function asCommandError(error: unknown): CommandError {
  if (
    typeof error === "object" &&
    error !== null &&
    "kind" in error &&
    "message" in error &&
    typeof (error as { message: unknown }).message === "string"
  ) {
    return error as CommandError;
  }
  return { kind: "internal", message: String(error) };
}
