import { type ReactNode, useState } from "react";
import { Tab, Tabs } from "@leafygreen-ui/tabs";
import { ActivityFeed } from "./ActivityFeed";
import { stack } from "../layout";

/**
 * A credential's details page: its settings, and an Activity tab with its
 * own history (`credential`: the public key or client id events name it by).
 */
export function DetailsTabs({
  orgId,
  credential,
  testId,
  children,
}: {
  orgId: string;
  credential: string;
  testId: string;
  children: ReactNode;
}) {
  const [tab, setTab] = useState(0);
  return (
    <Tabs
      aria-label="Details"
      value={tab}
      onValueChange={(value) =>
        setTab(typeof value === "number" ? value : value === "Activity" ? 1 : 0)
      }
    >
      <Tab name={<span data-testid={`${testId}-tab-settings`}>Settings</span>}>
        <div className={stack}>{children}</div>
      </Tab>
      <Tab name={<span data-testid={`${testId}-tab-activity`}>Activity</span>}>
        <ActivityFeed
          orgId={orgId}
          filter={{ eventTypes: [], credential }}
          testId={`${testId}-activity`}
        />
      </Tab>
    </Tabs>
  );
}
