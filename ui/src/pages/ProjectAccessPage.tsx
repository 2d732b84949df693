import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import Modal from "@leafygreen-ui/modal";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../components/LabelledSelect";
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
import { Body, H2, H3 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { ApiKey } from "../bindings/ApiKey";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Inventory } from "../bindings/Inventory";
import { AccessListEditor } from "../components/AccessListEditor";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { OneTimeKeyDialog } from "../components/OneTimeKeyDialog";
import { SessionGate } from "../components/SessionGate";
import { useRoleName, useSession } from "../session";
import { projectKeysQuery } from "../queries";
import { stack, wrappingButtons as buttons } from "../layout";
import { InviteDialog } from "./project/InviteDialog";
import { RolesDialog } from "./project/RolesDialog";
import { ConfirmDialog } from "./project/ConfirmDialog";
import { CreateProjectKeyDialog } from "./project/CreateProjectKeyDialog";
import { BulkInviteDialog } from "./project/BulkInviteDialog";
import { ProjectServiceAccounts } from "./project/ProjectServiceAccounts";
import { useOwnsProject, useReach, useStanding } from "../standing";

const toolbar = css`
  display: flex;
  gap: 12px;
  align-items: flex-end;
  justify-content: space-between;
  margin: 16px 0;
`;

export function ProjectAccessPage() {
  return (
    <>
      <H2>Project Access Manager</H2>
      <SessionGate>
        {(orgId, inventory) => <ProjectAccess key={orgId} orgId={orgId} inventory={inventory} />}
      </SessionGate>
    </>
  );
}

type Dialog =
  | { kind: "invite" }
  | { kind: "edit"; key: ApiKey }
  | { kind: "remove"; key: ApiKey }
  | { kind: "create" }
  | { kind: "created"; created: CreatedKeyView }
  | { kind: "access"; key: ApiKey }
  | { kind: "bulk" };

