import { useEffect, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import Modal from "@leafygreen-ui/modal";
import { Body, H3, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { AccessListEntry } from "../bindings/AccessListEntry";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import { AddEntriesForm, EntriesTable, NO_ENTRIES, useEntryAdder } from "./AccessListParts";
import { ErrorBanner } from "./ErrorBanner";
import { useSession } from "../session";
import { useAction } from "../useAction";
import { denseStack as stack, buttons } from "../layout";

/**
 * A key's access list: the entries with their use, adding one or a pasted
 * list (checked line by line as it is typed) or the current IP, and removing
 * an entry behind the lockout guard.
 */
export function AccessListEditor({ orgId, keyId }: { orgId: string; keyId: string }) {
  const { accessListOf, patchAccessList } = useSession();
  const cached = accessListOf(keyId);
  const [fetched, setFetched] = useState<AccessListEntry[] | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const removal = useAction();
  const [removing, setRemoving] = useState<{ entry: string; check: LockoutCheck | null } | null>(
    null,
  );
  // Removing a key's last entry needs this confirmation first.
  const [understood, setUnderstood] = useState(false);
  const entries = cached ?? fetched;
  const known = cached !== undefined;

  // Read only when the organization's load has not (yet, or could not).
  useEffect(() => {
    if (known) return;
    let current = true;
    api.getAccessList(orgId, keyId).then(
      (list) => {
        if (!current) return;
        setFetched(list);
        patchAccessList(keyId, list);
      },
      (err) => current && setError(api.asCommandError(err)),
    );
    return () => {
      current = false;
    };
  }, [known, orgId, keyId, patchAccessList]);

  const adder = useEntryAdder(entries ?? NO_ENTRIES, async (text) => {
    const report = await api.addAccessEntries(orgId, keyId, text);
    patchAccessList(keyId, report.entries);
    return report;
  });

  const askRemove = async (entry: string) => {
    removal.clearError();
    setUnderstood(false);
    setRemoving({ entry, check: null });
    try {
      const check = await api.checkEntryRemoval(orgId, keyId, entry);
      setRemoving({ entry, check });
    } catch (err) {
      setError(api.asCommandError(err));
      setRemoving(null);
    }
  };

  const remove = () => {
    if (!removing) return;
    const entry = removing.entry;
    return removal.run(async () => {
      patchAccessList(keyId, await api.deleteAccessEntry(orgId, keyId, entry));
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
          onDelete={askRemove}
          testId="access"
        />
      )}
      <AddEntriesForm adder={adder} testId="access" />
      {removing && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setRemoving(null);
          }}
          data-testid="access-remove-dialog"
        >
          <div className={stack}>
            <H3>Delete {removing.entry}?</H3>
            {!removing.check && !removal.error && (
              <Body>Checking what this would do to access…</Body>
            )}
            {removing.check?.blocking && (
              <Banner variant="danger" data-testid="access-remove-blocking">
                {removing.check.blocking}
              </Banner>
            )}
            {removing.check?.warning && !removing.check.blocking && (
              <>
                <Banner variant="warning" data-testid="access-remove-warning">
                  {removing.check.warning}
                </Banner>
                <Checkbox
                  label="I understand what removing the last entry does"
                  checked={understood}
                  onChange={(event) => setUnderstood(event.target.checked)}
                  data-testid="access-remove-understood"
                />
              </>
            )}
            {removing.check && !removing.check.blocking && !removing.check.warning && (
              <Body data-testid="access-remove-safe">
                Requests from {removing.entry} will be refused with this key.
                {removing.check.currentIp &&
                  ` Atlas sees this computer as ${removing.check.currentIp}.`}
              </Body>
            )}
            <ErrorBanner error={removal.error} testId="access-remove-error" />
            <div className={buttons}>
              <Button onClick={() => setRemoving(null)} data-testid="access-remove-cancel">
                Cancel
              </Button>
              <Button
                variant="danger"
                disabled={
                  removal.busy ||
                  !removing.check ||
                  Boolean(removing.check.blocking) ||
                  (Boolean(removing.check.warning) && !understood)
                }
                onClick={remove}
                data-testid="access-remove-confirm"
              >
                Delete
              </Button>
            </div>
          </div>
        </Modal>
      )}
    </section>
  );
}
