// A stand-in for the Rust commands in Vitest, answering from a small fixed
// organization. The real commands are exercised end to end in tests/.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { ApiKey } from "../bindings/ApiKey";
import type { AppInfo } from "../bindings/AppInfo";
import type { CheckedEntry } from "../bindings/CheckedEntry";
import type { CommandError } from "../bindings/CommandError";
import type { Inventory } from "../bindings/Inventory";
import type { RoleInfo } from "../bindings/RoleInfo";
import type { SessionView } from "../bindings/SessionView";

export const ORG = "a0123456789abcdef0123456";

function key(id: string, desc: string, publicKey: string, role: string): ApiKey {
  return {
    id,
    desc,
    publicKey,
    privateKey: "********-****-****-0123456789ab",
    roles: [{ orgId: ORG, roleName: role }],
  };
}

export const inventory: Inventory = {
  keys: [
    {
      key: key("k1", "Terraform CI", "abcdefgh", "ORG_MEMBER"),
      projectRoles: [],
      accessList: [
        { name: "203.0.113.10", cidrBlock: "203.0.113.10/32", ipAddress: "203.0.113.10" },
      ],
    },
    {
      key: key("k2", "Billing export", "ijklmnop", "ORG_BILLING_READ_ONLY"),
      projectRoles: [],
      accessList: [],
    },
    {
      key: key("k3", "Audit reader", "qrstuvwx", "ORG_READ_ONLY"),
      projectRoles: [],
      accessList: [],
    },
  ],
  projects: [{ id: "p1", name: "Production", orgId: ORG }],
};

export const session: SessionView = {
  profile: {
    id: "sandbox",
    name: "Sandbox (built in)",
    baseUrl: "http://127.0.0.1:1",
    kind: "apiKey",
    publicKey: "admin",
  },
  orgs: [{ id: ORG, name: "Acme Corp", isDeleted: false }],
  orgId: ORG,
  keyInUseId: "admin-id",
  keyInUsePublicKey: "adminkey",
  standings: [
    {
      orgId: ORG,
      role: "Organization Owner",
      managesOrg: true,
      readsServiceAccounts: true,
      readsKeyAccessLists: true,
      createsProjects: true,
      ownedProjects: [],
      projects: [],
      projectScoped: false,
    },
  ],
  title: "Sandbox (built in) · Acme Corp — Atlas Access Manager",
};

export const roles: RoleInfo[] = [
  { name: "ORG_OWNER", displayName: "Organization Owner", scope: "organization" },
  { name: "ORG_MEMBER", displayName: "Organization Member", scope: "organization" },
  { name: "ORG_READ_ONLY", displayName: "Organization Read Only", scope: "organization" },
  {
    name: "ORG_BILLING_READ_ONLY",
    displayName: "Organization Billing Viewer",
    scope: "organization",
  },
  { name: "GROUP_OWNER", displayName: "Project Owner", scope: "project" },
];

export const appInfo: AppInfo = {
  version: "1.2.3",
  keychain: { backend: "Secret Service", reachable: true, problem: null },
};

/** Checks like the Rust side for the two cases the tests type. */
function check(text: string): CheckedEntry[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((input, index): CheckedEntry =>
      /^\d+\.\d+\.\d+\.\d+$/.test(input)
        ? { position: index + 1, input, request: { ipAddress: input }, warnings: [], messages: [] }
        : {
            position: index + 1,
            input,
            error: { kind: "notAnAddress" },
            warnings: [],
            messages: [`"${input}" is not an IP address or CIDR block.`],
          },
    );
}

export type Handler = (cmd: string, args: Record<string, unknown>) => unknown;

/** Installs the fake; `override` answers first, and may throw a CommandError. */
export function installBackend(override?: Handler): string[] {
  const calls: string[] = [];
  mockIPC(
    (cmd, payload) => {
      calls.push(cmd);
      // Every command takes one argument, `args`, typed by the generated table.
      const args = ((payload as { args?: Record<string, unknown> } | undefined)?.args ??
        {}) as Record<string, unknown>;
      const answer = override?.(cmd, args);
      if (answer !== undefined) return answer;
      switch (cmd) {
        case "roles":
          return roles;
        case "connect":
          return session;
        case "load_key_list":
          return {
            ...inventory,
            keys: inventory.keys.map((item) => ({ ...item, accessList: [] })),
          };
        case "load_access_lists":
          return inventory.keys.map((item) => ({
            keyId: item.key.id,
            accessList: item.accessList,
          }));
        case "app_info":
          return appInfo;
        case "appearance":
          return "system";
        case "check_access_entries":
          return check(String(args.text));
        case "forget_private_key":
        case "select_org":
          return null;
        default: {
          const error: CommandError = { kind: "internal", message: `unexpected command ${cmd}` };
          throw error;
        }
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}
