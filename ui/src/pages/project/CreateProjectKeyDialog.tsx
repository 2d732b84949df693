import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import TextInput from "@leafygreen-ui/text-input";
import { H3 } from "@leafygreen-ui/typography";
import { ErrorBanner } from "../../components/ErrorBanner";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

export function CreateProjectKeyDialog({
  projectName,
  onCancel,
  onCreate,
}: {
  projectName: string;
  onCancel: () => void;
  onCreate: (desc: string, roles: string[]) => Promise<void>;
}) {
  const [desc, setDesc] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const length = [...desc.trim()].length;
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="create-project-key-dialog"
    >
      <div className={stack}>
        <H3>Create API Key for {projectName}</H3>
        <TextInput
          label="Description"
          description="1 to 250 characters."
          value={desc}
          onChange={(event) => setDesc(event.target.value)}
          data-testid="project-key-desc"
        />
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="project-key-roles"
        />
        <ErrorBanner error={error} testId="project-key-error" />
        <div className={buttons}>
          <Button onClick={onCancel} data-testid="project-key-cancel">
            Cancel
          </Button>
          <Button
            variant="primary"
            disabled={busy || length === 0 || length > 250 || roles.length === 0}
            onClick={() => run(() => onCreate(desc, roles))}
            data-testid="project-key-submit"
          >
            Create API Key
          </Button>
        </div>
      </div>
    </Modal>
  );
}
