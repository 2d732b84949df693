import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import { Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import { AddEntriesForm, EntriesTable, useEntryAdder } from "./AccessListParts";
import { EntryRemovalDialog } from "./EntryRemovalDialog";
import { ErrorBanner } from "./ErrorBanner";
import { useAction } from "../useAction";
import { denseStack } from "../layout";

/** The account's access list: entries with their use, add (typed, pasted, current IP), delete. */
export function ServiceAccountAccessList({
  orgId,
  projectId,
  item,
  state,
  editable,
}: {
  orgId: string;
  /** Changes go through this project (a Project Owner's way), else through the organization. */
  projectId?: string;
  item: ServiceAccountInventory;
  /** Told the whole list after each change. */
  state: {
    patchAccessList: (clientId: string, entries: ServiceAccountInventory["accessList"]) => void;
  };
  /** False when the connection may read the list but not change it. */
  editable: boolean;
}) {
  const clientId = item.account.clientId;
  const entries = item.accessList;
  const [removing, setRemoving] = useState<{ entry: string; check: LockoutCheck | null } | null>(
    null,
  );
  const [checkError, setCheckError] = useState<CommandError | null>(null);
  const removal = useAction();
  const adder = useEntryAdder(entries, async (text) => {
    const report = await api.addServiceAccountEntries(orgId, clientId, text, projectId);
    state.patchAccessList(clientId, report.entries);
    return report;
  });

  const askRemove = async (entry: string) => {
    removal.clearError();
    setCheckError(null);
    setRemoving({ entry, check: null });
    try {
      const check = await api.checkServiceAccountEntryRemoval(orgId, clientId, entry, projectId);
      setRemoving({ entry, check });
    } catch (err) {
      setCheckError(api.asCommandError(err));
    }
  };

  const remove = (acknowledged: boolean) => {
    if (!removing) return;
    const entry = removing.entry;
    return removal.run(async () => {
      state.patchAccessList(
        clientId,
        await api.deleteServiceAccountEntry(orgId, clientId, entry, acknowledged, projectId),
      );
      setRemoving(null);
    }, `${entry} removed from the access list`);
  };

  return (
    <section className={denseStack} data-testid="sa-access-list">
      <Subtitle>API Access List</Subtitle>
      <ErrorBanner error={adder.ipError ?? adder.adding.error} testId="sa-access-error" />
      {item.error && <Banner variant="warning">{item.error}</Banner>}
      {entries.length === 0 ? (
        <Banner variant="info" data-testid="sa-access-empty">
          This service account has no access list: its tokens work from any address, unless the
          organization requires an access list.
        </Banner>
      ) : (
        <EntriesTable
          rows={entries.map((entry) => ({
            ...entry,
            created: entry.createdAt,
            lastUsed: entry.lastUsedAt,
            count: entry.requestCount,
          }))}
          countLabel="Requests"
          onDelete={editable ? (name) => void askRemove(name) : undefined}
          testId="sa-access"
        />
      )}
      {editable && <AddEntriesForm adder={adder} testId="sa-access" />}
      {removing && (
        <EntryRemovalDialog
          key={removing.entry}
          entry={removing.entry}
          check={removing.check}
          refusedText={`Tokens of this service account used from ${removing.entry} will be refused.`}
          error={checkError ?? removal.error}
          busy={removal.busy}
          onCancel={() => setRemoving(null)}
          onConfirm={remove}
          testId="sa-access"
        />
      )}
    </section>
  );
}
