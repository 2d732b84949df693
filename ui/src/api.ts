// The only place that calls `invoke`: one typed wrapper per Rust command.
// Components import these, never `@tauri-apps/api/core` itself.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AccessListEntry } from "./bindings/AccessListEntry";
import type { AddEntriesReport } from "./bindings/AddEntriesReport";
import type { ApiKey } from "./bindings/ApiKey";
import type { AppInfo } from "./bindings/AppInfo";
import type { CheckedEntry } from "./bindings/CheckedEntry";
import type { CommandError } from "./bindings/CommandError";
import type { ConnectionReport } from "./bindings/ConnectionReport";
import type { CreatedKeyView } from "./bindings/CreatedKeyView";
import type { ImportedProfile } from "./bindings/ImportedProfile";
import type { Inventory } from "./bindings/Inventory";
import type { LockoutCheck } from "./bindings/LockoutCheck";
import type { NewOrgKeyInput } from "./bindings/NewOrgKeyInput";
import type { OrgSettings } from "./bindings/OrgSettings";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProfileList } from "./bindings/ProfileList";
import type { ProfileView } from "./bindings/ProfileView";
import type { ProgressEvent } from "./bindings/ProgressEvent";
import type { ProjectOutcome } from "./bindings/ProjectOutcome";
import type { RoleInfo } from "./bindings/RoleInfo";
import type { SessionView } from "./bindings/SessionView";

/** Version of the app and whether the OS keychain answers. */
export const appInfo = () => invoke<AppInfo>("app_info");
/** Every role, with the names the Atlas UI shows. */
export const roles = () => invoke<RoleInfo[]>("roles");

// Connections
export const listProfiles = () => invoke<ProfileList>("list_profiles");
export const saveProfile = (input: ProfileInput) =>
  invoke<ProfileView>("save_profile", { input });
export const deleteProfile = (id: string) => invoke<void>("delete_profile", { id });
export const testConnection = (id: string) =>
  invoke<ConnectionReport>("test_connection", { id });
export const importAtlasCli = () => invoke<ImportedProfile[]>("import_atlas_cli");
export const connect = (id: string) => invoke<SessionView>("connect", { id });
/** Switches organization; answers the new window title. */
export const selectOrg = (orgId: string) => invoke<string>("select_org", { orgId });

// Organization Access Manager
/** Keys and projects without access lists: the table shows at once. */
export const loadKeyList = (orgId: string) => invoke<Inventory>("load_key_list", { orgId });
/** Keys, projects and every access list; progress as `inventory` events. */
export const loadInventory = (orgId: string) =>
  invoke<Inventory>("load_inventory", { orgId });
export const checkAccessEntries = (text: string, existing: AccessListEntry[]) =>
  invoke<CheckedEntry[]>("check_access_entries", { text, existing });
export const createOrgKey = (orgId: string, input: NewOrgKeyInput) =>
  invoke<CreatedKeyView>("create_org_key", { orgId, input });
/** Copies a new key's private key; answers the seconds until the clipboard is cleared. */
export const copyPrivateKey = (keyId: string) =>
  invoke<number>("copy_private_key", { keyId });
export const forgetPrivateKey = (keyId: string) =>
  invoke<void>("forget_private_key", { keyId });
export const updateOrgKey = (orgId: string, keyId: string, desc: string, roles: string[]) =>
  invoke<ApiKey>("update_org_key", { orgId, keyId, desc, roles });
export const deleteOrgKey = (orgId: string, keyId: string) =>
  invoke<void>("delete_org_key", { orgId, keyId });
export const getAccessList = (orgId: string, keyId: string) =>
  invoke<AccessListEntry[]>("get_access_list", { orgId, keyId });
export const addAccessEntries = (orgId: string, keyId: string, text: string) =>
  invoke<AddEntriesReport>("add_access_entries", { orgId, keyId, text });
export const currentIp = () => invoke<string>("current_ip");
export const checkEntryRemoval = (orgId: string, keyId: string, entry: string) =>
  invoke<LockoutCheck>("check_entry_removal", { orgId, keyId, entry });
export const deleteAccessEntry = (orgId: string, keyId: string, entry: string) =>
  invoke<AccessListEntry[]>("delete_access_entry", { orgId, keyId, entry });

// Organization Settings
export const orgSettings = (orgId: string) => invoke<OrgSettings>("org_settings", { orgId });
export const checkRequireAccessList = (orgId: string) =>
  invoke<LockoutCheck>("check_require_access_list", { orgId });
export const setRequireAccessList = (orgId: string, required: boolean) =>
  invoke<OrgSettings>("set_require_access_list", { orgId, required });

// Project Access Manager
export const listProjectKeys = (projectId: string) =>
  invoke<ApiKey[]>("list_project_keys", { projectId });
export const inviteKeyToProject = (projectId: string, keyId: string, roles: string[]) =>
  invoke<void>("invite_key_to_project", { projectId, keyId, roles });
export const updateProjectRoles = (projectId: string, keyId: string, roles: string[]) =>
  invoke<ApiKey>("update_project_roles", { projectId, keyId, roles });
export const removeKeyFromProject = (projectId: string, keyId: string) =>
  invoke<void>("remove_key_from_project", { projectId, keyId });
export const createProjectKey = (
  orgId: string,
  projectId: string,
  desc: string,
  roles: string[],
) => invoke<CreatedKeyView>("create_project_key", { orgId, projectId, desc, roles });
export const inviteToProjects = (
  orgId: string,
  keyId: string,
  projectIds: string[],
  roles: string[],
) => invoke<ProjectOutcome[]>("invite_to_projects", { orgId, keyId, projectIds, roles });

/** Calls `handler` with the progress of `operation` until the returned function is called. */
export function onProgress(
  operation: string,
  handler: (done: number, total: number) => void,
): Promise<UnlistenFn> {
  return listen<ProgressEvent>("progress", (event) => {
    if (event.payload.operation === operation) {
      handler(event.payload.done, event.payload.total);
    }
  });
}

/** Calls `handler` with the key id when the clipboard was cleared of its private key. */
export function onClipboardCleared(handler: (keyId: string) => void): Promise<UnlistenFn> {
  return listen<string>("clipboard-cleared", (event) => handler(event.payload));
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
