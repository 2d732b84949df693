import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import App from "./App";
import type { AppInfo } from "./bindings/AppInfo";
import type { CommandError } from "./bindings/CommandError";

function renderApp() {
  return render(
    <LeafyGreenProvider>
      <App />
    </LeafyGreenProvider>,
  );
}

const reachable: AppInfo = {
  version: "1.2.3",
  keychain: { backend: "Secret Service", reachable: true, problem: null },
};

describe("app shell", () => {
  it("opens on the Organization Access Manager with no connection", () => {
    renderApp();
    expect(screen.getByTestId("page-organization")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Organization Access Manager" })).toBeInTheDocument();
    expect(screen.getByTestId("active-connection")).toHaveTextContent("No connection");
  });

  it("switches sections from the side navigation and marks the current one", async () => {
    renderApp();
    const user = userEvent.setup();
    await user.click(screen.getByTestId("nav-connections"));
    expect(screen.getByTestId("page-connections")).toBeInTheDocument();
    expect(screen.getByTestId("nav-connections")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-organization")).not.toHaveAttribute("aria-current", "page");
  });
});

describe("settings: about", () => {
  it("shows the version and a reachable keychain from app_info", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "app_info") return reachable;
      throw new Error(`unexpected command ${cmd}`);
    });
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("app-version")).toHaveTextContent("1.2.3");
    expect(screen.getByTestId("keychain-status")).toHaveTextContent(/reachable/i);
    expect(screen.queryByTestId("keychain-problem")).not.toBeInTheDocument();
    expect(calls).toEqual(["app_info"]);
  });

  it("says what is wrong when the keychain does not answer", async () => {
    const info: AppInfo = {
      version: "1.2.3",
      keychain: { backend: "Secret Service", reachable: false, problem: "No Secret Service answered." },
    };
    mockIPC(() => info);
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("keychain-status")).toHaveTextContent(/unreachable/i);
    expect(screen.getByTestId("keychain-problem")).toHaveTextContent("No Secret Service answered.");
  });

  it("shows the command's error message when app_info fails", async () => {
    const failure: CommandError = { kind: "internal", message: "The app state is not ready." };
    mockIPC(() => {
      throw failure;
    });
    renderApp();
    await userEvent.setup().click(screen.getByTestId("nav-settings"));
    const banner = await screen.findByTestId("about-error");
    expect(within(banner).getByText("The app state is not ready.")).toBeInTheDocument();
  });
});
