// One way for a screen to run an edit: a TanStack Query mutation, busy while
// it runs, its error kept for the screen to show, a toast when it succeeds,
// and the session told of a failure (a key or project that turns out gone
// reloads the organization). The edit itself patches the cache with what it
// answered, as the page's reads share that cache.
import { useCallback } from "react";
import { useMutation } from "@tanstack/react-query";
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

interface Edit {
  action: () => Promise<string | void>;
  success?: string;
}

export function useAction(): Action {
  const { pushToast } = useToast();
  const { noteError } = useSession();
  const mutation = useMutation<string | void, CommandError, Edit>({
    mutationFn: ({ action }) =>
      action().catch((err: unknown) => {
        throw api.asCommandError(err);
      }),
    onSuccess: (message, { success }) => {
      const title = message ?? success;
      if (title) pushToast({ variant: "success", title });
    },
    onError: (failure) => noteError(failure),
  });
  const { mutateAsync, reset } = mutation;
  const run = useCallback(
    (action: () => Promise<string | void>, success?: string) =>
      mutateAsync({ action, success }).then(
        () => true,
        () => false,
      ),
    [mutateAsync],
  );
  return { busy: mutation.isPending, error: mutation.error, clearError: reset, run };
}
