// Access review: what the page has read, in the shape core reviews.
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import * as api from "./api";
import { delegationQuery, orgSettingsQuery } from "./queries";
import { useReach } from "./standing";
import type { CommandError } from "./bindings/CommandError";
import type { DelegationSettings } from "./bindings/DelegationSettings";
import type { Inventory } from "./bindings/Inventory";
import type { ReviewInput } from "./bindings/ReviewInput";
import type { ReviewReport } from "./bindings/ReviewReport";
import type { ServiceAccountInventory } from "./bindings/ServiceAccountInventory";

/**
 * The organization's credentials as core reviews them, with its
 * delegated-access policy where it was read. A list not read yet (still
 * loading, or failed) is left out, so it is never taken for empty.
 */
export function reviewInput(
  orgId: string,
  inventory: Inventory,
  accessListsRead: boolean,
  accounts: ServiceAccountInventory[],
  partsRead: boolean,
  accessListRequired: boolean,
  delegation: DelegationSettings | undefined,
): ReviewInput {
  return {
    accessListRequired,
    delegation,
    keys: inventory.keys.map((item) => ({
      id: item.key.id,
      publicKey: item.key.publicKey,
      desc: item.key.desc,
      orgRoles: item.key.roles.filter((role) => role.orgId === orgId).map((role) => role.roleName),
      projectCount: item.projectRoles.length,
      entries:
        accessListsRead && !item.accessListError
          ? item.accessList.map((entry) => ({
              entry: entry.name,
              lastUsed: entry.lastUsed,
            }))
          : undefined,
      // A list that could not be read once all were is "unknown", not awaited.
      listUnreadable: accessListsRead && Boolean(item.accessListError),
    })),
    accounts: accounts.map((item) => ({
      clientId: item.account.clientId,
      name: item.account.name,
      orgRoles: item.account.roles,
      projectCount: partsRead && !item.error ? item.projects.length : undefined,
      systemManaged: item.account.systemManaged,
      secrets: item.account.secrets.map((secret) => ({
        id: secret.id,
        expiresAt: secret.expiresAt,
        lastUsedAt: secret.lastUsedAt,
      })),
      entries:
        partsRead && !item.error
          ? item.accessList.map((entry) => ({
              entry: entry.name,
              lastUsed: entry.lastUsedAt,
            }))
          : undefined,
    })),
  };
}

/** The last input made, kept while its data stays the same object. */
let lastInput: { made: readonly unknown[]; input: ReviewInput } | null = null;

/**
 * [`reviewInput`], made once per state of the data: the screen opened again
 * with nothing changed reviews the same input without making it again.
 */
export function sharedReviewInput(...made: Parameters<typeof reviewInput>): ReviewInput {
  if (
    lastInput &&
    lastInput.made.length === made.length &&
    lastInput.made.every((part, index) => part === made[index])
  ) {
    return lastInput.input;
  }
  const input = reviewInput(...made);
  lastInput = { made, input };
  return input;
}

/** The review of `input`, again whenever it changes (an edit, a list read). */
export function useReview(input: ReviewInput | null) {
  const [report, setReport] = useState<ReviewReport | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [settingsVersion, setSettingsVersion] = useState(0);
  useEffect(() => {
    if (!input) return;
    let current = true;
    api.reviewAccess(input).then(
      (next) => {
        if (current) {
          setReport(next);
          setError(null);
        }
      },
      (failure) => current && setError(api.asCommandError(failure)),
    );
    return () => {
      current = false;
    };
  }, [input, settingsVersion]);
  return { report, error, rerun: () => setSettingsVersion((count) => count + 1) };
}

/** The organization's settings, read again whenever the review opens (Atlas's own screens change them too). */
export function useOrgSettings(orgId: string) {
  return useQuery({
    ...orgSettingsQuery(orgId, useReach()),
    staleTime: 0,
    refetchOnMount: "always",
  });
}

/** The delegated-access policy, read again whenever the review opens. */
export function useDelegation(orgId: string) {
  return useQuery({
    ...delegationQuery(orgId, useReach()),
    staleTime: 0,
    refetchOnMount: "always",
  });
}

/** A credential a finding names: an API key or a service account. */
export type Concerned =
  | { kind: "apiKey"; id: string; publicKey: string; name: string }
  | { kind: "serviceAccount"; clientId: string; name: string };

/** The credential at `index` of the input: keys first, then accounts (as core numbers them). */
export function concerned(input: ReviewInput, index: number): Concerned | undefined {
  const key = input.keys[index];
  if (key) return { kind: "apiKey", id: key.id, publicKey: key.publicKey, name: key.desc };
  const account = input.accounts[index - input.keys.length];
  return account && { kind: "serviceAccount", clientId: account.clientId, name: account.name };
}
