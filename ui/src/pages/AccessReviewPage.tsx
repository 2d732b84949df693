import { useMemo, useState } from "react";
import Badge from "@leafygreen-ui/badge";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import { css, cx } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import TextInput from "@leafygreen-ui/text-input";
import { Body, Description, H2, Subtitle } from "@leafygreen-ui/typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api";
import type { Finding } from "../bindings/Finding";
import type { FindingKind } from "../bindings/FindingKind";
import type { Inventory } from "../bindings/Inventory";
import type { ReviewInput } from "../bindings/ReviewInput";
import type { Severity } from "../bindings/Severity";
import { ErrorBanner } from "../components/ErrorBanner";
import { ExportButtons } from "../components/ExportButtons";
import { linkButton } from "../components/TableParts";
import { SessionGate } from "../components/SessionGate";
import { useNavigation } from "../navigate";
import {
  type Concerned,
  concerned,
  sharedReviewInput,
  useDelegation,
  useOrgSettings,
  useReview,
} from "../review";
import { DELEGATED_ACCESS_ANCHOR } from "./DelegatedAccess";
import { EveryOrgReview } from "./EveryOrgReview";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import { useStanding } from "../standing";
import { reviewSettingsQuery } from "../queries";
import { useServiceAccounts } from "../serviceAccounts";
import { useSession } from "../session";
import { useAction } from "../useAction";
import { buttons, stack } from "../layout";

const thresholds = css`
  display: flex;
  gap: 12px;
  align-items: flex-end;
  flex-wrap: wrap;
`;
const heading = css`
  display: flex;
  gap: 12px;
  align-items: center;
`;
const itemRow = css`
  display: flex;
  gap: 12px;
  align-items: center;
  justify-content: space-between;
  padding: 6px 0;
`;

/** The finding's actions read as links. */
const action = cx(
  linkButton,
  css`
    color: ${colour("link")};
  `,
);

const BADGE: Record<Severity, { variant: "red" | "yellow" | "lightgray"; label: string }> = {
  high: { variant: "red", label: "High" },
  medium: { variant: "yellow", label: "Medium" },
  low: { variant: "lightgray", label: "Low" },
};

export function AccessReviewPage() {
  return (
    <>
      <H2>Access Review</H2>
      <SessionGate>
        {(orgId, inventory) => <Review key={orgId} orgId={orgId} inventory={inventory} />}
      </SessionGate>
    </>
  );
}

function credentialId(credential: Concerned): string {
  return credential.kind === "apiKey" ? credential.publicKey : credential.clientId;
}

const NO_ACCOUNTS: ServiceAccountInventory[] = [];

