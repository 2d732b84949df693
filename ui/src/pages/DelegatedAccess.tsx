// Delegated access: what the organization lets apps do on a person's behalf
// (MCP clients, MongoDB's own apps, partner apps). The API access lists do
// not reach them, so the section says so; a change that widens who may act
// is checked by core and confirmed in its words before it is made.
import { useEffect, useRef, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import { Option } from "@leafygreen-ui/select";
import TextInput from "@leafygreen-ui/text-input";
import { Body, Description, H3, Label } from "@leafygreen-ui/typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api";
import type { DelegationChange } from "../bindings/DelegationChange";
import type { DelegationSettings } from "../bindings/DelegationSettings";
import type { McpAccess } from "../bindings/McpAccess";
import type { PartnerAccess } from "../bindings/PartnerAccess";
import type { TokenLifetime } from "../bindings/TokenLifetime";
import type { WideningNotice } from "../bindings/WideningNotice";
import { ErrorBanner } from "../components/ErrorBanner";
import { LabelledSelect } from "../components/LabelledSelect";
import { buttons, stack } from "../layout";
import { useNavigation } from "../navigate";
import { delegationQuery, keys } from "../queries";
import { useManagesOrg, useReach } from "../standing";
import { useAction } from "../useAction";

/** What the section is called on screen and where a finding leads. */
export const DELEGATED_ACCESS_ANCHOR = "delegated-access";

export const MCP_LABELS: Record<McpAccess, string> = {
  DISALLOWED: "Disallowed",
  READ_ONLY: "Read only",
  READ_WRITE: "Read and write",
};

export const PARTNER_LABELS: Record<PartnerAccess, string> = {
  DISALLOWED: "Disallowed",
  READ_WRITE: "Allowed (read and write)",
};

/** Atlas's bounds on a refresh token's lifetime: a second to a year. */
const MAX_SECONDS = 31_536_000;

const row = css`
  display: flex;
  gap: 16px;
  align-items: flex-end;
  flex-wrap: wrap;
`;
const number = css`
  width: 110px;
`;

/** "2 days 3 hours", "45 minutes", "90 seconds": a lifetime as Atlas holds it, exactly. */
export function secondsText(seconds: number): string {
  const parts: string[] = [];
  const unit = (count: number, name: string) =>
    count > 0 && parts.push(`${count} ${name}${count === 1 ? "" : "s"}`);
  unit(Math.floor(seconds / 86_400), "day");
  unit(Math.floor((seconds % 86_400) / 3_600), "hour");
  unit(Math.floor((seconds % 3_600) / 60), "minute");
  unit(seconds % 60, "second");
  return parts.length > 0 ? parts.join(" ") : "0 seconds";
}

/** A lifetime as the form holds it: the system default, or days and hours as typed. */
export interface LifetimeDraft {
  systemDefault: boolean;
  days: string;
  hours: string;
}

export function draftOf(seconds: number | null): LifetimeDraft {
  if (seconds === null) return { systemDefault: true, days: "", hours: "" };
  return {
    systemDefault: false,
    days: String(Math.floor(seconds / 86_400)),
    hours: String(Math.floor((seconds % 86_400) / 3_600)),
  };
}

/** The draft as Atlas takes it, or why it cannot be sent. */
export function lifetimeOf(draft: LifetimeDraft): TokenLifetime | { problem: string } {
  if (draft.systemDefault) return { kind: "systemDefault" };
  const days = draft.days.trim() === "" ? 0 : Number(draft.days);
  const hours = draft.hours.trim() === "" ? 0 : Number(draft.hours);
  if (![days, hours].every((value) => Number.isInteger(value) && value >= 0)) {
    return { problem: "Days and hours are whole numbers, 0 or more." };
  }
  const seconds = days * 86_400 + hours * 3_600;
  if (seconds < 1) return { problem: "Give at least 1 hour, or use the system default." };
  if (seconds > MAX_SECONDS) return { problem: "At most 365 days." };
  return { kind: "seconds", seconds };
}

interface Draft {
  mcp: McpAccess;
  partner: PartnerAccess;
  maximum: LifetimeDraft;
  idle: LifetimeDraft;
}

function draftFrom(settings: DelegationSettings): Draft {
  return {
    mcp: settings.delegatedMcpAccess,
    partner: settings.delegatedPartnerAccess,
    maximum: draftOf(settings.maximumRefreshTokenLifetime),
    idle: draftOf(settings.idleRefreshTokenLifetime),
  };
}

const sameLifetime = (lifetime: TokenLifetime, seconds: number | null) =>
  lifetime.kind === "systemDefault" ? seconds === null : lifetime.seconds === seconds;

/**
 * What the form changes from `current`, naming only what differs; or the
 * first problem that keeps it from being sent.
 */
export function changeFrom(
  current: DelegationSettings,
  draft: Draft,
): { change: DelegationChange } | { problem: string } {
  const change: DelegationChange = {};
  if (draft.mcp !== current.delegatedMcpAccess) change.mcpAccess = draft.mcp;
  if (draft.partner !== current.delegatedPartnerAccess) change.partnerAccess = draft.partner;
  const lifetimes = [
    ["maximumRefreshTokenLifetime", draft.maximum, current.maximumRefreshTokenLifetime],
    ["idleRefreshTokenLifetime", draft.idle, current.idleRefreshTokenLifetime],
  ] as const;
  for (const [name, lifetimeDraft, now] of lifetimes) {
    // Left as read (Atlas may hold minutes the form does not show): unchanged.
    const asRead = draftOf(now);
    if (
      lifetimeDraft.systemDefault === asRead.systemDefault &&
      lifetimeDraft.days === asRead.days &&
      lifetimeDraft.hours === asRead.hours
    ) {
      continue;
    }
    const lifetime = lifetimeOf(lifetimeDraft);
    if ("problem" in lifetime) return lifetime;
    if (!sameLifetime(lifetime, now)) change[name] = lifetime;
  }
  return { change };
}

export function DelegatedAccessSetting({ orgId }: { orgId: string }) {
  const read = useQuery(delegationQuery(orgId, useReach()));
  const { destination } = useNavigation();
  const card = useRef<HTMLDivElement>(null);
  // Opened from a review finding: the section is brought into view once.
  const led = destination?.setting === DELEGATED_ACCESS_ANCHOR;
  useEffect(() => {
    if (led && read.data) card.current?.scrollIntoView({ block: "start" });
  }, [led, read.data]);
  return (
    <Card className={stack} data-testid={DELEGATED_ACCESS_ANCHOR} ref={card}>
      <H3>Delegated Access</H3>
      <Body>
        App connections (MCP clients such as AI assistants, MongoDB&apos;s own apps, and partner
        apps) reach the Atlas Administration API on a person&apos;s behalf, with that person&apos;s
        roles.
      </Body>
      <Banner variant="warning" data-testid="delegated-access-not-covered">
        IP access lists and the access-list requirement do not apply to delegated access.
      </Banner>
      <ErrorBanner
        error={read.error ? api.asCommandError(read.error) : null}
        testId="delegated-read-error"
      />
      {read.data && (
        // Saved settings come back as new data: the form starts again from them.
        <DelegationForm key={JSON.stringify(read.data)} orgId={orgId} current={read.data} />
      )}
    </Card>
  );
}

function DelegationForm({ orgId, current }: { orgId: string; current: DelegationSettings }) {
  const managesOrg = useManagesOrg();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftFrom(current));
  const [confirming, setConfirming] = useState<{
    change: DelegationChange;
    widenings: WideningNotice[];
  } | null>(null);
  const saving = useAction();
  const outcome = changeFrom(current, draft);
  const change = "change" in outcome ? outcome.change : null;
  const nothingChanged = change !== null && Object.keys(change).length === 0;

  const apply = (next: DelegationChange, acknowledged: WideningNotice[]) =>
    saving.run(async () => {
      const saved = await api.setDelegationSettings(
        orgId,
        next,
        acknowledged.map((notice) => notice.widening),
      );
      queryClient.setQueriesData({ queryKey: keys.delegation(orgId) }, saved);
      setConfirming(null);
    }, "Delegated access saved");

  const save = () =>
    saving.run(async () => {
      if (!change) return;
      const check = await api.checkDelegationChange(orgId, change);
      if (check.widenings.length > 0) {
        setConfirming({ change, widenings: check.widenings });
        return "";
      }
      const saved = await api.setDelegationSettings(orgId, change, []);
      queryClient.setQueriesData({ queryKey: keys.delegation(orgId) }, saved);
      return "Delegated access saved";
    });

  const lifetimeField = (which: "maximum" | "idle", label: string, now: number | null) => (
    <LifetimeField
      label={label}
      now={now}
      draft={draft[which]}
      disabled={!managesOrg || saving.busy}
      onChange={(next) => setDraft({ ...draft, [which]: next })}
      testId={`delegated-${which}`}
    />
  );

  return (
    <div className={stack}>
      <div className={row}>
        <LabelledSelect
          label="MCP access"
          value={draft.mcp}
          onChange={(value) => setDraft({ ...draft, mcp: value as McpAccess })}
          allowDeselect={false}
          disabled={!managesOrg || saving.busy}
          data-testid="delegated-mcp"
        >
          {(Object.keys(MCP_LABELS) as McpAccess[]).map((value) => (
            <Option key={value} value={value}>
              {MCP_LABELS[value]}
            </Option>
          ))}
        </LabelledSelect>
        <LabelledSelect
          label="Partner access"
          value={draft.partner}
          onChange={(value) => setDraft({ ...draft, partner: value as PartnerAccess })}
          allowDeselect={false}
          disabled={!managesOrg || saving.busy}
          data-testid="delegated-partner"
        >
          {(Object.keys(PARTNER_LABELS) as PartnerAccess[]).map((value) => (
            <Option key={value} value={value}>
              {PARTNER_LABELS[value]}
            </Option>
          ))}
        </LabelledSelect>
      </div>
      {lifetimeField(
        "maximum",
        "Refresh token maximum lifetime",
        current.maximumRefreshTokenLifetime,
      )}
      {lifetimeField("idle", "Refresh token idle lifetime", current.idleRefreshTokenLifetime)}
      {"problem" in outcome && (
        <Description data-testid="delegated-problem">{outcome.problem}</Description>
      )}
      <ErrorBanner error={saving.error} testId="delegated-error" />
      {managesOrg && (
        <div className={buttons}>
          <Button
            variant="primary"
            disabled={saving.busy || change === null || nothingChanged}
            onClick={save}
            data-testid="delegated-save"
          >
            Save
          </Button>
        </div>
      )}
      {confirming && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setConfirming(null);
          }}
          data-testid="delegated-widen-dialog"
        >
          <div className={stack}>
            <H3>Widen delegated access?</H3>
            <ul data-testid="delegated-widenings">
              {confirming.widenings.map((notice) => (
                <li key={notice.widening} data-testid={`delegated-widening-${notice.widening}`}>
                  {notice.words}
                </li>
              ))}
            </ul>
            <Body>
              IP access lists and the access-list requirement do not apply to delegated access.
            </Body>
            <div className={buttons}>
              <Button onClick={() => setConfirming(null)} data-testid="delegated-widen-cancel">
                Cancel
              </Button>
              <Button
                variant="danger"
                disabled={saving.busy}
                onClick={() => void apply(confirming.change, confirming.widenings)}
                data-testid="delegated-widen-confirm"
              >
                Widen Delegated Access
              </Button>
            </div>
          </div>
        </Modal>
      )}
    </div>
  );
}

