import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { QueryClient, QueryClientProvider, useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "./api";
import { keyItem, withProjectMember } from "./keyItems";
import {
  type AccessLists,
  accessListsQuery,
  keyListQuery,
  keys,
  reachOf,
  serviceAccountListQuery,
} from "./queries";
import type { AccessListEntry } from "./bindings/AccessListEntry";
import type { ApiKey } from "./bindings/ApiKey";
import type { CommandError } from "./bindings/CommandError";
import { SANDBOX_PROFILE_ID } from "./bindings/constants";
import type { Inventory } from "./bindings/Inventory";
import type { KeyAccessList } from "./bindings/KeyAccessList";
import type { KeyInventory } from "./bindings/KeyInventory";
import type { RoleInfo } from "./bindings/RoleInfo";
import type { SessionView } from "./bindings/SessionView";

const LAST_PROFILE = "atlas-access-manager.last-profile";

/** Atlas's answers that mean something the page showed is gone. */
const GONE_CODES = new Set([
  "API_KEY_NOT_FOUND",
  "RESOURCE_NOT_FOUND",
  "GROUP_NOT_FOUND",
  "ORG_NOT_FOUND",
]);

export interface SessionContextValue {
  session: SessionView | null;
  connecting: boolean;
  connectError: CommandError | null;
  /** Why Rust closed the last session, shown under Connections. */
  closedReason: string | null;
  orgId: string | null;
  inventory: Inventory | null;
  inventoryError: CommandError | null;
  /** The keys are shown; their access lists are still being read. */
  accessListsLoading: boolean;
  connect: (profileId: string) => Promise<void>;
  /** The open connection goes on with another key (a rotation's switch). */
  adoptSession: (view: SessionView) => void;
  selectOrg: (orgId: string) => Promise<void>;
  /** Reads the organization again; the old one stays on screen meanwhile. */
  refresh: () => Promise<void>;
  /** A key as an edit answered it: its row, its projects, its project lists. */
  patchKey: (key: ApiKey) => void;
  removeKey: (keyId: string) => void;
  patchAccessList: (keyId: string, entries: AccessListEntry[]) => void;
  /** A key's access list as last read or edited; undefined until it has been read. */
  accessListOf: (keyId: string) => AccessListEntry[] | undefined;
  /** Tells the session about a failed edit: a key or project that is gone reloads. */
  noteError: (error: CommandError) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);
// Apart from the session, so that what changes often (progress, several
// times a second) or never (the roles' names) re-renders only its readers,
// not every memoized row that names a role.
const RolesContext = createContext<RoleInfo[]>([]);
type Progress = { done: number; total: number } | null;
const InventoryProgressContext = createContext<Progress>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** Every role a key can be given, with the names the Atlas UI shows. */
export function useRoles(): RoleInfo[] {
  return useContext(RolesContext);
}

/** How far the reading of the keys' access lists is, while it goes on. */
export function useInventoryProgress(): Progress {
  return useContext(InventoryProgressContext);
}

/** The display name of a role; an unknown role keeps its own name. */
export function useRoleName(): (role: string) => string {
  const roles = useRoles();
  return useMemo(() => {
    const names = new Map(roles.map((r) => [r.name, r.displayName]));
    return (role: string) => names.get(role) ?? role;
  }, [roles]);
}

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // The cache is changed by edits, not by time: nothing goes stale by
      // itself, and a failed read is shown, not retried behind the user's back.
      queries: { staleTime: Infinity, retry: false, refetchOnWindowFocus: false },
    },
  });
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [client] = useState(newQueryClient);
  return (
    <QueryClientProvider client={client}>
      <SessionState>{children}</SessionState>
    </QueryClientProvider>
  );
}

