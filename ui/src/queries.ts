// The reads the page caches, one factory each (TanStack Query's
// `queryOptions`): every reader shares the entry, and an edit patches it
// with what Atlas answered, so all of them show the change at once.
import { queryOptions } from "@tanstack/react-query";
import * as api from "./api";

/** The organization's settings (the access-list requirement, secrets' maximum lifetime). */
export const orgSettingsQuery = (orgId: string) =>
  queryOptions({
    queryKey: ["orgSettings", orgId] as const,
    queryFn: () => api.orgSettings(orgId),
  });

/** One key's access list, for a key the organization's read has not covered. */
export const keyAccessListQuery = (orgId: string, keyId: string) =>
  queryOptions({
    queryKey: ["keyAccessList", orgId, keyId] as const,
    queryFn: () => api.getAccessList(orgId, keyId),
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
