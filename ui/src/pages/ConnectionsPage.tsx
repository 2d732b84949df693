import { H2 } from "@leafygreen-ui/typography";
import { EmptyState } from "../components/EmptyState";

export function ConnectionsPage() {
  return (
    <>
      <H2>Connections</H2>
      <EmptyState title="No connection profiles" testId="connections-empty">
        A connection is a name, an Atlas base URL and an organization API key whose private key is
        kept in the OS keychain.
      </EmptyState>
    </>
  );
}
