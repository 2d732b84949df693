import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import { Body, H3 } from "@leafygreen-ui/typography";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

export function ConfirmDialog({
  title,
  body,
  action,
  onCancel,
  onConfirm,
}: {
  title: string;
  body: string;
  action: string;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { busy, error, run } = useAction();
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="confirm-dialog"
    >
      <div className={stack}>
        <H3>{title}</H3>
        <Body>{body}</Body>
        <ErrorBanner error={error} testId="confirm-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="danger"
            disabled={busy}
            onClick={() => run(onConfirm)}
            data-testid="confirm-submit"
          >
            {action}
          </Button>
        </div>
      </div>
    </Modal>
  );
}
