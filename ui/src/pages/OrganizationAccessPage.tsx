import { H2 } from "@leafygreen-ui/typography";
import { EmptyState } from "../components/EmptyState";

export function OrganizationAccessPage() {
  return (
    <>
      <H2>Organization Access Manager</H2>
      <EmptyState title="No organization selected" testId="organization-empty">
        Choose a connection under Connections to see the organization&apos;s API keys, their roles and
        their access lists.
      </EmptyState>
    </>
  );
}
