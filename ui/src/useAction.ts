// One way for a screen to run an edit: busy while it runs, its error kept
// for the screen to show, a toast when it succeeds, and the session told of
// a failure (a key or project that turns out gone reloads the organization).
import { useCallback, useState } from "react";
import { useToast } from "@leafygreen-ui/toast";
import * as api from "./api";
import type { CommandError } from "./bindings/CommandError";
import { useSession } from "./session";

export interface Action {
  busy: boolean;
  error: CommandError | null;
  clearError: () => void;
  /** Runs `action`; toasts `success` (or what it returns) when it resolves. True if it did. */
  run: (action: () => Promise<string | void>, success?: string) => Promise<boolean>;
}

export function useAction(): Action {
  const { pushToast } = useToast();
  const { noteError } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const run = useCallback(
    async (action: () => Promise<string | void>, success?: string) => {
      setBusy(true);
      setError(null);
      try {
        const message = (await action()) ?? success;
        if (message) pushToast({ variant: "success", title: message });
        return true;
      } catch (err) {
        const failure = api.asCommandError(err);
        setError(failure);
        noteError(failure);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [pushToast, noteError],
  );
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, clearError, run };
}