function Review({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  const { accessListsLoading } = useSession();
  const standing = useStanding();
  const readsAccounts = standing?.readsServiceAccounts === true;
  const serviceAccounts = useServiceAccounts(orgId, readsAccounts);
  // Without the role to read them, the service accounts are left out, and said to be.
  const accounts = readsAccounts ? serviceAccounts.accounts : NO_ACCOUNTS;
  const partsLoading = readsAccounts && serviceAccounts.partsLoading;
  const settings = useOrgSettings(orgId);
  const delegation = useDelegation(orgId);
  // A policy that cannot be read is left out of the review, and said to be.
  const delegationSettled = delegation.data !== undefined || delegation.isError;
  const input = useMemo(
    () =>
      accounts && settings.data && delegationSettled
        ? sharedReviewInput(
            orgId,
            inventory,
            !accessListsLoading,
            accounts,
            !partsLoading,
            settings.data.apiAccessListRequired,
            delegation.data,
          )
        : null,
    [
      orgId,
      inventory,
      accessListsLoading,
      accounts,
      partsLoading,
      settings.data,
      delegationSettled,
      delegation.data,
    ],
  );
  const { report, error, rerun } = useReview(input);
  const settingsError = settings.error ? api.asCommandError(settings.error) : null;
  return (
    <div
      className={stack}
      data-testid="access-review"
      data-state={report ? "reviewed" : "reading"}
      data-not-read={report?.notRead ?? ""}
    >
      <Body>
        What to look at in the organization&apos;s API keys, service accounts and delegated access,
        the most severe first, from what this app has read. Each finding links to where it is fixed.
      </Body>
      {!readsAccounts && standing && (
        <Description data-testid="review-accounts-unread">
          Service accounts are not in this review: reading them needs Organization Read Only or
          Organization Owner, and this connection is {standing.role}.
        </Description>
      )}
      {delegation.error && (
        <Description data-testid="review-delegation-unread">
          Delegated access is not in this review: {api.asCommandError(delegation.error).message}
        </Description>
      )}
      <Thresholds onSaved={rerun} />
      <EveryOrgReview />
      {input && report && (
        <ExportButtons
          what="findings"
          run={(format) => api.exportReview(input, format)}
          testId="export-review"
        />
      )}
      <ErrorBanner error={error ?? settingsError} testId="review-error" />
      {report && report.notRead > 0 && (
        <Description data-testid="review-not-read">
          {report.notRead} access lists or project lists are still being read: the review is done
          again when they are.
        </Description>
      )}
      {report && report.findings.length === 0 && (
        <Body data-testid="review-clean">Nothing to look at: no finding.</Body>
      )}
      {input &&
        report?.findings.map((finding) => (
          <FindingCard key={finding.kind} finding={finding} input={input} />
        ))}
    </div>
  );
}

/** The findings about the organization's own delegated access: each leads to the setting. */
const ORGANIZATION_FINDINGS = new Set<FindingKind>([
  "mcpReadWrite",
  "partnerAccessAllowed",
  "refreshTokensSystemDefault",
]);

/** How many of a finding's credentials show at first, and more at each click. */
const SHOWN = 5;
const MORE = 100;

function FindingCard({ finding, input }: { finding: Finding; input: ReviewInput }) {
  const { go } = useNavigation();
  // A finding can concern thousands of credentials: they show a page at a time.
  const [shown, setShown] = useState(SHOWN);
  const badge = BADGE[finding.severity];
  const open = (credential: Concerned) =>
    go(
      credential.kind === "apiKey"
        ? { section: "organization", keyId: credential.id }
        : { section: "organization", clientId: credential.clientId },
    );
  return (
    <Card
      className={stack}
      data-testid={`finding-${finding.kind}`}
      data-severity={finding.severity}
    >
      <div className={heading}>
        <Badge variant={badge.variant}>{badge.label}</Badge>
        <Subtitle data-testid={`finding-${finding.kind}-title`}>{finding.title}</Subtitle>
      </div>
      <Body>{finding.detail}</Body>
      {ORGANIZATION_FINDINGS.has(finding.kind) && (
        <div>
          <button
            type="button"
            className={action}
            onClick={() => go({ section: "org-settings", setting: DELEGATED_ACCESS_ANCHOR })}
            data-testid={`finding-${finding.kind}-open-setting`}
          >
            Open Delegated Access settings
          </button>
        </div>
      )}
      {finding.items.length > 0 && (
        <div>
          {finding.items.slice(0, shown).map((item) => {
            const credential = concerned(input, item.credential);
            if (!credential) return null;
            const id = credentialId(credential);
            return (
              <div
                key={item.credential}
                className={itemRow}
                data-testid={`finding-${finding.kind}-item`}
                data-credential={id}
              >
                <Body>
                  <strong>{credential.name || id}</strong> ({id}): {item.note}
                </Body>
                {/* Plain buttons, as in the tables: a finding can show hundreds. */}
                <div className={buttons}>
                  {credential.kind === "apiKey" && (
                    <button
                      type="button"
                      className={action}
                      onClick={() =>
                        go({ section: "organization", keyId: credential.id, rotate: true })
                      }
                      data-testid={`finding-${finding.kind}-rotate-${id}`}
                    >
                      Rotate
                    </button>
                  )}
                  <button
                    type="button"
                    className={action}
                    onClick={() => open(credential)}
                    data-testid={`finding-${finding.kind}-open-${id}`}
                  >
                    {finding.kind === "openToInternet" ||
                    finding.kind === "noAccessList" ||
                    finding.kind === "overlappingEntries"
                      ? "Edit access list"
                      : "Open"}
                  </button>
                </div>
              </div>
            );
          })}
        </div>
      )}
      {finding.items.length > shown && (
        <div>
          <Button
            size="small"
            onClick={() => setShown((count) => count + MORE)}
            data-testid={`finding-${finding.kind}-more`}
          >
            Show {Math.min(MORE, finding.items.length - shown)} more of{" "}
            {finding.items.length - shown}
          </Button>
        </div>
      )}
    </Card>
  );
}

/** The open connection's thresholds: unused after N days, secrets expiring within M. */
function Thresholds({ onSaved }: { onSaved: () => void }) {
  const queryClient = useQueryClient();
  const { session } = useSession();
  const settingsQuery = reviewSettingsQuery(session?.profile.id ?? "");
  const settings = useQuery(settingsQuery);
  const [unused, setUnused] = useState<string | null>(null);
  const [expiring, setExpiring] = useState<string | null>(null);
  const saving = useAction();
  if (!settings.data) return null;
  const unusedText = unused ?? String(settings.data.unusedDays);
  const expiringText = expiring ?? String(settings.data.expiryWarningDays);
  const changed =
    unusedText !== String(settings.data.unusedDays) ||
    expiringText !== String(settings.data.expiryWarningDays);
  const save = () =>
    saving.run(async () => {
      const saved = await api.setReviewSettings({
        unusedDays: Number(unusedText),
        expiryWarningDays: Number(expiringText),
      });
      queryClient.setQueryData(settingsQuery.queryKey, saved);
      setUnused(null);
      setExpiring(null);
      onSaved();
    }, "Review thresholds saved for this connection");
  return (
    <div className={stack}>
      <div className={thresholds}>
        <TextInput
          label="Not used in (days)"
          type="number"
          value={unusedText}
          onChange={(event) => setUnused(event.target.value)}
          data-testid="review-unused-days"
        />
        <TextInput
          label="Secrets expiring within (days)"
          type="number"
          value={expiringText}
          onChange={(event) => setExpiring(event.target.value)}
          data-testid="review-expiry-days"
        />
        <Button
          disabled={!changed || saving.busy}
          onClick={save}
          data-testid="review-save-thresholds"
        >
          Save for this connection
        </Button>
      </div>
      <ErrorBanner error={saving.error} testId="review-thresholds-error" />
    </div>
  );
}
