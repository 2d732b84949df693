// The IPC contract is checked by the compiler: these calls name a command or
// an argument that Rust does not declare, and `tsc` (part of `make lint` and
// of every UI build) fails if any of them were accepted, since an unused
// `@ts-expect-error` is itself an error.
import { describe, expect, it } from "vitest";
import { call } from "./api";

describe("the typed IPC client", () => {
  it("refuses what the Rust table does not declare", () => {
    const neverRun = () => {
      // @ts-expect-error: the argument is keyId, not key_id
      void call("delete_org_key", { orgId: "o", key_id: "k" });
      // @ts-expect-error: a required argument is missing
      void call("update_org_key", { orgId: "o", keyId: "k", desc: "d" });
      // @ts-expect-error: no such command
      void call("delete_key", { orgId: "o", keyId: "k" });
      // @ts-expect-error: roles are a list of names
      void call("update_org_key", { orgId: "o", keyId: "k", desc: "d", roles: "ORG_OWNER" });
    };
    expect(typeof neverRun).toBe("function");
  });
});
