// The parts of a rotation's page: each step's result, and steps 3 and 4.
import Badge from "@leafygreen-ui/badge";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import Icon from "@leafygreen-ui/icon";
import { Body, Subtitle } from "@leafygreen-ui/typography";
import type { AccessListEntry } from "../bindings/AccessListEntry";
import type { StepOutcome } from "../bindings/StepOutcome";
import { ErrorBanner } from "../components/ErrorBanner";
import { ago, useNow } from "../serviceAccounts";
import type { CommandError } from "../bindings/CommandError";
import type { Action } from "../useAction";
import { stack } from "../layout";

/** One step of a rotation and how it went. */
export type Step = { name: string; outcome: StepOutcome };

export function failed(steps: Step[]): boolean {
  return steps.some((step) => step.outcome.status === "failed");
}

export function StepResult({ step }: { step: Step }) {
  const { outcome } = step;
  return (
    <li data-testid="rotate-step" data-status={outcome.status}>
      <Badge
        variant={
          outcome.status === "failed" ? "red" : outcome.status === "done" ? "green" : "lightgray"
        }
      >
        {outcome.status === "failed" ? "failed" : outcome.status === "done" ? "done" : "already so"}
      </Badge>{" "}
      {step.name}
      {outcome.status === "failed" && `: ${outcome.message}`}
    </li>
  );
}

/** When each entry of a key's access list was last used, and from where. */
export function Use({ entries, testId }: { entries: AccessListEntry[] | null; testId: string }) {
  const now = useNow();
  if (!entries) return <Body>Reading…</Body>;
  if (entries.length === 0) return <Body>No access list: Atlas records no use.</Body>;
  return (
    <ul data-testid={testId}>
      {entries.map((entry) => {
        const name = entry.name;
        return (
          <li key={name} data-testid={`${testId}-${name}`}>
            <code>{name}</code>: last used {ago(entry.lastUsed, now)}
            {entry.lastUsedAddress && ` from ${entry.lastUsedAddress}`}
            {entry.count !== undefined && ` · ${entry.count} requests`}
          </li>
        );
      })}
    </ul>
  );
}

/** Step 3: the old and the new credential's use, read again on demand. */
export function WatchStep({
  into,
  oldPublicKey,
  replacementName,
  oldUse,
  newUse,
  reading,
  error,
  onRefresh,
}: {
  into: "key" | "serviceAccount";
  oldPublicKey: string;
  replacementName: string;
  oldUse: AccessListEntry[] | null;
  newUse: AccessListEntry[] | null;
  /** Either is being read. */
  reading: boolean;
  error: CommandError | null;
  onRefresh: () => void;
}) {
  return (
    <Card className={stack} data-testid="rotate-step-watch">
      <Subtitle>3. When your systems use the new key</Subtitle>
      <Body>
        Once nothing uses the old key any more, its entries&apos; last use stops moving and the new
        key&apos;s starts.
      </Body>
      <Subtitle>Old key {oldPublicKey}</Subtitle>
      <Use entries={oldUse} testId="rotate-old-use" />
      <Subtitle>
        {into === "key" ? "New key" : "New service account"} {replacementName}
      </Subtitle>
      <Use entries={newUse} testId="rotate-new-use" />
      <div>
        <Button
          leftGlyph={<Icon glyph="Refresh" />}
          disabled={reading}
          onClick={onRefresh}
          data-testid="rotate-refresh-use"
        >
          Read their use again
        </Button>
      </div>
      <ErrorBanner error={error} testId="rotate-watch-error" />
    </Card>
  );
}

/** Step 4: delete the old key, unless the connection still signs in with it. */
export function DeleteStep({
  keyInUse,
  sandbox,
  blocked,
  deletion,
  onDelete,
}: {
  keyInUse: boolean;
  sandbox: boolean;
  /** A step failed: the old key stays until it is repaired. */
  blocked: boolean;
  deletion: Action;
  onDelete: () => void;
}) {
  return (
    <Card className={stack} data-testid="rotate-step-delete">
      <Subtitle>4. Delete the old key</Subtitle>
      {keyInUse ? (
        <Banner variant="warning" data-testid="rotate-key-in-use">
          This connection signs in with the old key.{" "}
          {sandbox
            ? "The built-in sandbox always signs in with its admin key, which cannot be deleted here."
            : "Switch the connection to the new key under Connections first (its public key and private key), then delete the old one."}
        </Banner>
      ) : (
        <div>
          <Button
            variant="danger"
            disabled={blocked}
            onClick={onDelete}
            data-testid="rotate-delete-old"
          >
            Delete Old Key
          </Button>
        </div>
      )}
      <ErrorBanner error={deletion.error} testId="rotate-delete-error" />
    </Card>
  );
}
