import type { ReactNode } from "react";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { TableSkeleton } from "@leafygreen-ui/skeleton-loader";
import type { Inventory } from "../bindings/Inventory";
import { useInventoryProgress, useSession } from "../session";
import { EmptyState } from "./EmptyState";
import { ErrorBanner } from "./ErrorBanner";
import { stack } from "../layout";

/**
 * Renders `children` once a connection is open and the organization's
 * inventory is loaded; until then a skeleton, the error, or what to do.
 */
export function SessionGate({
  children,
}: {
  children: (orgId: string, inventory: Inventory) => ReactNode;
}) {
  const { session, connecting, connectError, orgId, inventory, inventoryError } = useSession();
  const inventoryProgress = useInventoryProgress();
  if (connectError && !session) {
    return (
      <div className={stack}>
        <ErrorBanner error={connectError} testId="connect-error" />
        <EmptyState title="Not connected" testId="not-connected">
          Open a connection under Connections to see an organization&apos;s API keys.
        </EmptyState>
      </div>
    );
  }
  if (!session && !connecting) {
    return (
      <EmptyState title="No connection" testId="not-connected">
        Open a connection under Connections to see an organization&apos;s API keys.
      </EmptyState>
    );
  }
  if (session && !orgId) {
    return (
      <EmptyState title="No organization" testId="no-organization">
        The key of this connection sees no organization.
      </EmptyState>
    );
  }
  if (inventoryError && !inventory) {
    return <ErrorBanner error={inventoryError} testId="inventory-error" />;
  }
  if (!inventory || !orgId) {
    return (
      <div className={stack} data-testid="loading">
        {inventoryProgress && inventoryProgress.total > 2 && (
          <ProgressBar
            label="Loading access lists"
            value={inventoryProgress.done}
            maxValue={inventoryProgress.total}
            formatValue="fraction"
            showIcon
          />
        )}
        <TableSkeleton
          numRows={8}
          columnLabels={["Description", "Public key", "Roles", "Access list"]}
        />
      </div>
    );
  }
  return <>{children(orgId, inventory)}</>;
}
