import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import Modal from "@leafygreen-ui/modal";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { H3, Label } from "@leafygreen-ui/typography";
import * as api from "../../api";
import type { Inventory } from "../../bindings/Inventory";
import type { ProjectOutcome } from "../../bindings/ProjectOutcome";
import { ErrorBanner } from "../../components/ErrorBanner";
import { KeyPicker } from "../../components/KeyPicker";
import { ProjectChecklist } from "../../components/ProjectChecklist";
import { RoleCheckboxes } from "../../components/RoleCheckboxes";
import { useRoleName, useSession } from "../../session";
import { useAction } from "../../useAction";
import { stack, wrappingButtons as buttons } from "../../layout";

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
      const unlisten = await api.onProgress("invite", (done, total) =>
        setProgress({ done, total }),
      );
      try {
        const report = await api.inviteToProjects(orgId, keyId, projectIds, roles);
        setResults(report.results);
        patchKey(report.key);
      } finally {
        unlisten();
      }
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
