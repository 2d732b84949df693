import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import Modal from "@leafygreen-ui/modal";
import { Body, H3 } from "@leafygreen-ui/typography";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import { ErrorBanner } from "./ErrorBanner";
import { denseStack as stack, buttons } from "../layout";

/**
 * Removing one access-list entry of a key or a service account, behind the
 * lockout guard: what core's check says it would do, refused when it is
 * blocking, and past a warning (the last entry: opened to any address, or
 * locked out) only once the person says they understand, which the removal
 * then carries to core. Mount it with a `key` per entry.
 */
export function EntryRemovalDialog({
  entry,
  check,
  refusedText,
  error,
  busy,
  onCancel,
  onConfirm,
  testId,
}: {
  entry: string;
  /** Null while the check is under way. */
  check: LockoutCheck | null;
  /** What the removal does when nothing else is at stake. */
  refusedText: string;
  error: CommandError | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (acknowledged: boolean) => void;
  testId: string;
}) {
  const [understood, setUnderstood] = useState(false);
  const warned = Boolean(check?.warning) && !check?.blocking;
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid={`${testId}-remove-dialog`}
    >
      <div className={stack}>
        <H3>Delete {entry}?</H3>
        {!check && !error && <Body>Checking what this would do to access…</Body>}
        {check?.blocking && (
          <Banner variant="danger" data-testid={`${testId}-remove-blocking`}>
            {check.blocking}
          </Banner>
        )}
        {warned && (
          <>
            <Banner variant="warning" data-testid={`${testId}-remove-warning`}>
              {check?.warning}
            </Banner>
            <Checkbox
              label="I understand what removing the last entry does"
              checked={understood}
              onChange={(event) => setUnderstood(event.target.checked)}
              data-testid={`${testId}-remove-understood`}
            />
          </>
        )}
        {check && !check.blocking && !check.warning && (
          <Body data-testid={`${testId}-remove-safe`}>
            {refusedText}
            {check.currentIp && ` Atlas sees this computer as ${check.currentIp}.`}
          </Body>
        )}
        <ErrorBanner error={error} testId={`${testId}-remove-error`} />
        <div className={buttons}>
          <Button onClick={onCancel} data-testid={`${testId}-remove-cancel`}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={busy || !check || Boolean(check.blocking) || (warned && !understood)}
            onClick={() => onConfirm(warned && understood)}
            data-testid={`${testId}-remove-confirm`}
          >
            Delete
          </Button>
        </div>
      </div>
    </Modal>
  );
}
