import { useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import TextArea from "@leafygreen-ui/text-area";
import TextInput from "@leafygreen-ui/text-input";
import { H3, Label } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Project } from "../bindings/Project";
import { NO_ENTRIES, useCheckedEntries } from "./AccessListParts";
import { CheckedLines } from "./CheckedLines";
import { ErrorBanner } from "./ErrorBanner";
import { ProjectChecklist } from "./ProjectChecklist";
import { RoleCheckboxes } from "./RoleCheckboxes";
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
  onCreated: (created: CreatedKeyView) => void;
  onCancel: () => void;
}) {
  const [desc, setDesc] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const [accessText, setAccessText] = useState("");
  const [checked] = useCheckedEntries(accessText, NO_ENTRIES);
  const [projectIds, setProjectIds] = useState<string[]>([]);
  const [projectRoles, setProjectRoles] = useState<string[]>([]);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  const descLength = [...desc.trim()].length;
  const problems = [
    descLength === 0 && "Enter a description.",
    descLength > 250 && `The description is ${descLength} characters; at most 250.`,
    roles.length === 0 && "Choose at least one organization role.",
    checked.some((entry) => entry.error) && "Fix the access-list lines marked in red.",
    projectIds.length > 0 && projectRoles.length === 0 && "Choose the roles for the projects.",
  ].filter((problem): problem is string => Boolean(problem));

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await api.createOrgKey(orgId, {
        desc,
        roles,
        accessList: accessText,
        projects: projectIds.map((projectId) => ({ projectId, roles: projectRoles })),
      });
      onCreated(created);
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
        <TextArea
          label="API Access List (optional)"
          description="Addresses or CIDR blocks the key may be used from; paste a list if you like."
          value={accessText}
          onChange={(event) => setAccessText(event.target.value)}
          rows={3}
          spellCheck={false}
          data-testid="create-access"
        />
        <CheckedLines entries={checked} testId="create-access-check" />
        {projects.length > 0 && (
          <div>
            <Label htmlFor="">Invite to Projects (optional)</Label>
            <ProjectChecklist
              projects={projects}
              value={projectIds}
              onChange={setProjectIds}
              testId={(project) => `create-project-${project.id}`}
            />
          </div>
        )}
        {projectIds.length > 0 && (
          <RoleCheckboxes
            scope="project"
            label="Project Permissions"
            value={projectRoles}
            onChange={setProjectRoles}
            testId="create-project-roles"
          />
        )}
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
