import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import {
  Cell,
  HeaderCell,
  HeaderRow,
  Row,
  Table,
  TableBody,
  TableHead,
} from "@leafygreen-ui/table";
import { useToast } from "@leafygreen-ui/toast";
import { Subtitle } from "@leafygreen-ui/typography";
import * as api from "../../api";
import type { CreatedServiceAccountView } from "../../bindings/CreatedServiceAccountView";
import type { Project } from "../../bindings/Project";
import type { ServiceAccount } from "../../bindings/ServiceAccount";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBanner } from "../../components/ErrorBanner";
import { OneTimeSecretDialog } from "../../components/OneTimeKeyDialog";
import { ClientIdLine } from "../../components/ServiceAccountParts";
import { useRoleName } from "../../session";
import { useServiceAccounts } from "../../serviceAccounts";
import { useManagesOrg, useOwnsProject, useReach } from "../../standing";
import { keys, projectServiceAccountsQuery } from "../../queries";
import { wrappingButtons as buttons } from "../../layout";
import {
  AccountSelect,
  CreateProjectAccountDialog,
  InviteAccountDialog,
  NewAccountAccessDialog,
} from "./AccountDialogs";
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
    ...projectServiceAccountsQuery(projectId, useReach()),
    enabled: projectId !== "",
  });
  const accounts = query.data ?? null;
  const error = query.error ? api.asCommandError(query.error) : null;
  const inProject = new Set((accounts ?? []).map((account) => account.clientId));

  /** An account's place in this project after an edit: in the list with its roles, or out. */
  const changed = (clientId: string, account: ServiceAccount | null, message: string) => {
    queryClient.setQueriesData<ServiceAccount[]>(
      { queryKey: keys.projectServiceAccounts(projectId) },
      (old) => {
        const others = (old ?? []).filter((item) => item.clientId !== clientId);
        return account ? [...others, account] : others;
      },
    );
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
            queryClient.setQueriesData<ServiceAccount[]>(
              { queryKey: keys.projectServiceAccounts(projectId) },
              (old) => [...(old ?? []), { ...created.account, roles }],
            );
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
          cli={{
            kind: "serviceAccount",
            identity: dialog.created.account.clientId,
            orgId,
            description: dialog.created.account.name,
          }}
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
            void queryClient.invalidateQueries({
              queryKey: keys.projectServiceAccounts(projectId),
            });
            return report.results;
          }}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}
