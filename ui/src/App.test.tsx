import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import App from "./App";
import type { AppInfo } from "./bindings/AppInfo";
import type { CommandError } from "./bindings/CommandError";
import type { CreatedKeyView } from "./bindings/CreatedKeyView";
import { installBackend, inventory, session } from "./test/fakeBackend";
import { reactStateHolds } from "./test/reactState";

function renderApp() {
  return render(
    <LeafyGreenProvider>
      <App />
    </LeafyGreenProvider>,
  );
}

function visibleDescriptions(): string[] {
  const table = screen.getByTestId("keys-table");
  return within(table)
    .getAllByRole("button")
    .filter((button) => button.dataset.testid?.startsWith("key-open-"))
    .map((button) => button.textContent ?? "");
}

const auditorSession = {
  ...session,
  standings: session.standings.map((standing) => ({
    ...standing,
    role: "Organization Read Only",
    managesOrg: false,
    readsKeyAccessLists: false,
    createsProjects: false,
  })),
};

describe("an auditor's connection", () => {
  it("offers no edit, and says a list it may not read needs Organization Owner", async () => {
    installBackend((cmd) => {
      if (cmd === "connect") return auditorSession;
      if (cmd === "load_access_lists") {
        return inventory.keys.map((item) =>
          item.key.id === "k1"
            ? { keyId: item.key.id, accessList: [], error: "Organization Owner needed" }
            : { keyId: item.key.id, accessList: item.accessList },
        );
      }
      return undefined;
    });
    renderApp();
    expect(await screen.findByTestId("keys-table")).toBeInTheDocument();
    expect(screen.getByTestId("keys-standing-role")).toHaveTextContent("Organization Read Only");
    expect(screen.queryByTestId("create-key")).not.toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId("key-access-abcdefgh")).toHaveTextContent(
        "cannot be read with this connection's role (Organization Owner needed)",
      ),
    );
    // Never "none", as if the key were open to every address.
    expect(screen.getByTestId("key-access-abcdefgh")).not.toHaveTextContent("none");
    expect(screen.getByTestId("key-access-ijklmnop")).toHaveTextContent("none");

    await userEvent.click(screen.getByTestId("key-open-abcdefgh"));
    expect(await screen.findByTestId("details-permissions")).toBeInTheDocument();
    for (const control of [
      "details-save",
      "details-rotate",
      "details-move",
      "details-delete",
      "details-desc",
    ]) {
      expect(screen.queryByTestId(control)).not.toBeInTheDocument();
    }
  });
});

