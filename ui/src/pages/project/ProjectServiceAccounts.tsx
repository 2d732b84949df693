import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../../components/LabelledSelect";
import {
  Cell,
  HeaderCell,
  HeaderRow,
  Row,
  Table,
  TableBody,
  TableHead,
} from "@leafygreen-ui/table";
import TextInput from "@leafygreen-ui/text-input";
import { useToast } from "@leafygreen-ui/toast";
import { Body, H3, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../../api";
import type { CreatedServiceAccountView } from "../../bindings/CreatedServiceAccountView";
import type { Project } from "../../bindings/Project";
import type { ServiceAccount } from "../../bindings/ServiceAccount";
import type { ServiceAccountEntry } from "../../bindings/ServiceAccountEntry";
import {
  SERVICE_ACCOUNT_DESCRIPTION_MAX,
  SERVICE_ACCOUNT_NAME_MAX,
} from "../../bindings/constants";
import { accountTextProblem } from "../../components/CreateServiceAccountModal";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBanner } from "../../components/ErrorBanner";
import { OneTimeSecretDialog } from "../../components/OneTimeKeyDialog";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { LifetimeField, useLifetimeChoice } from "../../components/SecretLifetime";
import { ClientIdLine } from "../../components/ServiceAccountParts";
import { useRoleName } from "../../session";
import { useServiceAccounts } from "../../serviceAccounts";
import { useManagesOrg, useOwnsProject } from "../../standing";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";
import { ServiceAccountAccessList } from "../ServiceAccountDetails";
import { BulkInvite } from "./BulkInviteDialog";
import { LeftInNoProjectDialog } from "./LeftInNoProjectDialog";
import { ConfirmDialog } from "./ConfirmDialog";
import { RolesDialog } from "./RolesDialog";

const titleRow = css`
  display: flex;
  gap: 12px;
  align-items: center;
  justify-content: space-between;
  margin: 32px 0 16px;
`;

const projectAccountsKey = (projectId: string) => ["projectServiceAccounts", projectId] as const;

type Dialog =
  | { kind: "invite" }
  | { kind: "edit"; account: ServiceAccount }
  | { kind: "remove"; account: ServiceAccount }
  | { kind: "noProject"; account: ServiceAccount }
  | { kind: "create" }
  | { kind: "created"; created: CreatedServiceAccountView }
  | { kind: "access"; account: ServiceAccount }
  | { kind: "bulk" };