function LifetimeField({
  label,
  now,
  draft,
  disabled,
  onChange,
  testId,
}: {
  label: string;
  now: number | null;
  draft: LifetimeDraft;
  disabled: boolean;
  onChange: (draft: LifetimeDraft) => void;
  testId: string;
}) {
  return (
    <div className={stack} data-testid={testId}>
      <div>
        <Label htmlFor="">{label}</Label>
        <Description data-testid={`${testId}-now`}>
          Now {now === null ? "the system default" : secondsText(now)}.
        </Description>
      </div>
      <div className={row}>
        <Checkbox
          label="System default"
          checked={draft.systemDefault}
          disabled={disabled}
          onChange={(event) => onChange({ ...draft, systemDefault: event.target.checked })}
          data-testid={`${testId}-default`}
        />
        {!draft.systemDefault && (
          <>
            <TextInput
              className={number}
              label="Days"
              type="number"
              value={draft.days}
              disabled={disabled}
              onChange={(event) => onChange({ ...draft, days: event.target.value })}
              data-testid={`${testId}-days`}
            />
            <TextInput
              className={number}
              label="Hours"
              type="number"
              value={draft.hours}
              disabled={disabled}
              onChange={(event) => onChange({ ...draft, hours: event.target.value })}
              data-testid={`${testId}-hours`}
            />
          </>
        )}
      </div>
    </div>
  );
}
