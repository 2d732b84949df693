import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import { H3 } from "@leafygreen-ui/typography";
import { ErrorBanner } from "../../components/ErrorBanner";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

export function RolesDialog({
  title,
  initial,
  onCancel,
  onSave,
}: {
  title: string;
  initial: string[];
  onCancel: () => void;
  onSave: (roles: string[]) => Promise<void>;
}) {
  const [roles, setRoles] = useState<string[]>(initial);
  const { busy, error, run } = useAction();
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="edit-roles-dialog"
    >
      <div className={stack}>
        <H3>{title}</H3>
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="edit-roles"
        />
        <ErrorBanner error={error} testId="edit-roles-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || roles.length === 0}
            onClick={() => run(() => onSave(roles))}
            data-testid="edit-roles-submit"
          >
            Save Changes
          </Button>
        </div>
      </div>
    </Modal>
  );
}
