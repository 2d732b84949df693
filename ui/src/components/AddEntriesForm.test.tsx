import { describe, expect, it } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import { ToastProvider } from "@leafygreen-ui/toast";
import type { CheckedEntry } from "../bindings/CheckedEntry";
import { SessionProvider } from "../session";
import { installBackend } from "../test/fakeBackend";
import { AddEntriesForm, NO_ENTRIES, useEntryAdder } from "./AccessListParts";

function Form({ sent }: { sent: string[] }) {
  const adder = useEntryAdder(NO_ENTRIES, async (text) => {
    sent.push(text);
    return { checked: [], added: 1 };
  });
  return <AddEntriesForm adder={adder} testId="access" />;
}

function renderForm(sent: string[]) {
  render(
    <LeafyGreenProvider>
      <ToastProvider>
        <SessionProvider>
          <Form sent={sent} />
        </SessionProvider>
      </ToastProvider>
    </LeafyGreenProvider>,
  );
}

describe("adding access-list entries", () => {
  it("lets Add send a line typed a moment ago, before its check has answered", async () => {
    // The check of the typed text never answers here.
    installBackend((cmd) =>
      cmd === "check_access_entries" ? new Promise<CheckedEntry[]>(() => undefined) : undefined,
    );
    const sent: string[] = [];
    renderForm(sent);
    const add = screen.getByTestId("access-add");
    expect(add).toHaveAttribute("aria-disabled", "true");
    await userEvent.type(screen.getByTestId("access-input"), "198.51.100.7");
    await waitFor(() => expect(add).toHaveAttribute("aria-disabled", "false"));
    await userEvent.click(add);
    await waitFor(() => expect(sent).toEqual(["198.51.100.7"]));
  });

  it("closes Add once the check says no line can be added", async () => {
    installBackend();
    renderForm([]);
    await userEvent.type(screen.getByTestId("access-input"), "not-an-address");
    await waitFor(() =>
      expect(screen.getByTestId("access-add")).toHaveAttribute("aria-disabled", "true"),
    );
    expect(screen.getByTestId("access-check")).toHaveTextContent("not-an-address");
  });

  it("gives the field no title, whose native tooltip would outlive the page", () => {
    installBackend();
    renderForm([]);
    const field = screen.getByTestId("access-input");
    expect(field.tagName).toBe("TEXTAREA");
    expect(field.getAttribute("title") ?? "").toBe("");
    // Still named by its label for a screen reader.
    expect(screen.getByLabelText("Add Access List Entry")).toBe(field);
  });
});
