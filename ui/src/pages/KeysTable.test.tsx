import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor } from "@testing-library/react";
import LeafyGreenProvider from "@leafygreen-ui/leafygreen-provider";
import App from "../App";
import { installBackend, inventory } from "../test/fakeBackend";
import { renders, resetRenders } from "../test/renders";

/** What the channel of a call is in the page: an id its messages go to. */
interface ChannelLike {
  id: number;
}

/** Sends a message on the call's progress channel, as Rust does. */
function tick(channel: ChannelLike, index: number, done: number, total: number) {
  const internals = (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ as {
    runCallback: (id: number, message: unknown) => void;
  };
  internals.runCallback(channel.id, { index, message: { done, total } });
}

describe("the keys table while the access lists are read", () => {
  it("re-renders the progress alone on each tick, and the rows once their lists arrive", async () => {
    let channel: ChannelLike | null = null;
    let answer: (lists: unknown) => void = () => undefined;
    installBackend((cmd, args) => {
      if (cmd !== "load_access_lists") return undefined;
      channel = args.progress as ChannelLike;
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    render(
      <LeafyGreenProvider>
        <App />
      </LeafyGreenProvider>,
    );
    expect(await screen.findByTestId("keys-table")).toBeInTheDocument();
    await waitFor(() => expect(channel).not.toBeNull());
    const progress = channel as unknown as ChannelLike;
    resetRenders();

    const total = inventory.keys.length;
    for (let done = 1; done <= total; done += 1) {
      act(() => tick(progress, done - 1, done, total));
      await waitFor(() =>
        expect(screen.getByTestId("access-lists-progress")).toHaveTextContent(`${done}/${total}`),
      );
    }
    expect(renders("AccessListsProgress")).toBeGreaterThanOrEqual(total);
    expect(renders("KeyRow")).toBe(0);
    expect(renders("RoleFilter")).toBe(0);
    expect(renders("KeysTable")).toBe(0);

    await act(async () =>
      answer(inventory.keys.map((item) => ({ keyId: item.key.id, accessList: item.accessList }))),
    );
    await waitFor(() =>
      expect(screen.getByTestId("key-access-abcdefgh")).toHaveTextContent("1 entry"),
    );
    // Each row once, for its list; the filter still not at all.
    expect(renders("KeyRow")).toBe(total);
    expect(renders("RoleFilter")).toBe(0);
  });
});
