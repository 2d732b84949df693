import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Modal from "@leafygreen-ui/modal";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../../components/LabelledSelect";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H3 } from "@leafygreen-ui/typography";
import type { ServiceAccount } from "../../bindings/ServiceAccount";
import type { ServiceAccountEntry } from "../../bindings/ServiceAccountEntry";
import {
  SERVICE_ACCOUNT_DESCRIPTION_MAX,
  SERVICE_ACCOUNT_NAME_MAX,
} from "../../bindings/constants";
import { accountTextProblem } from "../../components/CreateServiceAccountModal";
import { ErrorBanner } from "../../components/ErrorBanner";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { LifetimeField, useLifetimeChoice } from "../../components/SecretLifetime";
import { useServiceAccounts } from "../../serviceAccounts";
import { useManagesOrg, useOwnsProject } from "../../standing";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";
import { ServiceAccountAccessList } from "../../components/ServiceAccountAccessList";

/** An organization service account to choose, by name. */
export function AccountSelect({
  accounts,
  value,
  onChange,
  testId,
}: {
  accounts: ServiceAccount[];
  value: string | null;
  onChange: (clientId: string | null) => void;
  testId: string;
}) {
  return (
    <LabelledSelect
      label="Service Account"
      placeholder="Choose a service account"
      value={value ?? ""}
      onChange={(clientId) => onChange(clientId || null)}
      data-testid={`${testId}-account`}
    >
      {accounts.map((account) => (
        <Option
          key={account.clientId}
          value={account.clientId}
          data-testid={`${testId}-account-${account.clientId}`}
        >
          {account.name} ({account.clientId})
        </Option>
      ))}
    </LabelledSelect>
  );
}

export function InviteAccountDialog({
  projectName,
  accounts,
  onCancel,
  onInvite,
}: {
  projectName: string;
  accounts: ServiceAccount[];
  onCancel: () => void;
  onInvite: (clientId: string, roles: string[]) => Promise<void>;
}) {
  const [clientId, setClientId] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="sa-invite-dialog"
    >
      <div className={stack}>
        <H3>Invite Service Account to {projectName}</H3>
        {accounts.length === 0 ? (
          <Body>Every service account of the organization is in this project already.</Body>
        ) : (
          <AccountSelect
            accounts={accounts}
            value={clientId}
            onChange={setClientId}
            testId="sa-invite"
          />
        )}
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="sa-invite-roles"
        />
        <ErrorBanner error={error} testId="sa-invite-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || !clientId || roles.length === 0}
            onClick={() => clientId && run(() => onInvite(clientId, roles))}
            data-testid="sa-invite-submit"
          >
            Invite
          </Button>
        </div>
      </div>
    </Modal>
  );
}

export function CreateProjectAccountDialog({
  orgId,
  projectName,
  onCancel,
  onCreate,
}: {
  orgId: string;
  projectName: string;
  onCancel: () => void;
  onCreate: (name: string, description: string, roles: string[], hours: number) => Promise<void>;
}) {
  const lifetime = useLifetimeChoice(orgId);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const problems = [
    accountTextProblem(name, "name", SERVICE_ACCOUNT_NAME_MAX),
    accountTextProblem(description, "description", SERVICE_ACCOUNT_DESCRIPTION_MAX),
    roles.length === 0 && "Choose at least one project role.",
    lifetime.problem,
  ].filter((problem): problem is string => Boolean(problem));
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="project-sa-create-dialog"
    >
      <div className={stack}>
        <H3>Create Service Account in {projectName}</H3>
        <TextInput
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          data-testid="project-sa-name"
        />
        <TextInput
          label="Description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          data-testid="project-sa-description"
        />
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="project-sa-roles"
        />
        <LifetimeField choice={lifetime} testId="project-sa-lifetime" />
        <ErrorBanner error={error} testId="project-sa-create-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || problems.length > 0}
            title={problems.join(" ")}
            onClick={() => run(() => onCreate(name, description, roles, lifetime.hours ?? 0))}
            data-testid="project-sa-create-submit"
          >
            Create Service Account
          </Button>
        </div>
      </div>
    </Modal>
  );
}

/** A new project account's access list, straight after its secret. */
export function NewAccountAccessDialog({
  orgId,
  projectId,
  account,
  org,
  onDone,
}: {
  orgId: string;
  projectId: string;
  account: ServiceAccount;
  org: ReturnType<typeof useServiceAccounts>;
  onDone: () => void;
}) {
  const managesOrg = useManagesOrg();
  const ownsProject = useOwnsProject(projectId);
  // A new account's list starts empty, and each change answers the whole
  // list. A Project Owner reaches it through the project.
  const [entries, setEntries] = useState<ServiceAccountEntry[]>([]);
  const item = { account, accessList: entries, projects: [] };
  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onDone();
      }}
      size="large"
      data-testid="new-sa-access-dialog"
    >
      <div className={stack}>
        <H3>Add the access list of {account.name}</H3>
        <Body>
          Add the addresses this service account will be used from: a token used from anywhere else
          is refused.
        </Body>
        {managesOrg || ownsProject ? (
          <ServiceAccountAccessList
            orgId={orgId}
            projectId={managesOrg ? undefined : projectId}
            item={item}
            state={{
              patchAccessList: (clientId, list) => {
                setEntries(list);
                org.patchAccessList(clientId, list);
              },
            }}
            editable
          />
        ) : (
          <Body data-testid="new-sa-access-needs-owner">
            Adding it here needs Organization Owner or Project Owner, which this connection does not
            have: ask an Organization Owner to add the addresses this account will be used from.
          </Body>
        )}
        <div>
          <Button variant="primary" onClick={onDone} data-testid="new-sa-access-done">
            Done
          </Button>
        </div>
      </div>
    </Modal>
  );
}
