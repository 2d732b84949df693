import { useMemo, useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../components/LabelledSelect";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H2 } from "@leafygreen-ui/typography";
import { useQuery } from "@tanstack/react-query";
import type { ActivityFilter } from "../bindings/ActivityFilter";
import type { Inventory } from "../bindings/Inventory";
import { ACCESS_EVENT_TYPES } from "../bindings/constants";
import { EVENT_TYPE_LABELS } from "../activity";
import { ActivityFeed } from "../components/ActivityFeed";
import { SessionGate } from "../components/SessionGate";
import { serviceAccountListQuery } from "../queries";
import { useReach } from "../standing";
import { stack } from "../layout";

const filters = css`
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
  gap: 12px;
  align-items: end;
`;

const ALL = "all";

export function ActivityPage() {
  return (
    <>
      <H2>Activity</H2>
      <SessionGate>
        {(orgId, inventory) => <Activity key={orgId} orgId={orgId} inventory={inventory} />}
      </SessionGate>
    </>
  );
}

/** Every credential of the organization, by the id events name it by, sorted by name. */
function useCredentials(orgId: string, inventory: Inventory) {
  const accounts = useQuery(serviceAccountListQuery(orgId, useReach()));
  return useMemo(() => {
    const keys = inventory.keys.map((item) => ({
      id: item.key.publicKey,
      label: `${item.key.desc || "API key"} (${item.key.publicKey})`,
    }));
    const serviceAccounts = (accounts.data ?? []).map((account) => ({
      id: account.clientId,
      label: `${account.name} (service account)`,
    }));
    return [...keys, ...serviceAccounts].sort((a, b) => a.label.localeCompare(b.label));
  }, [inventory, accounts.data]);
}

function Activity({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  const credentials = useCredentials(orgId, inventory);
  const [eventType, setEventType] = useState(ALL);
  const [credential, setCredential] = useState(ALL);
  const [actor, setActor] = useState(ALL);
  // The days as typed, and as applied: a range is read when a field is
  // left or Enter is pressed, not at each keystroke of a half-typed date.
  const [fromDraft, setFromDraft] = useState("");
  const [toDraft, setToDraft] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const applyDays = () => {
    setFrom(fromDraft);
    setTo(toDraft);
  };
  const onEnter = (event: { key: string }) => {
    if (event.key === "Enter") applyDays();
  };
  const filter = useMemo<ActivityFilter>(
    () => ({
      eventTypes: eventType === ALL ? [] : [eventType],
      credential: credential === ALL ? undefined : credential,
      actor: actor === ALL ? undefined : actor,
      since: from.trim() || undefined,
      until: to.trim() || undefined,
    }),
    [eventType, credential, actor, from, to],
  );
  const filtered = eventType !== ALL || credential !== ALL || actor !== ALL || fromDraft || toDraft;
  const clear = () => {
    setEventType(ALL);
    setCredential(ALL);
    setActor(ALL);
    setFrom("");
    setTo("");
    setFromDraft("");
    setToDraft("");
  };
  return (
    <div className={stack} data-testid="activity">
      <Body>
        Who created or changed the organization&apos;s API keys, service accounts, access lists and
        project assignments, when, and from where. Newest first.
      </Body>
      <div className={filters}>
        <LabelledSelect
          label="Event"
          value={eventType}
          onChange={setEventType}
          allowDeselect={false}
          data-testid="activity-type"
        >
          <Option value={ALL}>All access events</Option>
          {ACCESS_EVENT_TYPES.map((type) => (
            <Option key={type} value={type} data-testid={`activity-type-${type}`}>
              {EVENT_TYPE_LABELS[type]}
            </Option>
          ))}
        </LabelledSelect>
        <LabelledSelect
          label="Credential"
          value={credential}
          onChange={setCredential}
          allowDeselect={false}
          data-testid="activity-credential"
        >
          <Option value={ALL}>Every credential</Option>
          {credentials.map((item) => (
            <Option key={item.id} value={item.id} data-testid={`activity-credential-${item.id}`}>
              {item.label}
            </Option>
          ))}
        </LabelledSelect>
        <LabelledSelect
          label="Who acted"
          value={actor}
          onChange={setActor}
          allowDeselect={false}
          data-testid="activity-actor"
        >
          <Option value={ALL}>Anyone</Option>
          {credentials.map((item) => (
            <Option key={item.id} value={item.id} data-testid={`activity-actor-${item.id}`}>
              {item.label}
            </Option>
          ))}
        </LabelledSelect>
        <TextInput
          label="From"
          placeholder="YYYY-MM-DD"
          value={fromDraft}
          onChange={(event) => setFromDraft(event.target.value)}
          onBlur={applyDays}
          onKeyDown={onEnter}
          data-testid="activity-from"
        />
        <TextInput
          label="To (included)"
          placeholder="YYYY-MM-DD"
          value={toDraft}
          onChange={(event) => setToDraft(event.target.value)}
          onBlur={applyDays}
          onKeyDown={onEnter}
          data-testid="activity-to"
        />
        <div>
          <Button disabled={!filtered} onClick={clear} data-testid="activity-clear">
            Clear filters
          </Button>
        </div>
      </div>
      <ActivityFeed orgId={orgId} filter={filter} testId="activity-feed" />
    </div>
  );
}
