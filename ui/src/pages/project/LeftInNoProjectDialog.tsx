import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import { Body, H3 } from "@leafygreen-ui/typography";
import * as api from "../../api";
import type { ServiceAccount } from "../../bindings/ServiceAccount";
import { ErrorBanner } from "../../components/ErrorBanner";
import { TypedDeleteDialog } from "../../components/TypedDeleteDialog";
import { useRoleName } from "../../session";
import type { useServiceAccounts } from "../../serviceAccounts";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

/**
 * After a removal left a service account in no project: its secrets still
 * sign in, with its organization roles. Offers to delete the secrets or the
 * account, or to keep it as it is.
 */
export function LeftInNoProjectDialog({
  orgId,
  account,
  org,
  onClose,
}: {
  orgId: string;
  account: ServiceAccount;
  org: ReturnType<typeof useServiceAccounts>;
  onClose: () => void;
}) {
  const roleName = useRoleName();
  const { busy, error, run } = useAction();
  const deletion = useAction();
  const [typingName, setTypingName] = useState(false);
  const live = account.secrets.filter((secret) => Date.parse(secret.expiresAt) > Date.now());
  const deleteSecrets = () =>
    run(async () => {
      for (const secret of account.secrets) {
        org.patchAccount(await api.deleteServiceAccountSecret(orgId, account.clientId, secret.id));
      }
      onClose();
    }, `The secrets of ${account.name} were deleted`);
  const deleteAccount = () =>
    deletion.run(async () => {
      await api.deleteServiceAccount(orgId, account.clientId);
      org.removeAccount(account.clientId);
      onClose();
    }, `Service account ${account.name} deleted`);
  if (typingName) {
    return (
      <TypedDeleteDialog
        title={`Delete Service Account ${account.name}?`}
        label="Name"
        accepts={(typed) => typed === account.name.trim()}
        deletion={deletion}
        onDelete={deleteAccount}
        onCancel={() => setTypingName(false)}
        testId="no-project-delete"
      >
        Every secret of <strong>{account.name}</strong> stops working at once. This cannot be
        undone. Type its name to confirm.
      </TypedDeleteDialog>
    );
  }
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onClose();
      }}
      data-testid="no-project-dialog"
    >
      <div className={stack}>
        <H3>{account.name} is now in no project</H3>
        <Body data-testid="no-project-secrets">
          Its {live.length === 1 ? "secret stays" : `${live.length} secrets stay`} live: whatever
          holds one still signs in, with its organization roles (
          {account.roles.map(roleName).join(", ") || "none"}). If nothing needs it any more, delete
          its secrets or the account.
        </Body>
        <ErrorBanner error={error} testId="no-project-error" />
        <div className={buttons}>
          <Button onClick={onClose} disabled={busy} data-testid="no-project-keep">
            Keep It
          </Button>
          <Button
            variant="dangerOutline"
            onClick={deleteSecrets}
            disabled={busy || account.secrets.length === 0}
            data-testid="no-project-delete-secrets"
          >
            Delete Its Secrets
          </Button>
          <Button
            variant="danger"
            onClick={() => setTypingName(true)}
            disabled={busy}
            data-testid="no-project-delete-account"
          >
            Delete the Account
          </Button>
        </div>
      </div>
    </Modal>
  );
}
