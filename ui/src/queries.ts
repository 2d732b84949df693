// Every read the page caches, one factory each (TanStack Query's
// `queryOptions`): every reader shares the entry, and an edit patches it
// with what Atlas answered, so all of them show the change at once.
//
// What Atlas answers depends on the connection's roles (an auditor is
// refused other keys' lists, a project owner sees its projects alone), so
// every read of Atlas is keyed by the connection's `Reach` as well: a read
// made under other roles is never shown as this one's. Edits patch through
// the key's prefix (`keys.*`, without the reach), which covers every reach.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import * as api from "./api";
import type { AccessListEntry } from "./bindings/AccessListEntry";
import type { ActivityFilter } from "./bindings/ActivityFilter";
import type { KeyAccessList } from "./bindings/KeyAccessList";
import type { ServiceAccount } from "./bindings/ServiceAccount";
import type { ServiceAccountParts } from "./bindings/ServiceAccountParts";
import type { Standing } from "./bindings/Standing";

/** What the connection may read in an organization: its organization role and the projects it owns. */
export type Reach = string;

export function reachOf(standing: Standing | null): Reach {
  if (!standing) return "no standing";
  return [standing.role, ...[...standing.ownedProjects].sort()].join(" ");
}

/** The prefixes of the cache's keys, for edits that patch every reach at once. */
export const keys = {
  keyList: (orgId: string) => ["keyList", orgId] as const,
  accessLists: (orgId: string) => ["accessLists", orgId] as const,
  keyAccessList: (orgId: string, keyId: string) => ["keyAccessList", orgId, keyId] as const,
  projectKeys: () => ["projectKeys"] as const,
  serviceAccountList: (orgId: string) => ["serviceAccountList", orgId] as const,
  serviceAccountParts: (orgId: string) => ["serviceAccountParts", orgId] as const,
  serviceAccountUse: (orgId: string, clientId: string) =>
    ["serviceAccountUse", orgId, clientId] as const,
  projectServiceAccounts: (projectId: string) => ["projectServiceAccounts", projectId] as const,
  orgSettings: (orgId: string) => ["orgSettings", orgId] as const,
  delegation: (orgId: string) => ["delegation", orgId] as const,
  activity: (orgId: string) => ["activity", orgId] as const,
};

export type AccessLists = Record<string, KeyAccessList>;
export type PartsByClientId = Record<string, ServiceAccountParts>;

/** How far a long read is, item by item; null once it has ended, however it ended. */
export type ReadProgress = (progress: { done: number; total: number } | null) => void;

/** Reads `ids` with `read`, telling `progress` from 0 to the end. */
async function readTold<T>(
  ids: string[],
  progress: ReadProgress,
  read: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  progress({ done: 0, total: ids.length });
  try {
    return await read((done, total) => progress({ done, total }));
  } finally {
    progress(null);
  }
}

/** The organization's keys and projects (without the keys' lists). */
export const keyListQuery = (orgId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.keyList(orgId), reach] as const,
    queryFn: () => api.loadKeyList(orgId),
  });

/** The lists of the keys `keyIds` answers when the read starts, in that order. */
export const accessListsQuery = (
  orgId: string,
  reach: Reach,
  keyIdsNow: () => string[],
  progress: ReadProgress,
) =>
  queryOptions({
    queryKey: [...keys.accessLists(orgId), reach] as const,
    queryFn: async (): Promise<AccessLists> => {
      const keyIds = keyIdsNow();
      const lists = await readTold(keyIds, progress, (onProgress) =>
        api.loadAccessLists(orgId, keyIds, onProgress),
      );
      return Object.fromEntries(lists.map((list) => [list.keyId, list]));
    },
  });

/** One key's access list, for a key the organization's read has not covered. */
export const keyAccessListQuery = (orgId: string, reach: Reach, keyId: string) =>
  queryOptions({
    queryKey: [...keys.keyAccessList(orgId, keyId), reach] as const,
    queryFn: () => api.getAccessList(orgId, keyId),
  });

