import { useState, type ReactNode } from "react";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import Modal from "@leafygreen-ui/modal";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { H3, Label } from "@leafygreen-ui/typography";
import * as api from "../../api";
import type { Inventory } from "../../bindings/Inventory";
import type { Project } from "../../bindings/Project";
import type { ProjectOutcome } from "../../bindings/ProjectOutcome";
import { ErrorBanner } from "../../components/ErrorBanner";
import { KeyPicker } from "../../components/KeyPicker";
import { ProjectChecklist } from "../../components/ProjectChecklist";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { useRoleName, useSession } from "../../session";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

/** One API key to many projects. */
export function BulkInviteDialog({
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
  const { patchKey } = useSession();
  return (
    <BulkInvite
      title="Invite one key to many projects"
      projects={inventory.projects}
      initialProjectIds={initialProjectIds}
      picker={(value, onChange) => (
        <KeyPicker
          keys={inventory.keys.map((item) => item.key)}
          value={value}
          onChange={onChange}
          testId="bulk"
        />
      )}
      onInvite={async (keyId, projectIds, roles, onProgress) => {
        const report = await api.inviteToProjects(orgId, keyId, projectIds, roles, onProgress);
        patchKey(report.key);
        return report.results;
      }}
      onClose={onClose}
    />
  );
}

/**
 * One key or service account to many projects with the same roles: the
 * progress as it goes, then a result per project; running it again does
 * only what is left.
 */
export function BulkInvite({
  title,
  projects,
  initialProjectIds,
  picker,
  onInvite,
  onClose,
}: {
  title: string;
  projects: Project[];
  initialProjectIds: string[];
  /** Chooses whom to invite. */
  picker: (value: string | null, onChange: (id: string | null) => void) => ReactNode;
  onInvite: (
    id: string,
    projectIds: string[],
    roles: string[],
    onProgress: api.OnProgress,
  ) => Promise<ProjectOutcome[]>;
  onClose: () => void;
}) {
  const roleName = useRoleName();
  const [keyId, setKeyId] = useState<string | null>(null);
  const [projectIds, setProjectIds] = useState<string[]>(initialProjectIds);
  const [roles, setRoles] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<ProjectOutcome[] | null>(null);
  const { busy, error, run } = useAction();
  const allSelected = projectIds.length === projects.length;
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;

  const invite = () =>
    run(async () => {
      if (!keyId) return;
      setResults(null);
      setProgress({ done: 0, total: projectIds.length });
      setResults(
        await onInvite(keyId, projectIds, roles, (done, total) => setProgress({ done, total })),
      );
    });

  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open && !busy) onClose();
      }}
      size="large"
      data-testid="bulk-dialog"
    >
      <div className={stack}>
        <H3>{title}</H3>
        {picker(keyId, setKeyId)}
        <div>
          <Label htmlFor="">Projects</Label>
          <Checkbox
            label="All projects"
            checked={allSelected}
            indeterminate={!allSelected && projectIds.length > 0}
            onChange={(event) =>
              setProjectIds(event.target.checked ? projects.map((p) => p.id) : [])
            }
            data-testid="bulk-all"
          />
          <ProjectChecklist
            projects={projects}
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
