import { useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import TextInput from "@leafygreen-ui/text-input";
import { H3 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Project } from "../bindings/Project";
import { ErrorBanner } from "./ErrorBanner";
import { RoleCheckboxes } from "./RoleCheckboxes";
import { SetupFields, useSetup } from "./SetupFields";
import { denseStack as stack } from "../layout";

/** Create API Key for an organization: description, roles, access list and projects in one flow. */
export function CreateKeyModal({
  orgId,
  projects,
  onCreated,
  onCancel,
}: {
  orgId: string;
  projects: Project[];
  /** The new key, and the access list it was asked to get (to retry if it failed). */
  onCreated: (created: CreatedKeyView, accessText: string) => void;
  onCancel: () => void;
}) {
  const [desc, setDesc] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const setup = useSetup();
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  const descLength = [...desc.trim()].length;
  const problems = [
    descLength === 0 && "Enter a description.",
    descLength > 250 && `The description is ${descLength} characters; at most 250.`,
    roles.length === 0 && "Choose at least one organization role.",
    ...setup.problems,
  ].filter((problem): problem is string => Boolean(problem));

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.createOrgKey(orgId, {
        desc,
        roles,
        accessList: setup.accessText,
        projects: setup.projects,
      });
      onCreated(created, setup.accessText);
    } catch (err) {
      setError(api.asCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      size="large"
      data-testid="create-key-dialog"
    >
      <div className={stack}>
        <H3>Create API Key</H3>
        <TextInput
          label="Description"
          description="1 to 250 characters, so you can tell this key from the others."
          value={desc}
          onChange={(event) => setDesc(event.target.value)}
          state={descLength > 250 ? "error" : "none"}
          errorMessage={descLength > 250 ? `${descLength} characters; at most 250.` : undefined}
          data-testid="create-desc"
        />
        <RoleCheckboxes
          scope="organization"
          label="Organization Permissions"
          value={roles}
          onChange={setRoles}
          testId="create-roles"
        />
        <SetupFields
          setup={setup}
          projects={projects}
          what="key"
          testId="create"
          projectTestId={(project) => `create-project-${project.id}`}
        />
        <ErrorBanner error={error} testId="create-error" />
        <div
          className={css`
            display: flex;
            gap: 8px;
          `}
        >
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || problems.length > 0}
            title={problems.join(" ")}
            onClick={submit}
            data-testid="create-submit"
          >
            Create API Key
          </Button>
        </div>
      </div>
    </Modal>
  );
}