/** A project's API keys. */
export const projectKeysQuery = (projectId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.projectKeys(), projectId, reach] as const,
    queryFn: () => api.listProjectKeys(projectId),
  });

/** The organization's service accounts with their secrets. */
export const serviceAccountListQuery = (orgId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.serviceAccountList(orgId), reach] as const,
    queryFn: () => api.loadServiceAccountList(orgId),
  });

/** Each account's access list and projects, for the accounts `clientIdsNow` answers when the read starts. */
export const serviceAccountPartsQuery = (
  orgId: string,
  reach: Reach,
  clientIdsNow: () => string[],
  progress: ReadProgress,
) =>
  queryOptions({
    queryKey: [...keys.serviceAccountParts(orgId), reach] as const,
    queryFn: async (): Promise<PartsByClientId> => {
      const clientIds = clientIdsNow();
      const read = await readTold(clientIds, progress, (onProgress) =>
        api.loadServiceAccountParts(orgId, clientIds, onProgress),
      );
      return Object.fromEntries(read.map((item) => [item.clientId, item]));
    },
  });

/** A service account's access list, as a key's entries (their use), read afresh. */
export const serviceAccountUseQuery = (orgId: string, reach: Reach, clientId: string) =>
  queryOptions({
    queryKey: [...keys.serviceAccountUse(orgId, clientId), reach] as const,
    queryFn: async (): Promise<AccessListEntry[]> => {
      const account = await api.getServiceAccount(orgId, clientId);
      return account.accessList.map((entry) => ({
        name: entry.name,
        ipAddress: entry.ipAddress,
        cidrBlock: entry.cidrBlock,
        lastUsed: entry.lastUsedAt,
        lastUsedAddress: entry.lastUsedAddress,
        count: entry.requestCount,
      }));
    },
  });

/** The service accounts of one project. */
export const projectServiceAccountsQuery = (projectId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.projectServiceAccounts(projectId), reach] as const,
    queryFn: (): Promise<ServiceAccount[]> => api.listProjectServiceAccounts(projectId),
  });

/** The organization's settings (the access-list requirement, secrets' maximum lifetime). */
export const orgSettingsQuery = (orgId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.orgSettings(orgId), reach] as const,
    queryFn: () => api.orgSettings(orgId),
  });

/** The organization's delegated-access policy: MCP clients and partner apps acting for its people. */
export const delegationQuery = (orgId: string, reach: Reach) =>
  queryOptions({
    queryKey: [...keys.delegation(orgId), reach] as const,
    queryFn: () => api.delegationSettings(orgId),
  });

/**
 * The events that pass `filter`, an Atlas page at a time. Read again each
 * time a screen shows it: events are what other screens' edits make.
 */
export const activityQuery = (orgId: string, reach: Reach, filter: ActivityFilter) =>
  infiniteQueryOptions({
    queryKey: [...keys.activity(orgId), filter, reach] as const,
    queryFn: ({ pageParam }) => api.loadActivity(orgId, filter, pageParam),
    initialPageParam: 1,
    getNextPageParam: (last) => last.nextPage,
    staleTime: 0,
    refetchOnMount: "always",
  });

/** The open connection's review thresholds (kept on this computer). */
export const reviewSettingsQuery = (profileId: string) =>
  queryOptions({
    queryKey: ["reviewSettings", profileId] as const,
    queryFn: () => api.reviewSettings(),
  });

/** The saved connections, and which one is open. */
export const profilesQuery = () =>
  queryOptions({
    queryKey: ["profiles"] as const,
    queryFn: () => api.listProfiles(),
    // Read from this computer, cheaply: afresh whenever the screen opens, as
    // a rotation's switch or another window may have changed them.
    staleTime: 0,
  });

/** The app's version and whether the keychain works. */
export const appInfoQuery = () =>
  queryOptions({
    queryKey: ["appInfo"] as const,
    queryFn: () => api.appInfo(),
  });
