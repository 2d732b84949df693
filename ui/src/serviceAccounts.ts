// An organization's service accounts in TanStack Query's cache, one entry
// per organization, read when the Service Accounts tab first shows. Edits
// answer with what they changed and patch just that account.
import { useCallback, useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "./api";
import type { ServiceAccount } from "./bindings/ServiceAccount";
import type { ServiceAccountEntry } from "./bindings/ServiceAccountEntry";
import type { ServiceAccountInventory } from "./bindings/ServiceAccountInventory";
import type { ServiceAccountSecret } from "./bindings/ServiceAccountSecret";

export const serviceAccountsKey = (orgId: string) => ["serviceAccounts", orgId] as const;

/** Under this, a secret's expiry shows in the warning colour. */
export const EXPIRY_WARNING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryTone = "expired" | "soon" | "ok";

/** A secret's expiry in words, as a countdown: "expires in 3 days", "expired". */
export function expiry(
  secret: Pick<ServiceAccountSecret, "expiresAt">,
  now: number,
): {
  text: string;
  tone: ExpiryTone;
} {
  const left = Date.parse(secret.expiresAt) - now;
  if (Number.isNaN(left)) return { text: secret.expiresAt, tone: "ok" };
  if (left <= 0) return { text: "expired", tone: "expired" };
  // "Within 7 days" includes 7 days exactly: what a rotation cuts the others to.
  const tone: ExpiryTone = left <= EXPIRY_WARNING_DAYS * DAY_MS ? "soon" : "ok";
  const days = Math.floor(left / DAY_MS);
  const hours = Math.floor((left % DAY_MS) / (60 * 60 * 1000));
  const text =
    days >= 2
      ? `expires in ${days} days`
      : days === 1
        ? `expires in 1 day ${hours} h`
        : hours >= 1
          ? `expires in ${hours} h`
          : `expires in ${Math.max(1, Math.ceil(left / 60000))} min`;
  return { text, tone };
}

/** The latest use of any of the account's secrets, or undefined if none was used. */
export function lastUsed(account: ServiceAccount): string | undefined {
  return account.secrets
    .map((secret) => secret.lastUsedAt)
    .filter((at): at is string => Boolean(at))
    .sort()
    .at(-1);
}

/** "3 days ago", "just now", for a time in the past. */
export function ago(at: string | undefined, now: number): string {
  if (!at) return "never";
  const past = now - Date.parse(at);
  if (Number.isNaN(past)) return at;
  if (past < 60_000) return "just now";
  if (past < 3_600_000) return `${Math.floor(past / 60_000)} min ago`;
  if (past < DAY_MS) return `${Math.floor(past / 3_600_000)} h ago`;
  const days = Math.floor(past / DAY_MS);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/**
 * The time now, again every minute, so countdowns move on their own. A
 * screen that has just changed a secret reads `Date.now()` instead: this
 * value may be up to a minute old.
 */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

/** The organization's service accounts, and the edits' ways to patch them. */
export function useServiceAccounts(orgId: string) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const query = useQuery({
    queryKey: serviceAccountsKey(orgId),
    queryFn: async () => {
      const unlisten = await api.onProgress("serviceAccounts", (done, total) =>
        setProgress({ done, total }),
      );
      try {
        return await api.loadServiceAccounts(orgId);
      } finally {
        unlisten();
        setProgress(null);
      }
    },
  });

  const update = useCallback(
    (change: (items: ServiceAccountInventory[]) => ServiceAccountInventory[]) =>
      queryClient.setQueryData<ServiceAccountInventory[]>(serviceAccountsKey(orgId), (old) =>
        old ? change(old) : old,
      ),
    [queryClient, orgId],
  );

  /** An account with its list and projects, new or read again. */
  const patchItem = useCallback(
    (item: ServiceAccountInventory) =>
      update((items) =>
        items.some((old) => old.account.clientId === item.account.clientId)
          ? items.map((old) => (old.account.clientId === item.account.clientId ? item : old))
          : [...items, item],
      ),
    [update],
  );
  /** The account as an edit answered it; its list and projects stay. */
  const patchAccount = useCallback(
    (account: ServiceAccount) =>
      update((items) =>
        items.map((old) => (old.account.clientId === account.clientId ? { ...old, account } : old)),
      ),
    [update],
  );
  const patchAccessList = useCallback(
    (clientId: string, accessList: ServiceAccountEntry[]) =>
      update((items) =>
        items.map((old) => (old.account.clientId === clientId ? { ...old, accessList } : old)),
      ),
    [update],
  );
  /** The account's roles in one project after an edit: set, or gone when empty. */
  const patchProjectRoles = useCallback(
    (clientId: string, groupId: string, roles: string[]) =>
      update((items) =>
        items.map((old) => {
          if (old.account.clientId !== clientId) return old;
          const others = old.projects.filter((project) => project.groupId !== groupId);
          return {
            ...old,
            projects: roles.length === 0 ? others : [...others, { groupId, roles }],
          };
        }),
      ),
    [update],
  );
  const removeAccount = useCallback(
    (clientId: string) =>
      update((items) => items.filter((old) => old.account.clientId !== clientId)),
    [update],
  );
  /** Reads one account again (after an edit that changed more than one part). */
  const reloadAccount = useCallback(
    async (clientId: string) => patchItem(await api.getServiceAccount(orgId, clientId)),
    [orgId, patchItem],
  );

  return {
    accounts: query.data ?? null,
    error: query.error ? api.asCommandError(query.error) : null,
    loading: query.isFetching,
    progress,
    refresh: () => query.refetch(),
    patchItem,
    patchAccount,
    patchAccessList,
    patchProjectRoles,
    removeAccount,
    reloadAccount,
  };
}

export type ServiceAccountsState = ReturnType<typeof useServiceAccounts>;
