// The IPC contract: `call` accepts only what the table generated from Rust
// (bindings/commands.ts) declares. These tests run the TypeScript checker
// on calls written beside api.ts, so they fail if the table stopped typing
// the calls (a command or an argument typed as `any`, say), and check that
// `call` hands Tauri the command and its argument as Rust reads them.
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.hoisted(() => vi.fn());
vi.mock("@tauri-apps/api/core", () => ({ invoke, Channel: class {} }));

import { call } from "./api";

const here = path.dirname(fileURLToPath(import.meta.url));
const probe = path.join(here, "contract-probe.ts");

/** The checker's errors for these statements, written in a file beside api.ts. */
function errorsOf(statements: string[]): string[] {
  const config = ts.readConfigFile(path.join(here, "..", "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, path.join(here, ".."));
  const text = [
    'import { call } from "./api";',
    "export function probe() {",
    ...statements.map((statement) => `  void ${statement};`),
    "}",
  ].join("\n");
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    path.resolve(name) === probe
      ? ts.createSourceFile(name, text, language)
      : getSourceFile(name, language, ...rest);
  const program = ts.createProgram([probe], { ...options, types: [] }, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probe))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

describe("the typed IPC client", () => {
  beforeEach(() => invoke.mockReset());

  it("accepts the calls Rust declares", () => {
    expect(
      errorsOf([
        'call("delete_org_key", { orgId: "o", keyId: "k" })',
        'call("update_org_key", { orgId: "o", keyId: "k", desc: "d", roles: ["ORG_OWNER"] })',
      ]),
    ).toEqual([]);
  }, 60_000);

  it.each([
    ["an argument named as Rust does not", 'call("delete_org_key", { orgId: "o", key_id: "k" })'],
    [
      "a required argument missing",
      'call("update_org_key", { orgId: "o", keyId: "k", desc: "d" })',
    ],
    ["a command Rust does not have", 'call("delete_key", { orgId: "o", keyId: "k" })'],
    [
      "a role that is not a list",
      'call("update_org_key", { orgId: "o", keyId: "k", desc: "d", roles: "ORG_OWNER" })',
    ],
  ])(
    "refuses %s",
    (_, statement) => {
      expect(errorsOf([statement])).toHaveLength(1);
    },
    60_000,
  );

  it("sends the command with its argument under `args`", async () => {
    invoke.mockResolvedValue({ keyId: "k" });
    await call("delete_org_key", { orgId: "o", keyId: "k" });
    expect(invoke).toHaveBeenCalledWith("delete_org_key", { args: { orgId: "o", keyId: "k" } });
  });
});
