import { useEffect, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import { Subtitle } from "@leafygreen-ui/typography";
import { useQuery } from "@tanstack/react-query";
import * as api from "../api";
import { keyAccessListQuery } from "../queries";
import { useReach } from "../standing";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import { AddEntriesForm, EntriesTable, NO_ENTRIES, useEntryAdder } from "./AccessListParts";
import { EntryRemovalDialog } from "./EntryRemovalDialog";
import { ErrorBanner } from "./ErrorBanner";
import { useSession } from "../session";
import { useAction } from "../useAction";
import { denseStack as stack } from "../layout";

/**
 * A key's access list: the entries with their use, adding one or a pasted
 * list (checked line by line as it is typed) or the current IP, and removing
 * an entry behind the lockout guard.
 */
export function AccessListEditor({
  orgId,
  keyId,
  editable,
}: {
  orgId: string;
  keyId: string;
  /** False when the connection may read the list but not change it. */
  editable: boolean;
}) {
  const { accessListOf, patchAccessList } = useSession();
  const cached = accessListOf(keyId);
  const known = cached !== undefined;
  // Read only when the organization's load has not (yet, or could not).
  const own = useQuery({ ...keyAccessListQuery(orgId, useReach(), keyId), enabled: !known });
  const fetched = own.data ?? null;
  const removal = useAction();
  const [removing, setRemoving] = useState<{ entry: string; check: LockoutCheck | null } | null>(
    null,
  );
  const entries = cached ?? fetched;
  const [checkError, setError] = useState<CommandError | null>(null);
  const error = checkError ?? (own.error ? api.asCommandError(own.error) : null);
  // What was read on its own joins the organization's lists.
  useEffect(() => {
    if (own.data && !known) patchAccessList(keyId, own.data);
  }, [own.data, known, keyId, patchAccessList]);

  const adder = useEntryAdder(entries ?? NO_ENTRIES, async (text) => {
    const report = await api.addAccessEntries(orgId, keyId, text);
    patchAccessList(keyId, report.entries);
    return report;
  });

  const askRemove = async (entry: string) => {
    removal.clearError();
    setRemoving({ entry, check: null });
    try {
      const check = await api.checkEntryRemoval(orgId, keyId, entry);
      setRemoving({ entry, check });
    } catch (err) {
      setError(api.asCommandError(err));
      setRemoving(null);
    }
  };

  const remove = (acknowledged: boolean) => {
    if (!removing) return;
    const entry = removing.entry;
    return removal.run(async () => {
      patchAccessList(keyId, await api.deleteAccessEntry(orgId, keyId, entry, acknowledged));
      setRemoving(null);
    }, `${entry} removed from the access list`);
  };

  return (
    <section className={stack} data-testid="access-list">
      <Subtitle>API Access List</Subtitle>
      <ErrorBanner error={error ?? adder.ipError ?? adder.adding.error} testId="access-error" />
      {entries && entries.length === 0 && (
        <Banner variant="info" data-testid="access-empty">
          This key has no access list. A key with no entries works from anywhere, unless the
          organization requires an access list; a project key can do nothing until it has one.
        </Banner>
      )}
      {entries && entries.length > 0 && (
        <EntriesTable
          rows={entries.map((entry) => ({ ...entry, count: entry.count ?? 0 }))}
          countLabel="Count"
          onDelete={editable ? askRemove : undefined}
          testId="access"
        />
      )}
      {editable && <AddEntriesForm adder={adder} testId="access" />}
      {removing && (
        <EntryRemovalDialog
          key={removing.entry}
          entry={removing.entry}
          check={removing.check}
          refusedText={`Requests from ${removing.entry} will be refused with this key.`}
          error={removal.error}
          busy={removal.busy}
          onCancel={() => setRemoving(null)}
          onConfirm={remove}
          testId="access"
        />
      )}
    </section>
  );
}
