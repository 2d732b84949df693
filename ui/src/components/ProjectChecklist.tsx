import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import type { Project } from "../bindings/Project";

const grid = css`
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: 4px 16px;
  max-height: 180px;
  overflow: auto;
`;

/** Projects to choose, each a checkbox; `testId` names each one for the tests. */
export function ProjectChecklist({
  projects,
  value,
  onChange,
  testId,
}: {
  projects: Project[];
  value: string[];
  onChange: (update: (ids: string[]) => string[]) => void;
  testId: (project: Project) => string;
}) {
  return (
    <div className={grid}>
      {projects.map((project) => (
        <Checkbox
          key={project.id}
          label={project.name}
          checked={value.includes(project.id)}
          onChange={(event) =>
            onChange((ids) =>
              event.target.checked ? [...ids, project.id] : ids.filter((id) => id !== project.id),
            )
          }
          data-testid={testId(project)}
        />
      ))}
    </div>
  );
}