function ProjectAccess({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  const { patchKey } = useSession();
  const roleName = useRoleName();
  const { pushToast } = useToast();
  const standing = useStanding();
  const managesOrg = standing?.managesOrg === true;
  // A project-scoped connection opens on a project it has.
  const [projectId, setProjectId] = useState<string>(
    inventory.projects.find((project) => standing?.projects.includes(project.id))?.id ??
      inventory.projects[0]?.id ??
      "",
  );
  const ownsProject = useOwnsProject(projectId);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const projectName = (id: string) => inventory.projects.find((p) => p.id === id)?.name ?? id;
  const projectKeys = useQuery({
    ...projectKeysQuery(projectId, useReach()),
    enabled: projectId !== "",
  });
  const keys = projectKeys.data ?? null;
  const error = projectKeys.error ? api.asCommandError(projectKeys.error) : null;

  /** An edit answered with the key as it is now: every list that shows it follows. */
  const changed = (key: ApiKey, message: string) => {
    patchKey(key);
    pushToast({ variant: "success", title: message });
    setDialog(null);
  };

  if (inventory.projects.length === 0) {
    return (
      <EmptyState title="No projects" testId="projects-empty">
        This organization has no projects yet.
      </EmptyState>
    );
  }

  const projectRoles = (key: ApiKey) =>
    key.roles.filter((r) => r.groupId === projectId).map((r) => r.roleName);
  const inProject = new Set((keys ?? []).map((key) => key.id));
  const orgKeys = inventory.keys.map((item) => item.key);

  return (
    // data-project-name and data-keys: which project is shown, and whether its keys are read.
    <section
      data-testid="project-access"
      data-project-name={projectName(projectId)}
      data-keys={projectKeys.isSuccess ? "loaded" : "loading"}
    >
      <div className={toolbar}>
        <LabelledSelect
          label="Project"
          value={projectId}
          onChange={setProjectId}
          allowDeselect={false}
          data-testid="project-select"
        >
          {inventory.projects.map((project) => (
            <Option
              key={project.id}
              value={project.id}
              data-testid={`project-option-${project.name}`}
            >
              {project.name}
            </Option>
          ))}
        </LabelledSelect>
        <div className={buttons}>
          {managesOrg && (
            <Button onClick={() => setDialog({ kind: "bulk" })} data-testid="project-bulk-invite">
              Invite to Many Projects
            </Button>
          )}
          {ownsProject && (
            <Button onClick={() => setDialog({ kind: "create" })} data-testid="project-create-key">
              Create API Key
            </Button>
          )}
          {ownsProject && (
            <Button
              variant="primary"
              leftGlyph={<Icon glyph="Plus" />}
              onClick={() => setDialog({ kind: "invite" })}
              data-testid="project-invite"
            >
              Invite to Project
            </Button>
          )}
        </div>
      </div>
      <ErrorBanner error={error} testId="project-error" />
      {keys && keys.length === 0 && (
        <EmptyState title="No API keys in this project" testId="project-keys-empty">
          Invite an organization key, or create a project key.
        </EmptyState>
      )}
      {keys && keys.length > 0 && (
        <Table data-testid="project-keys-table">
          <TableHead>
            <HeaderRow>
              <HeaderCell>Description</HeaderCell>
              <HeaderCell>Public Key</HeaderCell>
              <HeaderCell>Project Roles</HeaderCell>
              {ownsProject && <HeaderCell>Actions</HeaderCell>}
            </HeaderRow>
          </TableHead>
          <TableBody>
            {keys.map((key) => (
              <Row key={key.id} data-testid={`project-key-${key.publicKey}`}>
                <Cell>{key.desc}</Cell>
                <Cell>
                  <code>{key.publicKey}</code>
                </Cell>
                <Cell data-testid={`project-key-roles-${key.publicKey}`}>
                  {projectRoles(key).map(roleName).join(", ")}
                </Cell>
                {ownsProject && (
                  <Cell>
                    <div className={buttons}>
                      <Button
                        size="xsmall"
                        onClick={() => setDialog({ kind: "edit", key })}
                        data-testid={`project-edit-${key.publicKey}`}
                      >
                        Edit Permissions
                      </Button>
                      <Button
                        size="xsmall"
                        variant="dangerOutline"
                        onClick={() => setDialog({ kind: "remove", key })}
                        data-testid={`project-remove-${key.publicKey}`}
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
      <ProjectServiceAccounts
        key={projectId}
        orgId={orgId}
        projectId={projectId}
        projects={inventory.projects}
      />
      {dialog?.kind === "invite" && (
        <InviteDialog
          projectName={projectName(projectId)}
          keys={orgKeys.filter((key) => !inProject.has(key.id))}
          onCancel={() => setDialog(null)}
          onInvite={async (keyId, roles) => {
            const key = await api.inviteKeyToProject(orgId, projectId, keyId, roles);
            changed(key, `API key invited to ${projectName(projectId)}`);
          }}
        />
      )}
      {dialog?.kind === "edit" && (
        <RolesDialog
          title={`Edit Permissions of ${dialog.key.desc}`}
          initial={projectRoles(dialog.key)}
          onCancel={() => setDialog(null)}
          onSave={async (roles) => {
            const key = await api.updateProjectRoles(orgId, projectId, dialog.key.id, roles);
            changed(key, "Project roles updated");
          }}
        />
      )}
      {dialog?.kind === "remove" && (
        <ConfirmDialog
          title={`Remove ${dialog.key.desc} from ${projectName(projectId)}?`}
          body="The key keeps its organization roles and its other projects; it loses every role in this project."
          action="Remove"
          onCancel={() => setDialog(null)}
          onConfirm={async () => {
            const key = await api.removeKeyFromProject(orgId, projectId, dialog.key.id);
            changed(key, `API key removed from ${projectName(projectId)}`);
          }}
        />
      )}
      {dialog?.kind === "create" && (
        <CreateProjectKeyDialog
          projectName={projectName(projectId)}
          onCancel={() => setDialog(null)}
          onCreate={async (desc, roles) => {
            const created = await api.createProjectKey(orgId, projectId, desc, roles);
            setDialog({ kind: "created", created });
            patchKey(created.key);
          }}
        />
      )}
      {dialog?.kind === "created" && (
        <OneTimeKeyDialog
          created={dialog.created}
          orgId={orgId}
          projectName={projectName}
          // A project key can do nothing until it has an access list: go there next.
          onClosed={() => setDialog({ kind: "access", key: dialog.created.key })}
        />
      )}
      {dialog?.kind === "access" && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setDialog(null);
          }}
          size="large"
          data-testid="new-key-access-dialog"
        >
          <div className={stack}>
            <H3>Add the access list of {dialog.key.desc}</H3>
            <Body>
              A project key can do nothing until it has an access list. Add the addresses it will be
              used from.
            </Body>
            {managesOrg ? (
              <AccessListEditor orgId={orgId} keyId={dialog.key.id} editable />
            ) : (
              <Body data-testid="new-key-access-needs-owner">
                Adding it needs Organization Owner, which this connection does not have: ask an
                Organization Owner to add the addresses this key will be used from.
              </Body>
            )}
            <div>
              <Button
                variant="primary"
                onClick={() => setDialog(null)}
                data-testid="new-key-access-done"
              >
                Done
              </Button>
            </div>
          </div>
        </Modal>
      )}
      {dialog?.kind === "bulk" && (
        <BulkInviteDialog
          orgId={orgId}
          inventory={inventory}
          initialProjectIds={projectId ? [projectId] : []}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}