describe("app shell", () => {
  it("opens the sandbox on first start and shows its keys", async () => {
    const calls = installBackend();
    renderApp();
    expect(screen.getByTestId("page-organization")).toBeInTheDocument();
    expect(await screen.findByTestId("keys-table")).toBeInTheDocument();
    expect(screen.getByTestId("active-connection")).toHaveTextContent("Sandbox (built in)");
    expect(screen.getByTestId("active-organization")).toHaveTextContent("Acme Corp");
    expect(screen.getByTestId("key-count")).toHaveTextContent("3");
    expect(calls).toContain("connect");
    // The access lists fill in after the table shows.
    await waitFor(() =>
      expect(screen.getByTestId("key-access-ijklmnop")).toHaveTextContent("none"),
    );
    expect(screen.getByTestId("key-access-abcdefgh")).not.toHaveTextContent("none");
  });

  it("returns to Connections with the reason when Rust closes the session", async () => {
    installBackend((cmd) => {
      if (cmd === "load_key_list") {
        const closed: CommandError = {
          kind: "notConnected",
          message: "No connection is open. Choose one under Connections.",
        };
        throw closed;
      }
      return undefined;
    });
    renderApp();
    expect(await screen.findByTestId("session-closed")).toHaveTextContent("No connection is open");
    expect(screen.getByTestId("page-connections")).toBeInTheDocument();
  });

  it("says what is wrong when the connection cannot open, with the Atlas code", async () => {
    const refused: CommandError = {
      kind: "atlas",
      message: "This computer's address is not on the API key's access list.",
      atlasErrorCode: "IP_ADDRESS_NOT_ON_ACCESS_LIST",
    };
    installBackend((cmd) => {
      if (cmd === "connect") throw refused;
      return undefined;
    });
    renderApp();
    expect(await screen.findByTestId("connect-error-message")).toHaveTextContent(
      "not on the API key's access list",
    );
    expect(screen.getByTestId("connect-error-code")).toHaveTextContent(
      "IP_ADDRESS_NOT_ON_ACCESS_LIST",
    );
  });

  it("switches sections from the side navigation and marks the current one", async () => {
    installBackend();
    renderApp();
    const user = userEvent.setup();
    await user.click(screen.getByTestId("nav-connections"));
    expect(screen.getByTestId("page-connections")).toBeInTheDocument();
    expect(screen.getByTestId("nav-connections")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-organization")).not.toHaveAttribute("aria-current", "page");
  });
});

describe("API keys table", () => {
  it("filters by description or public key and sorts by a column", async () => {
    installBackend();
    renderApp();
    await screen.findByTestId("keys-table");
    expect(visibleDescriptions()).toEqual(["Audit reader", "Billing export", "Terraform CI"]);
    const user = userEvent.setup();
    await user.click(screen.getByTestId("sort-desc"));
    expect(visibleDescriptions()).toEqual(["Terraform CI", "Billing export", "Audit reader"]);
    await user.type(screen.getByTestId("key-filter"), "ijkl");
    await waitFor(() => expect(visibleDescriptions()).toEqual(["Billing export"]));
    await user.clear(screen.getByTestId("key-filter"));
    await user.type(screen.getByTestId("key-filter"), "nothing like it");
    expect(await screen.findByTestId("keys-empty")).toBeInTheDocument();
  });
});

describe("an edit", () => {
  it("patches the key it changed and reads nothing else again", async () => {
    const calls = installBackend((cmd, args) => {
      if (cmd === "update_org_key") {
        const item = inventory.keys[1]!;
        return {
          ...item.key,
          desc: String(args.desc),
          roles: [{ orgId: args.orgId, roleName: "ORG_READ_ONLY" }],
        };
      }
      return undefined;
    });
    renderApp();
    const user = userEvent.setup();
    await waitFor(() => expect(calls).toContain("load_access_lists"));
    await user.click(await screen.findByTestId("key-open-ijklmnop"));
    const desc = screen.getByTestId("details-desc");
    await user.clear(desc);
    await user.type(desc, "Billing export (renamed)");
    const before = calls.length;
    await user.click(screen.getByTestId("details-save"));
    await waitFor(() => expect(calls.slice(before)).toEqual(["update_org_key"]));
    await user.click(screen.getByTestId("details-back"));
    expect(visibleDescriptions()).toContain("Billing export (renamed)");
    expect(calls.filter((cmd) => cmd === "load_key_list")).toHaveLength(1);
    expect(calls.filter((cmd) => cmd === "load_access_lists")).toHaveLength(1);
  });
});

describe("Create API Key", () => {
  it("checks each access-list line as it is typed and refuses to create until fixed", async () => {
    installBackend();
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("create-key"));
    const submit = screen.getByTestId("create-submit");
    expect(submit).toHaveAttribute("aria-disabled", "true");
    await user.type(screen.getByTestId("create-desc"), "Deploy bot");
    await user.click(within(screen.getByTestId("create-roles")).getByText("Organization Member"));
    expect(submit).toHaveAttribute("aria-disabled", "false");
    await user.type(screen.getByTestId("create-access"), "203.0.113.7, not-an-ip");
    await waitFor(() =>
      expect(
        screen.getAllByTestId("create-access-check-line").map((line) => line.dataset.status),
      ).toEqual(["ok", "error"]),
    );
    expect(screen.getByTestId("create-access-check")).toHaveTextContent("not an IP address");
    expect(submit).toHaveAttribute("aria-disabled", "true");
  });

  it("shows the private key once and closes only after the confirmation, forgetting it", async () => {
    const created: CreatedKeyView = {
      key: { ...inventory.keys[0]!.key, id: "new", desc: "Deploy bot", publicKey: "zzzzyyyy" },
      privateKey: "c8150efd-c7a0-4afd-8c4f-01bdd56c8977",
      accessList: { status: "skipped" },
      invitations: [],
    };
    const calls = installBackend((cmd) => (cmd === "create_org_key" ? created : undefined));
    const { container } = renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("create-key"));
    await user.type(screen.getByTestId("create-desc"), "Deploy bot");
    await user.click(within(screen.getByTestId("create-roles")).getByText("Organization Member"));
    await user.click(screen.getByTestId("create-submit"));
    const field = await screen.findByTestId("one-time-private-key");
    expect(field).toHaveTextContent("c8150efd-c7a0-4afd-8c4f-01bdd56c8977");
    // Ctrl+C on the key goes through Rust, like the Copy button.
    field.focus();
    await user.keyboard("{Control>}c{/Control}");
    await waitFor(() => expect(calls).toContain("copy_private_key"));
    expect(screen.getByTestId("one-time-close")).toHaveAttribute("aria-disabled", "true");
    await user.click(screen.getByText("I have copied the private key"));
    await user.click(screen.getByTestId("one-time-close"));
    await waitFor(() => expect(screen.queryByTestId("one-time-dialog")).not.toBeInTheDocument());
    expect(document.body.innerHTML).not.toContain("c8150efd-c7a0-4afd-8c4f-01bdd56c8977");
    expect(reactStateHolds(container, created.privateKey)).toBe(false);
    expect(calls).toContain("forget_private_key");
  });
});

