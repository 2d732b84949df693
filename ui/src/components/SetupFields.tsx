// What creating a key or a service account asks beside its own fields: an
// optional access list, checked as it is typed, and projects to invite it
// to with the project roles it gets there.
import { useState, type Dispatch, type SetStateAction } from "react";
import { AddressesTextArea } from "./AddressesTextArea";
import { Label } from "@leafygreen-ui/typography";
import type { CheckedEntry } from "../bindings/CheckedEntry";
import type { Project } from "../bindings/Project";
import type { ProjectRoles } from "../bindings/ProjectRoles";
import { NO_ENTRIES, useCheckedEntries } from "./AccessListParts";
import { CheckedLines } from "./CheckedLines";
import { ProjectChecklist } from "./ProjectChecklist";
import { RoleCheckboxes } from "./RoleCheckboxes";

export interface Setup {
  accessText: string;
  setAccessText: (text: string) => void;
  checked: CheckedEntry[];
  projectIds: string[];
  setProjectIds: Dispatch<SetStateAction<string[]>>;
  projectRoles: string[];
  setProjectRoles: (roles: string[]) => void;
  /** What is still wrong, in words; empty when it can be sent. */
  problems: string[];
  /** The projects with their roles, as the create commands take them. */
  projects: ProjectRoles[];
}

export function useSetup(): Setup {
  const [accessText, setAccessText] = useState("");
  const { checked } = useCheckedEntries(accessText, NO_ENTRIES);
  const [projectIds, setProjectIds] = useState<string[]>([]);
  const [projectRoles, setProjectRoles] = useState<string[]>([]);
  const problems = [
    checked.some((entry) => entry.error) && "Fix the access-list lines marked in red.",
    projectIds.length > 0 && projectRoles.length === 0 && "Choose the roles for the projects.",
  ].filter((problem): problem is string => Boolean(problem));
  return {
    accessText,
    setAccessText,
    checked,
    projectIds,
    setProjectIds,
    projectRoles,
    setProjectRoles,
    problems,
    projects: projectIds.map((projectId) => ({ projectId, roles: projectRoles })),
  };
}

/** The access list, the projects and their roles; `testId` prefixes each field's id. */
export function SetupFields({
  setup,
  projects,
  what,
  testId,
  projectTestId,
}: {
  setup: Setup;
  projects: Project[];
  /** "key" or "account", for the access list's description. */
  what: string;
  testId: string;
  projectTestId: (project: Project) => string;
}) {
  return (
    <>
      <AddressesTextArea
        label="API Access List (optional)"
        description={`Addresses or CIDR blocks the ${what} may be used from; paste a list if you like.`}
        value={setup.accessText}
        onChange={(event) => setup.setAccessText(event.target.value)}
        rows={3}
        spellCheck={false}
        data-testid={`${testId}-access`}
      />
      <CheckedLines entries={setup.checked} testId={`${testId}-access-check`} />
      {projects.length > 0 && (
        <div>
          <Label htmlFor="">Invite to Projects (optional)</Label>
          <ProjectChecklist
            projects={projects}
            value={setup.projectIds}
            onChange={setup.setProjectIds}
            testId={projectTestId}
          />
        </div>
      )}
      {setup.projectIds.length > 0 && (
        <RoleCheckboxes
          scope="project"
          label="Project Permissions"
          value={setup.projectRoles}
          onChange={setup.setProjectRoles}
          testId={`${testId}-project-roles`}
        />
      )}
    </>
  );
}
