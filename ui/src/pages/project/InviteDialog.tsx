import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import { H3 } from "@leafygreen-ui/typography";
import type { ApiKey } from "../../bindings/ApiKey";
import { ErrorBanner } from "../../components/ErrorBanner";
import { KeyPicker } from "../../components/KeyPicker";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

export function InviteDialog({
  projectName,
  keys,
  onCancel,
  onInvite,
}: {
  projectName: string;
  keys: ApiKey[];
  onCancel: () => void;
  onInvite: (keyId: string, roles: string[]) => Promise<void>;
}) {
  const [keyId, setKeyId] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="invite-dialog"
    >
      <div className={stack}>
        <H3>Invite to Project {projectName}</H3>
        <KeyPicker keys={keys} value={keyId} onChange={setKeyId} testId="invite" />
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="invite-roles"
        />
        <ErrorBanner error={error} testId="invite-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || !keyId || roles.length === 0}
            onClick={() => keyId && run(() => onInvite(keyId, roles))}
            data-testid="invite-submit"
          >
            Invite
          </Button>
        </div>
      </div>
    </Modal>
  );
}
