// What every screen shares: the open connection, the organization shown,
// its inventory (keys, projects, access lists) and the table of roles.
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
import * as api from "./api";
import type { CommandError } from "./bindings/CommandError";
import type { Inventory } from "./bindings/Inventory";
import type { RoleInfo } from "./bindings/RoleInfo";
import type { SessionView } from "./bindings/SessionView";

/** The built-in sandbox: opened on first start. */
export const SANDBOX_PROFILE_ID = "sandbox";
const LAST_PROFILE = "atlas-access-manager.last-profile";

export interface SessionContextValue {
  session: SessionView | null;
  connecting: boolean;
  connectError: CommandError | null;
  orgId: string | null;
  inventory: Inventory | null;
  inventoryError: CommandError | null;
  inventoryProgress: { done: number; total: number } | null;
  /** The keys are shown; their access lists are still being read. */
  accessListsLoading: boolean;
  roles: RoleInfo[];
  connect: (profileId: string) => Promise<void>;
  selectOrg: (orgId: string) => Promise<void>;
  /** Reloads the inventory; the old one stays on screen meanwhile. */
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The display name of a role; an unknown role keeps its own name. */
export function useRoleName(): (role: string) => string {
  const { roles } = useSession();
  return useMemo(() => {
    const names = new Map(roles.map((r) => [r.name, r.displayName]));
    return (role: string) => names.get(role) ?? role;
  }, [roles]);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionView | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [connectError, setConnectError] = useState<CommandError | null>(null);
  const [orgId, setOrgId] = useState<string | null>(null);
  const [inventory, setInventory] = useState<Inventory | null>(null);
  const [inventoryError, setInventoryError] = useState<CommandError | null>(null);
  const [inventoryProgress, setInventoryProgress] = useState<{
    done: number;
    total: number;
  } | null>(null);
  const [accessListsLoading, setAccessListsLoading] = useState(false);
  const [roles, setRoles] = useState<RoleInfo[]>([]);
  // Answers to an older load must not overwrite a newer one.
  const loadSeq = useRef(0);

  const load = useCallback(async (org: string, keepOld: boolean) => {
    const seq = ++loadSeq.current;
    const current = () => seq === loadSeq.current;
    if (!keepOld) setInventory(null);
    setInventoryError(null);
    setInventoryProgress({ done: 0, total: 1 });
    const unlisten = await api.onProgress("inventory", (done, total) => {
      if (current()) setInventoryProgress({ done, total });
    });
    try {
      if (!keepOld) {
        // The keys first, in a few requests; their access lists follow.
        const list = await api.loadKeyList(org);
        if (!current()) return;
        setInventory(list);
        setAccessListsLoading(true);
      }
      const loaded = await api.loadInventory(org);
      if (current()) setInventory(loaded);
    } catch (error) {
      if (current()) setInventoryError(api.asCommandError(error));
    } finally {
      unlisten();
      if (current()) {
        setInventoryProgress(null);
        setAccessListsLoading(false);
      }
    }
  }, []);

  const connect = useCallback(
    async (profileId: string) => {
      setConnecting(true);
      setConnectError(null);
      try {
        const opened = await api.connect(profileId);
        setSession(opened);
        setOrgId(opened.orgId ?? null);
        document.title = opened.title;
        localStorage.setItem(LAST_PROFILE, profileId);
        if (opened.orgId) await load(opened.orgId, false);
        else setInventory(null);
      } catch (error) {
        setConnectError(api.asCommandError(error));
      } finally {
        setConnecting(false);
      }
    },
    [load],
  );

  const selectOrg = useCallback(
    async (org: string) => {
      setOrgId(org);
      document.title = await api.selectOrg(org);
      await load(org, false);
    },
    [load],
  );

  const refresh = useCallback(async () => {
    if (orgId) await load(orgId, true);
  }, [orgId, load]);

  useEffect(() => {
    api.roles().then(setRoles, () => setRoles([]));
    const last = localStorage.getItem(LAST_PROFILE) ?? SANDBOX_PROFILE_ID;
    connect(last).catch(() => undefined);
    // Once, at start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      connecting,
      connectError,
      orgId,
      inventory,
      inventoryError,
      inventoryProgress,
      accessListsLoading,
      roles,
      connect,
      selectOrg,
      refresh,
    }),
    [
      session,
      connecting,
      connectError,
      orgId,
      inventory,
      inventoryError,
      inventoryProgress,
      accessListsLoading,
      roles,
      connect,
      selectOrg,
      refresh,
    ],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