/** A project's service accounts: invite, edit permissions, remove, create, invite to many. */
export function ProjectServiceAccounts({
  orgId,
  projectId,
  projects,
}: {
  orgId: string;
  projectId: string;
  projects: Project[];
}) {
  const queryClient = useQueryClient();
  const roleName = useRoleName();
  const { pushToast } = useToast();
  const ownsProject = useOwnsProject(projectId);
  // Inviting an organization account needs Organization Owner: only then
  // are the organization's accounts read, for the picker, and only the
  // accounts (not each one's list and projects: two requests an account).
  const managesOrg = useManagesOrg();
  const org = useServiceAccounts(orgId, managesOrg, false);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;
  const query = useQuery({
    queryKey: projectAccountsKey(projectId),
    queryFn: () => api.listProjectServiceAccounts(projectId),
    enabled: projectId !== "",
  });
  const accounts = query.data ?? null;
  const error = query.error ? api.asCommandError(query.error) : null;
  const inProject = new Set((accounts ?? []).map((account) => account.clientId));

  /** An account's place in this project after an edit: in the list with its roles, or out. */
  const changed = (clientId: string, account: ServiceAccount | null, message: string) => {
    queryClient.setQueryData<ServiceAccount[]>(projectAccountsKey(projectId), (old) => {
      const others = (old ?? []).filter((item) => item.clientId !== clientId);
      return account ? [...others, account] : others;
    });
    org.patchProjectRoles(clientId, projectId, account?.roles ?? []);
    pushToast({ variant: "success", title: message });
    setDialog(null);
  };

  return (
    <section data-testid="project-service-accounts" data-loaded={query.isSuccess}>
      <div className={titleRow}>
        <Subtitle>Service Accounts</Subtitle>
        <div className={buttons}>
          {managesOrg && (
            <Button onClick={() => setDialog({ kind: "bulk" })} data-testid="project-sa-bulk">
              Invite Account to Many Projects
            </Button>
          )}
          {ownsProject && (
            <Button onClick={() => setDialog({ kind: "create" })} data-testid="project-sa-create">
              Create Service Account
            </Button>
          )}
          {managesOrg && (
            <Button
              variant="primary"
              onClick={() => setDialog({ kind: "invite" })}
              data-testid="project-sa-invite"
            >
              Invite Service Account
            </Button>
          )}
        </div>
      </div>
      <ErrorBanner error={error} testId="project-sa-error" />
      {accounts && accounts.length === 0 && (
        <EmptyState title="No service accounts in this project" testId="project-sa-empty">
          Invite an organization service account, or create one in this project.
        </EmptyState>
      )}
      {accounts && accounts.length > 0 && (
        <Table data-testid="project-sa-table">
          <TableHead>
            <HeaderRow>
              <HeaderCell>Name</HeaderCell>
              <HeaderCell>Client ID</HeaderCell>
              <HeaderCell>Project Roles</HeaderCell>
              {ownsProject && <HeaderCell>Actions</HeaderCell>}
            </HeaderRow>
          </TableHead>
          <TableBody>
            {accounts.map((account) => (
              <Row key={account.clientId} data-testid={`project-sa-${account.clientId}`}>
                <Cell>{account.name}</Cell>
                <Cell>
                  <code>{account.clientId}</code>
                </Cell>
                <Cell data-testid={`project-sa-roles-${account.clientId}`}>
                  {account.roles.map(roleName).join(", ")}
                </Cell>
                {ownsProject && (
                  <Cell>
                    <div className={buttons}>
                      <Button
                        size="xsmall"
                        onClick={() => setDialog({ kind: "edit", account })}
                        data-testid={`project-sa-edit-${account.clientId}`}
                      >
                        Edit Permissions
                      </Button>
                      <Button
                        size="xsmall"
                        variant="dangerOutline"
                        onClick={() => setDialog({ kind: "remove", account })}
                        data-testid={`project-sa-remove-${account.clientId}`}
                      >
                        Remove
                      </Button>
                    </div>
                  </Cell>
                )}
              </Row>
            ))}
          </TableBody>
        </Table>
      )}
      {dialog?.kind === "invite" && (
        <InviteAccountDialog
          projectName={projectName(projectId)}
          accounts={(org.accounts ?? [])
            .map((item) => item.account)
            .filter((account) => !inProject.has(account.clientId))}
          onCancel={() => setDialog(null)}
          onInvite={async (clientId, roles) => {
            const account = await api.setServiceAccountProjectRoles(projectId, clientId, roles);
            changed(clientId, account, `Service account invited to ${projectName(projectId)}`);
          }}
        />
      )}
      {dialog?.kind === "edit" && (
        <RolesDialog
          title={`Edit Permissions of ${dialog.account.name}`}
          initial={dialog.account.roles}
          onCancel={() => setDialog(null)}
          onSave={async (roles) => {
            const account = await api.setServiceAccountProjectRoles(
              projectId,
              dialog.account.clientId,
              roles,
            );
            changed(dialog.account.clientId, account, "Project roles updated");
          }}
        />
      )}
      {dialog?.kind === "remove" && (
        <ConfirmDialog
          title={`Remove ${dialog.account.name} from ${projectName(projectId)}?`}
          body="The service account keeps its organization roles and its other projects; it loses every role in this project. Its secrets stay live: whatever holds one still signs in."
          action="Remove"
          onCancel={() => setDialog(null)}
          onConfirm={async () => {
            const account = dialog.account;
            await api.removeServiceAccountFromProject(projectId, account.clientId);
            changed(
              account.clientId,
              null,
              `Service account removed from ${projectName(projectId)}`,
            );
            // An Organization Owner reads where the account is now: in no
            // project, it is asked what to do with its live secrets.
            if (managesOrg) {
              const [now] = await api.loadServiceAccountParts(orgId, [account.clientId]);
              const full = org.accounts?.find((item) => item.account.clientId === account.clientId);
              if (now && !now.error && now.projects.length === 0) {
                setDialog({ kind: "noProject", account: full?.account ?? account });
              }
            }
          }}
        />
      )}
      {dialog?.kind === "noProject" && (
        <LeftInNoProjectDialog
          orgId={orgId}
          account={dialog.account}
          org={org}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "create" && (
        <CreateProjectAccountDialog
          orgId={orgId}
          projectName={projectName(projectId)}
          onCancel={() => setDialog(null)}
          onCreate={async (name, description, roles, hours) => {
            const created = await api.createProjectServiceAccount(orgId, projectId, {
              name,
              description,
              roles,
              secretExpiresAfterHours: hours,
            });
            queryClient.setQueryData<ServiceAccount[]>(projectAccountsKey(projectId), (old) => [
              ...(old ?? []),
              { ...created.account, roles },
            ]);
            org.patchItem({
              account: created.account,
              accessList: [],
              projects: [{ groupId: projectId, roles }],
            });
            setDialog({ kind: "created", created });
          }}
        />
      )}
      {dialog?.kind === "created" && (
        <OneTimeSecretDialog
          title="Service Account Created"
          warning="This is the only time the client secret is shown. Copy it now and keep it somewhere safe: Atlas cannot show it again."
          identity={
            <ClientIdLine
              name={dialog.created.account.name}
              clientId={dialog.created.account.clientId}
            />
          }
          secretLabel="Client secret"
          secret={dialog.created.secret}
          heldId={dialog.created.secretId}
          copy={api.copyClientSecret}
          forget={api.forgetClientSecret}
          // Straight into its access list, as for a project key.
          onClosed={() => setDialog({ kind: "access", account: dialog.created.account })}
        />
      )}
      {dialog?.kind === "access" && (
        <NewAccountAccessDialog
          orgId={orgId}
          projectId={projectId}
          account={dialog.account}
          org={org}
          onDone={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "bulk" && (
        <BulkInvite
          title="Invite one service account to many projects"
          projects={projects}
          initialProjectIds={projectId ? [projectId] : []}
          picker={(value, onChange) => (
            <AccountSelect
              accounts={(org.accounts ?? []).map((item) => item.account)}
              value={value}
              onChange={onChange}
              testId="bulk-sa"
            />
          )}
          onInvite={async (clientId, projectIds, roles, onProgress) => {
            const report = await api.inviteServiceAccountToProjects(
              orgId,
              clientId,
              projectIds,
              roles,
              onProgress,
            );
            org.patchItem({
              ...(org.accounts?.find((item) => item.account.clientId === clientId) ?? {
                account: {
                  clientId,
                  name: clientId,
                  description: "",
                  roles: [],
                  secrets: [],
                  systemManaged: false,
                },
                accessList: [],
              }),
              projects: report.projects,
            });
            void queryClient.invalidateQueries({ queryKey: projectAccountsKey(projectId) });
            return report.results;
          }}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}

/** An organization service account to choose, by name. */
function AccountSelect({
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

function InviteAccountDialog({
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

function CreateProjectAccountDialog({
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
function NewAccountAccessDialog({
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
