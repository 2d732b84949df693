import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import TextInput from "@leafygreen-ui/text-input";
import { H3 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedServiceAccountView } from "../bindings/CreatedServiceAccountView";
import type { Project } from "../bindings/Project";
import {
  SERVICE_ACCOUNT_DESCRIPTION_MAX,
  SERVICE_ACCOUNT_NAME_MAX,
  SERVICE_ACCOUNT_TEXT_CHARACTER,
} from "../bindings/constants";
import { ErrorBanner } from "./ErrorBanner";
import { RoleCheckboxes } from "./RoleCheckboxes";
import { SetupFields, useSetup } from "./SetupFields";
import { LifetimeField, useLifetimeChoice } from "./SecretLifetime";
import { buttons, denseStack as stack } from "../layout";

/** What Atlas accepts in a service account's name and description: core's class, generated. */
const ALLOWED = new RegExp(`^${SERVICE_ACCOUNT_TEXT_CHARACTER}*$`, "u");

/** Why a name or description is refused, or null. */
export function accountTextProblem(text: string, what: string, max: number): string | null {
  const length = [...text.trim()].length;
  if (length === 0) return `Enter a ${what}.`;
  if (length > max) return `The ${what} is ${length} characters; at most ${max}.`;
  if (!ALLOWED.test(text.trim()))
    return `The ${what} may hold letters, digits, spaces and - _ . , '`;
  return null;
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
  /** The new account, and the access list it was asked to get (to retry if it failed). */
  onCreated: (created: CreatedServiceAccountView, accessText: string) => void;
  onCancel: () => void;
}) {
  const lifetime = useLifetimeChoice(orgId);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const setup = useSetup();
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  const nameProblem = name && accountTextProblem(name, "name", SERVICE_ACCOUNT_NAME_MAX);
  const descriptionProblem =
    description && accountTextProblem(description, "description", SERVICE_ACCOUNT_DESCRIPTION_MAX);
  const problems = [
    accountTextProblem(name, "name", SERVICE_ACCOUNT_NAME_MAX),
    accountTextProblem(description, "description", SERVICE_ACCOUNT_DESCRIPTION_MAX),
    roles.length === 0 && "Choose at least one organization role.",
    lifetime.problem,
    ...setup.problems,
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
          secretExpiresAfterHours: lifetime.hours ?? 0,
          accessList: setup.accessText,
          projects: setup.projects,
        }),
        setup.accessText,
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
        <LifetimeField choice={lifetime} testId="create-sa-lifetime" />
        <SetupFields
          setup={setup}
          projects={projects}
          what="account"
          testId="create-sa"
          projectTestId={(project) => `create-sa-project-${project.name}`}
        />
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
