import { describe, expect, it } from "vitest";
import type { ActivityEvent } from "./bindings/ActivityEvent";
import { ACCESS_EVENT_TYPES } from "./bindings/constants";
import { EVENT_TYPE_LABELS, type Names, partyName, sentence, sentenceWithTime } from "./activity";

const names: Names = {
  key: (publicKey) =>
    ({ jqhzbdsw: "Sandbox administrator", wqxlhbol: "GitHub Actions deploy" })[publicKey],
  account: (clientId) => (clientId === "mdb_sa_id_1" ? "Nightly exporter" : undefined),
  project: (id) => (id === "p1" ? "Production" : undefined),
};

const event = (fields: Partial<ActivityEvent>): ActivityEvent => ({
  id: "e1",
  created: "2026-11-21T12:00:00Z",
  eventType: "API_KEY_ACCESS_LIST_ENTRY_ADDED",
  actor: { kind: "apiKey", publicKey: "jqhzbdsw" },
  target: { kind: "apiKey", publicKey: "wqxlhbol" },
  entry: "203.0.113.7/32",
  remoteAddress: "198.51.100.7",
  ...fields,
});

describe("activity sentences", () => {
  it("reads as who did what to which credential, from where, when", () => {
    const now = Date.parse("2026-11-24T12:30:00Z");
    expect(sentenceWithTime(event({}), names, now)).toBe(
      "Sandbox administrator (jqhzbdsw) added 203.0.113.7/32 to the access list of GitHub Actions deploy (wqxlhbol) from 198.51.100.7, 3 days ago",
    );
  });

  it("names projects, service accounts and deleted keys", () => {
    expect(
      sentence(
        event({
          eventType: "SERVICE_ACCOUNT_ADDED_TO_GROUP",
          target: { kind: "serviceAccount", clientId: "mdb_sa_id_1" },
          projectId: "p1",
          entry: undefined,
        }),
        names,
      ),
    ).toBe(
      "Sandbox administrator (jqhzbdsw) added Nightly exporter (mdb_sa_id_1) to Production from 198.51.100.7",
    );
    expect(
      sentence(
        event({ eventType: "API_KEY_DELETED", target: { kind: "apiKey", publicKey: "rtrdmgrt" } }),
        names,
      ),
    ).toBe("Sandbox administrator (jqhzbdsw) deleted API key rtrdmgrt from 198.51.100.7");
    expect(
      partyName({ kind: "serviceAccount", clientId: "mdb_sa_id_9", name: "Gone" }, names),
    ).toBe("Gone (mdb_sa_id_9)");
    expect(partyName({ kind: "unknown" }, names)).toBe("Someone");
  });

  it("tells the organization's own events without a target", () => {
    expect(
      sentence(
        event({
          eventType: "ORG_PUBLIC_API_ACCESS_LIST_REQUIRED",
          target: undefined,
          entry: undefined,
          actor: { kind: "serviceAccount", clientId: "mdb_sa_id_1" },
        }),
        names,
      ),
    ).toBe(
      "Nightly exporter (mdb_sa_id_1) required an access list for every API request of the organization from 198.51.100.7",
    );
    expect(
      sentence(
        event({
          eventType: "ORG_DELEGATION_SETTINGS_UPDATED",
          target: undefined,
          entry: undefined,
        }),
        names,
      ),
    ).toBe(
      "Sandbox administrator (jqhzbdsw) changed the organization's delegated access (MCP clients, partner apps, refresh-token lifetimes) from 198.51.100.7",
    );
  });

  it("has a sentence and a label for every event type it asks for", () => {
    for (const type of ACCESS_EVENT_TYPES) {
      expect(EVENT_TYPE_LABELS[type]).toBeTruthy();
      expect(sentence(event({ eventType: type }), names)).not.toContain(" did ");
    }
  });
});
