import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import Modal from "@leafygreen-ui/modal";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { Option, Select } from "@leafygreen-ui/select";
import { Cell, HeaderCell, HeaderRow, Row, Table, TableBody, TableHead } from "@leafygreen-ui/table";
import TextInput from "@leafygreen-ui/text-input";
import { useToast } from "@leafygreen-ui/toast";
import { Body, H2, H3, Label } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { ApiKey } from "../bindings/ApiKey";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Inventory } from "../bindings/Inventory";
import type { ProjectOutcome } from "../bindings/ProjectOutcome";
import { AccessListEditor } from "../components/AccessListEditor";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { KeyPicker } from "../components/KeyPicker";
import { OneTimeKeyDialog } from "../components/OneTimeKeyDialog";
import { ProjectChecklist } from "../components/ProjectChecklist";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { SessionGate } from "../components/SessionGate";
import { queryKeys, useRoleName, useSession } from "../session";
import { useAction } from "../useAction";
import { stack, wrappingButtons as buttons } from "../layout";

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
  const [projectId, setProjectId] = useState<string>(inventory.projects[0]?.id ?? "");
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const projectName = (id: string) => inventory.projects.find((p) => p.id === id)?.name ?? id;
  const projectKeys = useQuery({
    queryKey: queryKeys.projectKeys(projectId),
    queryFn: () => api.listProjectKeys(projectId),
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
        <Select
          label="Project"
          value={projectId}
          onChange={setProjectId}
          allowDeselect={false}
          data-testid="project-select"
        >
          {inventory.projects.map((project) => (
            <Option key={project.id} value={project.id} data-testid={`project-option-${project.name}`}>
              {project.name}
            </Option>
          ))}
        </Select>
        <div className={buttons}>
          <Button onClick={() => setDialog({ kind: "bulk" })} data-testid="project-bulk-invite">
            Invite to Many Projects
          </Button>
          <Button onClick={() => setDialog({ kind: "create" })} data-testid="project-create-key">
            Create API Key
          </Button>
          <Button
            variant="primary"
            leftGlyph={<Icon glyph="Plus" />}
            onClick={() => setDialog({ kind: "invite" })}
            data-testid="project-invite"
          >
            Invite to Project
          </Button>
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
              <HeaderCell>Actions</HeaderCell>
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
              </Row>
            ))}
          </TableBody>
        </Table>
      )}
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
          projectName={projectName}
          // A project key can do nothing until it has an access list: go there next.
          onClosed={() => setDialog({ kind: "access", key: dialog.created.key })}
        />
      )}
      {dialog?.kind === "access" && (
        <Modal open setOpen={(open) => {
          if (!open) setDialog(null);
        }} size="large" data-testid="new-key-access-dialog">
          <div className={stack}>
            <H3>Add the access list of {dialog.key.desc}</H3>
            <Body>
              A project key can do nothing until it has an access list. Add the addresses it will
              be used from.
            </Body>
            <AccessListEditor orgId={orgId} keyId={dialog.key.id} />
            <div>
              <Button variant="primary" onClick={() => setDialog(null)} data-testid="new-key-access-done">
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

function InviteDialog({
  projectName,
  keys,
  onCancel,
  onInvite,
}: {
  projectName: string;
  keys: ApiKey[];
  onCancel: () => void;
  onInvite: (keyId: string, roles: string[]) => Promise<void>;
}) {
  const [keyId, setKeyId] = useState<string | null>(null);
  const [roles, setRoles] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  return (
    <Modal open setOpen={(open) => {
          if (!open) onCancel();
        }} data-testid="invite-dialog">
      <div className={stack}>
        <H3>Invite to Project {projectName}</H3>
        <KeyPicker keys={keys} value={keyId} onChange={setKeyId} testId="invite" />
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={roles}
          onChange={setRoles}
          testId="invite-roles"
        />
        <ErrorBanner error={error} testId="invite-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || !keyId || roles.length === 0}
            onClick={() => keyId && run(() => onInvite(keyId, roles))}
            data-testid="invite-submit"
          >
            Invite
          </Button>
        </div>
      </div>
    </Modal>
  );
}

function RolesDialog({
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
    <Modal open setOpen={(open) => {
          if (!open) onCancel();
        }} data-testid="edit-roles-dialog">
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

function ConfirmDialog({
  title,
  body,
  action,
  onCancel,
  onConfirm,
}: {
  title: string;
  body: string;
  action: string;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { busy, error, run } = useAction();
  return (
    <Modal open setOpen={(open) => {
          if (!open) onCancel();
        }} data-testid="confirm-dialog">
      <div className={stack}>
        <H3>{title}</H3>
        <Body>{body}</Body>
        <ErrorBanner error={error} testId="confirm-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="danger"
            disabled={busy}
            onClick={() => run(onConfirm)}
            data-testid="confirm-submit"
          >
            {action}
          </Button>
        </div>
      </div>
    </Modal>
  );
}

function CreateProjectKeyDialog({
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
    <Modal open setOpen={(open) => {
          if (!open) onCancel();
        }} data-testid="create-project-key-dialog">
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
          <Button onClick={onCancel}>Cancel</Button>
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

function BulkInviteDialog({
  orgId,
  inventory,
  initialProjectIds,
  onClose,
}: {
  orgId: string;
  inventory: Inventory;
  initialProjectIds: string[];
  onClose: () => void;
}) {
  const roleName = useRoleName();
  const { patchKey } = useSession();
  const [keyId, setKeyId] = useState<string | null>(null);
  const [projectIds, setProjectIds] = useState<string[]>(initialProjectIds);
  const [roles, setRoles] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<ProjectOutcome[] | null>(null);
  const { busy, error, run } = useAction();
  const allSelected = projectIds.length === inventory.projects.length;
  const projectName = (id: string) => inventory.projects.find((p) => p.id === id)?.name ?? id;

  const invite = () =>
    run(async () => {
      if (!keyId) return;
      setResults(null);
      setProgress({ done: 0, total: projectIds.length });
      const unlisten = await api.onProgress("invite", (done, total) => setProgress({ done, total }));
      try {
        const report = await api.inviteToProjects(orgId, keyId, projectIds, roles);
        setResults(report.results);
        patchKey(report.key);
      } finally {
        unlisten();
      }
    });

  return (
    <Modal open setOpen={(open) => {
          if (!open) !busy && onClose();
        }} size="large" data-testid="bulk-dialog">
      <div className={stack}>
        <H3>Invite one key to many projects</H3>
        <KeyPicker
          keys={inventory.keys.map((item) => item.key)}
          value={keyId}
          onChange={setKeyId}
          testId="bulk"
        />
        <div>
          <Label htmlFor="">Projects</Label>
          <Checkbox
            label="All projects"
            checked={allSelected}
            indeterminate={!allSelected && projectIds.length > 0}
            onChange={(event) =>
              setProjectIds(event.target.checked ? inventory.projects.map((p) => p.id) : [])
            }
            data-testid="bulk-all"
          />
          <ProjectChecklist
            projects={inventory.projects}
            value={projectIds}
            onChange={setProjectIds}
            testId={(project) => `bulk-project-${project.name}`}
          />
        </div>
        <RoleCheckboxes
          scope="project"
          label="Project Permissions (the same in every project)"
          value={roles}
          onChange={setRoles}
          testId="bulk-roles"
        />
        {progress && (
          <ProgressBar
            label="Inviting"
            value={progress.done}
            maxValue={progress.total}
            formatValue="fraction"
            showIcon
            data-testid="bulk-progress"
          />
        )}
        {results && (
          <ul data-testid="bulk-results">
            {results.map((result) => (
              <li
                key={result.projectId}
                data-testid={`bulk-result-${projectName(result.projectId)}`}
                data-status={result.outcome.status}
              >
                <strong>{projectName(result.projectId)}</strong>:{" "}
                {result.outcome.status === "done"
                  ? `invited as ${roles.map(roleName).join(", ")}`
                  : result.outcome.status === "skipped"
                    ? "already had these roles"
                    : `failed: ${result.outcome.message}${result.outcome.atlasErrorCode ? ` (${result.outcome.atlasErrorCode})` : ""}`}
              </li>
            ))}
          </ul>
        )}
        <ErrorBanner error={error} testId="bulk-error" />
        <div className={buttons}>
          <Button disabled={busy} onClick={onClose} data-testid="bulk-close">
            {results ? "Done" : "Cancel"}
          </Button>
          <Button
            variant="primary"
            disabled={busy || !keyId || projectIds.length === 0 || roles.length === 0}
            onClick={invite}
            data-testid="bulk-submit"
          >
            {results && results.some((r) => r.outcome.status === "failed")
              ? "Retry the failed projects"
              : `Invite to ${projectIds.length} project${projectIds.length === 1 ? "" : "s"}`}
          </Button>
        </div>
      </div>
    </Modal>
  );
}
