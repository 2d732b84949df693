// An organization's service accounts in TanStack Query's cache, one entry
// per organization, read when the Service Accounts tab first shows. Edits
// answer with what they changed and patch just that account.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "./api";
import {
  type PartsByClientId,
  keys,
  serviceAccountListQuery,
  serviceAccountPartsQuery,
} from "./queries";
import { useReach } from "./standing";
import type { ServiceAccount } from "./bindings/ServiceAccount";
import type { ServiceAccountEntry } from "./bindings/ServiceAccountEntry";
import type { ServiceAccountInventory } from "./bindings/ServiceAccountInventory";
import type { ServiceAccountParts } from "./bindings/ServiceAccountParts";
import type { ServiceAccountSecret } from "./bindings/ServiceAccountSecret";

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

/**
 * The merged rows of an accounts list and its parts, shared by every screen
 * that shows them: a screen opened again gets the same rows, and what is
 * derived from them (the review's input) need not be made again.
 */
const mergedRows = new WeakMap<
  ServiceAccount[],
  { parts?: PartsByClientId; rows: ServiceAccountInventory[] }
>();

/**
 * The organization's service accounts, and the edits' ways to patch them.
 * Two entries in TanStack Query's cache, as for keys: the accounts with
 * their secrets (a request or two, so the table shows at once), then each
 * one's access list and projects (two requests an account, read after).
 * `withParts: false` reads the accounts alone (a picker needs no more).
 */
export function useServiceAccounts(orgId: string, enabled = true, withParts = true) {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const reach = useReach();
  const listQuery = serviceAccountListQuery(orgId, reach);
  const list = useQuery({ ...listQuery, enabled });
  const parts = useQuery({
    ...serviceAccountPartsQuery(
      orgId,
      reach,
      // The table opens sorted by name: those rows are read first.
      () =>
        [...(queryClient.getQueryData(listQuery.queryKey) ?? [])]
          .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
          .map((account) => account.clientId),
      setProgress,
    ),
    enabled: list.isSuccess && withParts,
  });

  // One merged row per account, the same object while neither its account
  // nor its parts changed, so the memoized table re-renders only what an
  // edit touched.
  const merged = useRef(
    new Map<
      string,
      { account: ServiceAccount; parts?: ServiceAccountParts; row: ServiceAccountInventory }
    >(),
  );
  const accounts = useMemo<ServiceAccountInventory[] | null>(() => {
    if (!list.data) return null;
    const shared = mergedRows.get(list.data);
    if (shared && shared.parts === parts.data) return shared.rows;
    const next = new Map<
      string,
      { account: ServiceAccount; parts?: ServiceAccountParts; row: ServiceAccountInventory }
    >();
    const rows = list.data.map((account) => {
      const own = parts.data?.[account.clientId];
      const earlier = merged.current.get(account.clientId);
      const row =
        earlier && earlier.account === account && earlier.parts === own
          ? earlier.row
          : {
              account,
              accessList: own?.accessList ?? [],
              projects: own?.projects ?? [],
              error: own?.error,
            };
      next.set(account.clientId, { account, parts: own, row });
      return row;
    });
    merged.current = next;
    mergedRows.set(list.data, { parts: parts.data, rows });
    return rows;
  }, [list.data, parts.data]);

  const updateList = useCallback(
    (change: (accounts: ServiceAccount[]) => ServiceAccount[]) =>
      queryClient.setQueriesData<ServiceAccount[]>(
        { queryKey: keys.serviceAccountList(orgId) },
        (old) => (old ? change(old) : old),
      ),
    [queryClient, orgId],
  );
  const updateParts = useCallback(
    (clientId: string, change: (old: ServiceAccountParts) => ServiceAccountParts) =>
      queryClient.setQueriesData<PartsByClientId>(
        { queryKey: keys.serviceAccountParts(orgId) },
        (old) => {
          if (!old) return old;
          const earlier = old[clientId] ?? { clientId, accessList: [], projects: [] };
          return { ...old, [clientId]: change(earlier) };
        },
      ),
    [queryClient, orgId],
  );

  /** The account as an edit answered it; its list and projects stay. */
  const patchAccount = useCallback(
    (account: ServiceAccount) =>
      updateList((old) =>
        old.some((item) => item.clientId === account.clientId)
          ? old.map((item) => (item.clientId === account.clientId ? account : item))
          : [...old, account],
      ),
    [updateList],
  );
  /** An account with its list and projects, new or read again. */
  const patchItem = useCallback(
    (item: ServiceAccountInventory) => {
      patchAccount(item.account);
      updateParts(item.account.clientId, () => ({
        clientId: item.account.clientId,
        accessList: item.accessList,
        projects: item.projects,
        error: item.error,
      }));
    },
    [patchAccount, updateParts],
  );
  const patchAccessList = useCallback(
    (clientId: string, accessList: ServiceAccountEntry[]) =>
      updateParts(clientId, (old) => ({ ...old, accessList })),
    [updateParts],
  );
  /** The account's roles in one project after an edit: set, or gone when empty. */
  const patchProjectRoles = useCallback(
    (clientId: string, groupId: string, roles: string[]) =>
      updateParts(clientId, (old) => {
        const others = old.projects.filter((project) => project.groupId !== groupId);
        return {
          ...old,
          projects: roles.length === 0 ? others : [...others, { groupId, roles }],
        };
      }),
    [updateParts],
  );
  const removeAccount = useCallback(
    (clientId: string) => updateList((old) => old.filter((item) => item.clientId !== clientId)),
    [updateList],
  );
  const error = list.error ?? parts.error;
  const { refetch: refetchList } = list;
  const { refetch: refetchParts } = parts;
  const refresh = useCallback(async () => {
    await refetchList();
    await refetchParts();
  }, [refetchList, refetchParts]);

  return {
    accounts,
    /** The accounts show; their access lists and projects are still being read. */
    partsLoading: !parts.isSuccess && !parts.isError,
    error: error ? api.asCommandError(error) : null,
    progress,
    refresh,
    patchItem,
    patchAccount,
    patchAccessList,
    patchProjectRoles,
    removeAccount,
  };
}

export type ServiceAccountsState = ReturnType<typeof useServiceAccounts>;
