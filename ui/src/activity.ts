// Activity: the organization's access events, read an Atlas page (500
// events) at a time as the user scrolls, and told as sentences with the
// names the app already knows.
import { useMemo } from "react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { ActivityEvent } from "./bindings/ActivityEvent";
import type { ActivityFilter } from "./bindings/ActivityFilter";
import type { Party } from "./bindings/Party";
import { ACCESS_EVENT_TYPES } from "./bindings/constants";
import { activityQuery, serviceAccountListQuery } from "./queries";
import { ago } from "./serviceAccounts";
import { useSession } from "./session";
import { useReach } from "./standing";

export type AccessEventType = (typeof ACCESS_EVENT_TYPES)[number];

/** What each event type is called in the filter. */
export const EVENT_TYPE_LABELS: Record<AccessEventType, string> = {
  API_KEY_CREATED: "API key created",
  API_KEY_DELETED: "API key deleted",
  API_KEY_DESCRIPTION_CHANGED: "API key description changed",
  API_KEY_ROLES_CHANGED: "API key roles changed",
  API_KEY_ADDED_TO_GROUP: "API key added to a project",
  API_KEY_REMOVED_FROM_GROUP: "API key removed from a project",
  API_KEY_ACCESS_LIST_ENTRY_ADDED: "API key access-list entry added",
  API_KEY_ACCESS_LIST_ENTRY_DELETED: "API key access-list entry deleted",
  SERVICE_ACCOUNT_CREATED: "Service account created",
  SERVICE_ACCOUNT_DELETED: "Service account deleted",
  SERVICE_ACCOUNT_DETAILS_CHANGED: "Service account name or description changed",
  SERVICE_ACCOUNT_ROLES_CHANGED: "Service account roles changed",
  SERVICE_ACCOUNT_ADDED_TO_GROUP: "Service account added to a project",
  SERVICE_ACCOUNT_REMOVED_FROM_GROUP: "Service account removed from a project",
  SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_ADDED: "Service account access-list entry added",
  SERVICE_ACCOUNT_ACCESS_LIST_ENTRY_DELETED: "Service account access-list entry deleted",
  SERVICE_ACCOUNT_SECRET_ADDED: "Service account secret generated",
  SERVICE_ACCOUNT_SECRET_DELETED: "Service account secret deleted",
  ORG_PUBLIC_API_ACCESS_LIST_REQUIRED: "Access list required",
  ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED: "Access list no longer required",
  ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED: "Maximum secret lifetime changed",
  ORG_DELEGATION_SETTINGS_UPDATED: "Delegated access changed",
};

/** The names the app knows: keys by public key, accounts by client id, projects by id. */
export interface Names {
  key: (publicKey: string) => string | undefined;
  account: (clientId: string) => string | undefined;
  project: (projectId: string) => string | undefined;
}

/** "GitHub Actions deploy (wqxlhbol)"; a key no longer there by its public key alone. */
export function partyName(party: Party, names: Names): string {
  switch (party.kind) {
    case "apiKey": {
      const desc = names.key(party.publicKey);
      return desc ? `${desc} (${party.publicKey})` : `API key ${party.publicKey}`;
    }
    case "serviceAccount": {
      const name = names.account(party.clientId) ?? party.name;
      return name ? `${name} (${party.clientId})` : `service account ${party.clientId}`;
    }
    case "person":
      return party.username;
    case "unknown":
      return "Someone";
  }
}

/** What happened, as a sentence without its time: who did what to what, from where. */
export function sentence(event: ActivityEvent, names: Names): string {
  const actor = partyName(event.actor, names);
  const target = event.target ? partyName(event.target, names) : "a credential";
  const project = event.projectId
    ? (names.project(event.projectId) ?? `project ${event.projectId}`)
    : "a project";
  const entry = event.entry ?? "an entry";
  const type = event.eventType.replace(/^(API_KEY|SERVICE_ACCOUNT)_/, "");
  const what = (() => {
    switch (type) {
      case "CREATED":
        return `created ${target}`;
      case "DELETED":
        return `deleted ${target}`;
      case "DESCRIPTION_CHANGED":
        return `changed the description of ${target}`;
      case "DETAILS_CHANGED":
        return `changed the name or description of ${target}`;
      case "ROLES_CHANGED":
        return event.projectId
          ? `changed the roles of ${target} in ${project}`
          : `changed the organization roles of ${target}`;
      case "ADDED_TO_GROUP":
        return `added ${target} to ${project}`;
      case "REMOVED_FROM_GROUP":
        return `removed ${target} from ${project}`;
      case "ACCESS_LIST_ENTRY_ADDED":
        return `added ${entry} to the access list of ${target}`;
      case "ACCESS_LIST_ENTRY_DELETED":
        return `removed ${entry} from the access list of ${target}`;
      case "SECRET_ADDED":
        return `generated a new secret for ${target}`;
      case "SECRET_DELETED":
        return `deleted a secret of ${target}`;
      case "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED":
        return "required an access list for every API request of the organization";
      case "ORG_PUBLIC_API_ACCESS_LIST_NOT_REQUIRED":
        return "stopped requiring an access list for the organization's API requests";
      case "ORG_SERVICE_ACCOUNT_MAX_SECRET_VALIDITY_EDITED":
        return "changed the maximum lifetime of service-account secrets";
      case "ORG_DELEGATION_SETTINGS_UPDATED":
        return "changed the organization's delegated access (MCP clients, partner apps, refresh-token lifetimes)";
      default:
        return `did ${event.eventType}${event.target ? ` to ${target}` : ""}`;
    }
  })();
  const from = event.remoteAddress ? ` from ${event.remoteAddress}` : "";
  return `${actor} ${what}${from}`;
}

/** The sentence with its time: "…, 3 days ago". */
export function sentenceWithTime(event: ActivityEvent, names: Names, now: number): string {
  return `${sentence(event, names)}, ${ago(event.created, now)}`;
}

/** The names of what the open organization holds, from the caches the other screens fill. */
export function useNames(orgId: string): Names {
  const { inventory } = useSession();
  const accounts = useQuery(serviceAccountListQuery(orgId, useReach()));
  return useMemo(() => {
    const keys = new Map(inventory?.keys.map((item) => [item.key.publicKey, item.key.desc]));
    const projects = new Map(inventory?.projects.map((project) => [project.id, project.name]));
    const names = new Map(accounts.data?.map((account) => [account.clientId, account.name]));
    return {
      key: (publicKey) => keys.get(publicKey) || undefined,
      account: (clientId) => names.get(clientId) || undefined,
      project: (projectId) => projects.get(projectId),
    };
  }, [inventory, accounts.data]);
}

/** The events that pass `filter`, an Atlas page at a time (see `activityQuery`). */
export function useActivity(orgId: string, filter: ActivityFilter) {
  const query = useInfiniteQuery(activityQuery(orgId, useReach(), filter));
  const events = useMemo(
    () => query.data?.pages.flatMap((page) => page.events) ?? [],
    [query.data],
  );
  const read = useMemo(
    () => query.data?.pages.reduce((sum, page) => sum + page.read, 0) ?? 0,
    [query.data],
  );
  return { ...query, events, read };
}
