import { H2 } from "@leafygreen-ui/typography";
import { EmptyState } from "../components/EmptyState";

export function ProjectAccessPage() {
  return (
    <>
      <H2>Project Access Manager</H2>
      <EmptyState title="No project selected" testId="project-empty">
        Choose a connection under Connections, then a project, to see the API keys invited to it and
        their project roles.
      </EmptyState>
    </>
  );
}
