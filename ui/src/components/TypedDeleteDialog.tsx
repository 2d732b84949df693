import { useState, type ReactNode } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H3 } from "@leafygreen-ui/typography";
import type { Action } from "../useAction";
import { ErrorBanner } from "./ErrorBanner";
import { buttons, stack } from "../layout";

/**
 * Deleting something that cannot be brought back: Delete stays disabled
 * until the person types what names it.
 */
export function TypedDeleteDialog({
  title,
  children,
  label,
  accepts,
  deletion,
  onDelete,
  onCancel,
  testId,
}: {
  title: string;
  children: ReactNode;
  /** What to type, as the field's label. */
  label: string;
  /** Whether the typed text names the thing. */
  accepts: (typed: string) => boolean;
  deletion: Action;
  onDelete: () => void;
  onCancel: () => void;
  /** `delete` gives `delete-dialog`, `delete-confirm-input`, `delete-error`, `delete-confirm`. */
  testId: string;
}) {
  const [typed, setTyped] = useState("");
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid={`${testId}-dialog`}
    >
      <div className={stack}>
        <H3>{title}</H3>
        <Body>{children}</Body>
        <TextInput
          label={label}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          data-testid={`${testId}-confirm-input`}
        />
        <ErrorBanner error={deletion.error} testId={`${testId}-error`} />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="danger"
            disabled={!typed.trim() || !accepts(typed.trim()) || deletion.busy}
            onClick={onDelete}
            data-testid={`${testId}-confirm`}
          >
            Delete
          </Button>
        </div>
      </div>
    </Modal>
  );
}