function SessionState({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<SessionView | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [connectError, setConnectError] = useState<CommandError | null>(null);
  const [closedReason, setClosedReason] = useState<string | null>(null);
  const [orgId, setOrgId] = useState<string | null>(null);
  const [inventoryProgress, setInventoryProgress] = useState<{
    done: number;
    total: number;
  } | null>(null);
  const [roles, setRoles] = useState<RoleInfo[]>([]);

  const reach = reachOf(session?.standings.find((standing) => standing.orgId === orgId) ?? null);
  const keyList = useQuery({
    ...keyListQuery(orgId ?? "", reach),
    enabled: session !== null && orgId !== null,
  });

  // The service accounts' list is read beside the keys' (one request or
  // two), so their tab opens at once; their access lists wait for the tab.
  useEffect(() => {
    if (session === null || orgId === null) return;
    void queryClient.prefetchQuery(serviceAccountListQuery(orgId, reach));
  }, [session, orgId, reach, queryClient]);

  const accessLists = useQuery({
    ...accessListsQuery(
      orgId ?? "",
      reach,
      // The table opens sorted by description: those rows' lists are read first.
      () =>
        [...(queryClient.getQueryData(keyListQuery(orgId ?? "", reach).queryKey)?.keys ?? [])]
          .sort((a, b) => a.key.desc.toLowerCase().localeCompare(b.key.desc.toLowerCase()))
          .map((item) => item.key.id),
      setInventoryProgress,
    ),
    enabled: session !== null && orgId !== null && keyList.isSuccess,
  });

  // One merged row per key, the same object while neither its key nor its
  // list changed, so the memoized table re-renders only what an edit touched.
  const merged = useRef(
    new Map<string, { item: KeyInventory; list?: KeyAccessList; row: KeyInventory }>(),
  );
  const inventory = useMemo<Inventory | null>(() => {
    const base = keyList.data;
    if (!base) return null;
    const cache = merged.current;
    const next = new Map<string, { item: KeyInventory; list?: KeyAccessList; row: KeyInventory }>();
    const keys = base.keys.map((item) => {
      const list = accessLists.data?.[item.key.id];
      const earlier = cache.get(item.key.id);
      const row =
        earlier && earlier.item === item && earlier.list === list
          ? earlier.row
          : list
            ? { ...item, accessList: list.accessList, accessListError: list.error }
            : item;
      next.set(item.key.id, { item, list, row });
      return row;
    });
    merged.current = next;
    return { keys, projects: base.projects };
  }, [keyList.data, accessLists.data]);

  const closeSession = useCallback(
    (reason: string) => {
      setSession(null);
      setOrgId(null);
      setClosedReason(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => {
    const unlisten = api.onSessionClosed((closed) => closeSession(closed.reason));
    const stopWatching = api.onNotConnected((error) => closeSession(error.message));
    return () => {
      // After a window closes the event system may be gone; nothing to stop then.
      unlisten.then((stop) => stop()).catch(() => undefined);
      stopWatching();
    };
  }, [closeSession]);

  const connect = useCallback(
    async (profileId: string) => {
      setConnecting(true);
      setConnectError(null);
      try {
        const opened = await api.connect(profileId);
        queryClient.clear();
        setSession(opened);
        setClosedReason(null);
        setOrgId(opened.orgId ?? null);
        document.title = opened.title;
        localStorage.setItem(LAST_PROFILE, profileId);
      } catch (error) {
        setConnectError(api.asCommandError(error));
      } finally {
        setConnecting(false);
      }
    },
    [queryClient],
  );

  // The same connection, now signing in with another key (a rotation's):
  // the organization's data stays as it is.
  const adoptSession = useCallback((view: SessionView) => {
    setSession(view);
    document.title = view.title;
  }, []);

  // The organization changes once Rust agreed (it knows the connection sees it).
  const selectOrg = useCallback(async (org: string) => {
    document.title = await api.selectOrg(org);
    setOrgId(org);
  }, []);

  const refresh = useCallback(async () => {
    if (!orgId) return;
    await queryClient.invalidateQueries({ queryKey: keys.keyList(orgId) });
    await queryClient.invalidateQueries({ queryKey: keys.accessLists(orgId) });
    await queryClient.invalidateQueries({ queryKey: keys.projectKeys() });
  }, [orgId, queryClient]);

  const patchKey = useCallback(
    (key: ApiKey) => {
      if (!orgId) return;
      queryClient.setQueriesData<Inventory>({ queryKey: keys.keyList(orgId) }, (old) => {
        if (!old) return old;
        const item = keyItem(key);
        const known = old.keys.some((k) => k.key.id === key.id);
        return {
          ...old,
          keys: known ? old.keys.map((k) => (k.key.id === key.id ? item : k)) : [...old.keys, item],
        };
      });
      for (const [queryKey, projectKeys] of queryClient.getQueriesData<ApiKey[]>({
        queryKey: keys.projectKeys(),
      })) {
        const projectId = queryKey[1];
        if (projectKeys && typeof projectId === "string") {
          queryClient.setQueryData(queryKey, withProjectMember(projectKeys, projectId, key));
        }
      }
    },
    [orgId, queryClient],
  );

  const removeKey = useCallback(
    (keyId: string) => {
      if (!orgId) return;
      queryClient.setQueriesData<Inventory>({ queryKey: keys.keyList(orgId) }, (old) =>
        old ? { ...old, keys: old.keys.filter((k) => k.key.id !== keyId) } : old,
      );
      for (const [queryKey, projectKeys] of queryClient.getQueriesData<ApiKey[]>({
        queryKey: keys.projectKeys(),
      })) {
        if (projectKeys)
          queryClient.setQueryData(
            queryKey,
            projectKeys.filter((k) => k.id !== keyId),
          );
      }
    },
    [orgId, queryClient],
  );

  const patchAccessList = useCallback(
    (keyId: string, entries: AccessListEntry[]) => {
      if (!orgId) return;
      queryClient.setQueriesData<AccessLists>({ queryKey: keys.accessLists(orgId) }, (old) => ({
        ...old,
        [keyId]: { keyId, accessList: entries },
      }));
    },
    [orgId, queryClient],
  );

  const accessListOf = useCallback(
    (keyId: string) => {
      const list = accessLists.data?.[keyId];
      return list && !list.error ? list.accessList : undefined;
    },
    [accessLists.data],
  );

  const noteError = useCallback(
    (error: CommandError) => {
      if (error.atlasErrorCode && GONE_CODES.has(error.atlasErrorCode)) {
        void refresh();
      }
    },
    [refresh],
  );

  useEffect(() => {
    api.roles().then(setRoles, () => setRoles([]));
    const last = localStorage.getItem(LAST_PROFILE) ?? SANDBOX_PROFILE_ID;
    connect(last).catch(() => undefined);
    // Once, at start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const inventoryError = keyList.error ? api.asCommandError(keyList.error) : null;
  const accessListsLoading = accessLists.isFetching;
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      connecting,
      connectError,
      closedReason,
      orgId,
      inventory,
      inventoryError,
      accessListsLoading,
      connect,
      adoptSession,
      selectOrg,
      refresh,
      patchKey,
      removeKey,
      patchAccessList,
      accessListOf,
      noteError,
    }),
    [
      session,
      connecting,
      connectError,
      closedReason,
      orgId,
      inventory,
      inventoryError,
      accessListsLoading,
      connect,
      adoptSession,
      selectOrg,
      refresh,
      patchKey,
      removeKey,
      patchAccessList,
      accessListOf,
      noteError,
    ],
  );
  return (
    <RolesContext.Provider value={roles}>
      <InventoryProgressContext.Provider value={inventoryProgress}>
        <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
      </InventoryProgressContext.Provider>
    </RolesContext.Provider>
  );
}
