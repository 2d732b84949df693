import { useEffect, useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import TextArea from "@leafygreen-ui/text-area";
import TextInput from "@leafygreen-ui/text-input";
import { H3, Label } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedServiceAccountView } from "../bindings/CreatedServiceAccountView";
import type { Project } from "../bindings/Project";
import { NO_ENTRIES, useCheckedEntries } from "./AccessListParts";
import { CheckedLines } from "./CheckedLines";
import { ErrorBanner } from "./ErrorBanner";
import { ProjectChecklist } from "./ProjectChecklist";
import { RoleCheckboxes } from "./RoleCheckboxes";
import { SecretLifetime, lifetimeProblem, useMaxSecretHours } from "./SecretLifetime";
import { buttons, denseStack as stack } from "../layout";

/** What Atlas accepts in a service account's name and description. */
const ALLOWED = /^[\p{L}\p{N} \-_.,']*$/u;

/** Why a name or description is refused, or null. */
export function accountTextProblem(text: string, what: string, max: number): string | null {
  const length = [...text.trim()].length;
  if (length === 0) return `Enter a ${what}.`;
  if (length > max) return `The ${what} is ${length} characters; at most ${max}.`;
  if (!ALLOWED.test(text.trim()))
    return `The ${what} may hold letters, digits, spaces and - _ . , '`;
  return null;
}

/** The default lifetime of a new secret: 90 days, or the organization's maximum if shorter. */
export function defaultLifetime(maxHours: number): number {
  return Math.min(90 * 24, maxHours);
}

/**
 * Create Service Account: name, description, roles, the secret's lifetime,
 * an optional access list and projects, in one flow. Then the client
 * secret, once.
 */
export function CreateServiceAccountModal({
  orgId,
  projects,
  onCreated,
  onCancel,
}: {
  orgId: string;
  projects: Project[];
  onCreated: (created: CreatedServiceAccountView) => void;
  onCancel: () => void;
}) {
  const maxHours = useMaxSecretHours(orgId);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const [hours, setHours] = useState<number | null>(null);
  const [accessText, setAccessText] = useState("");
  const [checked] = useCheckedEntries(accessText, NO_ENTRIES);
  const [projectIds, setProjectIds] = useState<string[]>([]);
  const [projectRoles, setProjectRoles] = useState<string[]>([]);
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (maxHours !== null) setHours((old) => old ?? defaultLifetime(maxHours));
  }, [maxHours]);

  const nameProblem = name && accountTextProblem(name, "name", 64);
  const descriptionProblem = description && accountTextProblem(description, "description", 250);
  const problems = [
    accountTextProblem(name, "name", 64),
    accountTextProblem(description, "description", 250),
    roles.length === 0 && "Choose at least one organization role.",
    hours === null || maxHours === null
      ? "Reading the organization's maximum secret lifetime."
      : lifetimeProblem(hours, maxHours),
    checked.some((entry) => entry.error) && "Fix the access-list lines marked in red.",
    projectIds.length > 0 && projectRoles.length === 0 && "Choose the roles for the projects.",
  ].filter((problem): problem is string => Boolean(problem));

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await api.createServiceAccount(orgId, {
          name,
          description,
          roles,
          secretExpiresAfterHours: hours ?? 0,
          accessList: accessText,
          projects: projectIds.map((projectId) => ({ projectId, roles: projectRoles })),
        }),
      );
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
      data-testid="create-sa-dialog"
    >
      <div className={stack}>
        <H3>Create Service Account</H3>
        <TextInput
          label="Name"
          description="1 to 64 characters: letters, digits, spaces and - _ . , '"
          value={name}
          onChange={(event) => setName(event.target.value)}
          state={nameProblem ? "error" : "none"}
          errorMessage={nameProblem || undefined}
          data-testid="create-sa-name"
        />
        <TextInput
          label="Description"
          description="1 to 250 characters, so you can tell this account from the others."
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          state={descriptionProblem ? "error" : "none"}
          errorMessage={descriptionProblem || undefined}
          data-testid="create-sa-description"
        />
        <RoleCheckboxes
          scope="organization"
          label="Organization Permissions"
          value={roles}
          onChange={setRoles}
          testId="create-sa-roles"
        />
        {hours !== null && maxHours !== null && (
          <SecretLifetime
            maxHours={maxHours}
            hours={hours}
            onChange={setHours}
            testId="create-sa-lifetime"
          />
        )}
        <TextArea
          label="API Access List (optional)"
          description="Addresses or CIDR blocks the account may be used from; paste a list if you like."
          value={accessText}
          onChange={(event) => setAccessText(event.target.value)}
          rows={3}
          spellCheck={false}
          data-testid="create-sa-access"
        />
        <CheckedLines entries={checked} testId="create-sa-access-check" />
        {projects.length > 0 && (
          <div>
            <Label htmlFor="">Invite to Projects (optional)</Label>
            <ProjectChecklist
              projects={projects}
              value={projectIds}
              onChange={setProjectIds}
              testId={(project) => `create-sa-project-${project.name}`}
            />
          </div>
        )}
        {projectIds.length > 0 && (
          <RoleCheckboxes
            scope="project"
            label="Project Permissions"
            value={projectRoles}
            onChange={setProjectRoles}
            testId="create-sa-project-roles"
          />
        )}
        <ErrorBanner error={error} testId="create-sa-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || problems.length > 0}
            title={problems.join(" ")}
            onClick={submit}
            data-testid="create-sa-submit"
          >
            Create Service Account
          </Button>
        </div>
      </div>
    </Modal>
  );
}