describe("about", () => {
  it("shows the version and a reachable keychain from app_info", async () => {
    installBackend();
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("app-version")).toHaveTextContent("1.2.3");
    expect(screen.getByTestId("keychain-status")).toHaveTextContent(/reachable/i);
    expect(screen.queryByTestId("keychain-problem")).not.toBeInTheDocument();
  });

  it("says what is wrong when the keychain does not answer", async () => {
    const info: AppInfo = {
      version: "1.2.3",
      keychain: {
        backend: "Secret Service",
        reachable: false,
        problem: "No Secret Service answered.",
      },
    };
    installBackend((cmd) => (cmd === "app_info" ? info : undefined));
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("keychain-status")).toHaveTextContent(/unreachable/i);
    expect(screen.getByTestId("keychain-problem")).toHaveTextContent("No Secret Service answered.");
  });

  it("shows the command's error message when app_info fails", async () => {
    const failure: CommandError = { kind: "internal", message: "The app state is not ready." };
    installBackend((cmd) => {
      if (cmd === "app_info") throw failure;
      return undefined;
    });
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    const banner = await screen.findByTestId("about-error");
    expect(within(banner).getByText("The app state is not ready.")).toBeInTheDocument();
  });
});

describe("rotating the key the connection uses", () => {
  const old = inventory.keys[0]!.key;
  const made: CreatedKeyView = {
    key: { ...old, id: "new", publicKey: "newnewnew", desc: `${old.desc} (rotated)` },
    privateKey: "0d7f1c2e-5b1a-4c8e-9f00-aa11bb22cc33",
    accessList: { status: "failed", message: "Atlas refused the request." },
    invitations: [],
  };

  it("asks Rust to switch the connection, waits while a step has failed, and shows it switched once resumed", async () => {
    const asked: Record<string, unknown>[] = [];
    const calls = installBackend((cmd, args) => {
      switch (cmd) {
        case "connect":
          return {
            ...session,
            profile: { ...session.profile, id: "work", name: "Work" },
            keyInUseId: old.id,
            keyInUsePublicKey: old.publicKey,
          };
        case "rotate_org_key":
          asked.push(args);
          // Rust does not switch while the new key's access list failed.
          return { created: made, switch: { status: "waiting" } };
        case "complete_rotation":
          asked.push(args);
          return {
            setup: {
              roles: { status: "skipped" },
              accessList: { status: "done" },
              invitations: [],
              key: made.key,
              complete: true,
            },
            switch: {
              status: "switched",
              session: { ...session, keyInUseId: "new", keyInUsePublicKey: "newnewnew" },
            },
          };
        case "get_access_list":
          return [];
        default:
          return undefined;
      }
    });
    const rendered = renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId(`key-open-${old.publicKey}`));
    await user.click(await screen.findByTestId("details-rotate"));
    await user.click(await screen.findByTestId("rotate-create"));
    expect(await screen.findByTestId("one-time-setup-failed")).toHaveTextContent(
      "from any address",
    );
    expect(asked[0]).toMatchObject({ keyId: old.id, switchProfileId: "work" });
    expect(screen.getByTestId("rotate-switch-waiting")).toBeInTheDocument();
    expect(screen.queryByTestId("rotate-switched")).not.toBeInTheDocument();

    // Retry in the dialog, while the private key is still held: Rust
    // completes the key, then switches the connection.
    await user.click(screen.getByTestId("one-time-retry"));
    await waitFor(() => expect(calls).toContain("complete_rotation"));
    expect(asked[1]).toMatchObject({ newKeyId: "new", switchProfileId: "work" });
    await waitFor(() =>
      expect(screen.queryByTestId("one-time-setup-failed")).not.toBeInTheDocument(),
    );
    expect(await screen.findByTestId("rotate-switched")).toBeInTheDocument();
    expect(screen.queryByTestId("rotate-switch-waiting")).not.toBeInTheDocument();
    await user.click(screen.getByText("I have copied the private key"));
    const { container } = rendered;
    expect(reactStateHolds(container, made.privateKey)).toBe(true);
    await user.click(screen.getByTestId("one-time-close"));
    await waitFor(() => expect(screen.queryByTestId("one-time-dialog")).not.toBeInTheDocument());
    // The wizard goes on with the new key, but nothing on the page keeps
    // its private key once its dialog has closed.
    expect(reactStateHolds(container, made.privateKey)).toBe(false);
  });
});
