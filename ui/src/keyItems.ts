// The keys' rows as the page keeps them after an edit, shaped as Rust builds them.
import type { ApiKey } from "./bindings/ApiKey";
import type { KeyInventory } from "./bindings/KeyInventory";

/** A key's row as Rust builds it (`key_inventory`): its roles project by project. */
export function keyItem(key: ApiKey): KeyInventory {
  const byProject = new Map<string, string[]>();
  for (const role of key.roles) {
    if (role.groupId)
      byProject.set(role.groupId, [...(byProject.get(role.groupId) ?? []), role.roleName]);
  }
  const projectRoles = [...byProject.keys()]
    .sort()
    .map((projectId) => ({ projectId, roles: byProject.get(projectId) ?? [] }));
  return { key, projectRoles, accessList: [] };
}

/** The key's place in one project's list after an edit: in it while it has a role there. */
export function withProjectMember(keys: ApiKey[], projectId: string, key: ApiKey): ApiKey[] {
  const member = key.roles.some((role) => role.groupId === projectId);
  const others = keys.filter((k) => k.id !== key.id);
  if (!member) return others;
  const index = keys.findIndex((k) => k.id === key.id);
  return index < 0 ? [...keys, key] : keys.map((k) => (k.id === key.id ? key : k));
}
