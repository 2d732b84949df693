import { useEffect, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import Modal from "@leafygreen-ui/modal";
import {
  Cell,
  HeaderCell,
  HeaderRow,
  Row,
  Table,
  TableBody,
  TableHead,
} from "@leafygreen-ui/table";
import TextArea from "@leafygreen-ui/text-area";
import { Body, H3, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { AccessListEntry } from "../bindings/AccessListEntry";
import type { CheckedEntry } from "../bindings/CheckedEntry";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import { CheckedLines } from "./CheckedLines";
import { ErrorBanner } from "./ErrorBanner";
import { useSession } from "../session";
import { useAction } from "../useAction";
import { denseStack as stack, buttons } from "../layout";

/** What names an entry in Atlas's paths: the address for one, else the block. */
export function entryName(entry: AccessListEntry): string {
  const cidr = entry.cidrBlock;
  if (entry.ipAddress && (!cidr || cidr.endsWith("/32") || cidr.endsWith("/128"))) {
    return entry.ipAddress;
  }
  return cidr ?? entry.ipAddress ?? "";
}

/**
 * IPv6 in its short form (RFC 5952): Atlas answers with all eight groups,
 * `2001:db8:0:0:0:0:0:0/48`, which is hard to read.
 */
export function shortIpv6(text: string): string {
  const [address = "", prefix] = text.split("/");
  const groups = address.split(":");
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return text;
  const short = groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && short[start + length] === "0") length++;
    if (length > best.length) best = { start, length };
  }
  const joined =
    best.start < 0
      ? short.join(":")
      : `${short.slice(0, best.start).join(":")}::${short.slice(best.start + best.length).join(":")}`;
  return prefix === undefined ? joined : `${joined}/${prefix}`;
}

/** A time from Atlas in this computer's words, or a dash. */
export function when(text: string | undefined): string {
  if (!text) return "—";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toLocaleString();
}

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
  const [text, setText] = useState("");
  const [checked, setChecked] = useState<CheckedEntry[]>([]);
  const adding = useAction();
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

  useEffect(() => {
    if (!text.trim()) {
      setChecked([]);
      return;
    }
    let current = true;
    api.checkAccessEntries(text, entries ?? []).then((result) => {
      if (current) setChecked(result);
    });
    return () => {
      current = false;
    };
  }, [text, entries]);

  const add = () =>
    adding.run(async () => {
      const report = await api.addAccessEntries(orgId, keyId, text);
      patchAccessList(keyId, report.entries);
      const rejected = report.checked.filter((entry) => entry.error);
      // Keep only the lines that were refused, so they can be fixed.
      setText(rejected.map((entry) => entry.input).join("\n"));
      setChecked(rejected);
      const added = report.added === 1 ? "1 entry added" : `${report.added} entries added`;
      return rejected.length > 0
        ? `${added}; ${rejected.length} line${rejected.length === 1 ? " was" : "s were"} not added: see below.`
        : added;
    });

  const useCurrentIp = async () => {
    setError(null);
    try {
      const ip = await api.currentIp();
      setText((old) => (old.trim() ? `${old.trimEnd()}\n${ip}` : ip));
    } catch (err) {
      setError(api.asCommandError(err));
    }
  };

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

  const hasErrors = checked.some((entry) => entry.error);
  const hasValid = checked.some((entry) => !entry.error);

  return (
    <section className={stack} data-testid="access-list">
      <Subtitle>API Access List</Subtitle>
      <ErrorBanner error={error ?? adding.error} testId="access-error" />
      {entries && entries.length === 0 && (
        <Banner variant="info" data-testid="access-empty">
          This key has no access list. A key with no entries works from anywhere, unless the
          organization requires an access list; a project key can do nothing until it has one.
        </Banner>
      )}
      {entries && entries.length > 0 && (
        <Table data-testid="access-table">
          <TableHead>
            <HeaderRow>
              <HeaderCell>IP address or CIDR block</HeaderCell>
              <HeaderCell>Created</HeaderCell>
              <HeaderCell>Last used</HeaderCell>
              <HeaderCell>Last used address</HeaderCell>
              <HeaderCell>Count</HeaderCell>
              <HeaderCell>Actions</HeaderCell>
            </HeaderRow>
          </TableHead>
          <TableBody>
            {entries.map((entry) => {
              const name = entryName(entry);
              return (
                <Row key={name} data-testid={`access-entry-${name}`}>
                  <Cell>
                    <code>{shortIpv6(entry.cidrBlock ?? entry.ipAddress ?? "")}</code>
                  </Cell>
                  <Cell>{when(entry.created)}</Cell>
                  <Cell>{when(entry.lastUsed)}</Cell>
                  <Cell>{entry.lastUsedAddress ?? "—"}</Cell>
                  <Cell>{entry.count ?? 0}</Cell>
                  <Cell>
                    <Button
                      size="xsmall"
                      variant="dangerOutline"
                      onClick={() => askRemove(name)}
                      data-testid={`access-delete-${name}`}
                    >
                      Delete
                    </Button>
                  </Cell>
                </Row>
              );
            })}
          </TableBody>
        </Table>
      )}
      <TextArea
        label="Add Access List Entry"
        description="IPv4 or IPv6 addresses and CIDR blocks; paste a list, one per line or separated by commas or spaces."
        value={text}
        onChange={(event) => setText(event.target.value)}
        rows={4}
        spellCheck={false}
        data-testid="access-input"
      />
      <CheckedLines entries={checked} testId="access-check" />
      <div className={buttons}>
        <Button
          variant="primary"
          disabled={adding.busy || !hasValid}
          onClick={add}
          data-testid="access-add"
        >
          {hasErrors ? "Add the valid entries" : "Add Access List Entry"}
        </Button>
        <Button onClick={useCurrentIp} data-testid="access-current-ip">
          Use Current IP Address
        </Button>
      </div>
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
