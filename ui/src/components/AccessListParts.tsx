// What a key's and a service account's access lists share: the entries
// table, and adding entries (typed, pasted, the current IP) checked line by
// line as they are typed.
import { useCallback, useEffect, useState } from "react";
import Button from "@leafygreen-ui/button";
import {
  Cell,
  HeaderCell,
  HeaderRow,
  Row,
  Table,
  TableBody,
  TableHead,
} from "@leafygreen-ui/table";
import { AddressesTextArea } from "./AddressesTextArea";
import * as api from "../api";
import type { AccessListEntry } from "../bindings/AccessListEntry";
import type { CheckedEntry } from "../bindings/CheckedEntry";
import type { CommandError } from "../bindings/CommandError";
import { useAction, type Action } from "../useAction";
import { CheckedLines } from "./CheckedLines";
import { buttons } from "../layout";

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

/** An empty list, the same array every render (an effect depends on it). */
export const NO_ENTRIES: AccessListEntry[] = [];

/** What `useCheckedEntries` answers. */
export interface CheckedText {
  /** The checked lines of the text they were checked for. */
  checked: CheckedEntry[];
  /** Whether `checked` is of the text as it is now (false while a check is under way). */
  current: boolean;
  /** Sets the lines of a text already checked (after an add, the refused ones). */
  setChecked: (text: string, checked: CheckedEntry[]) => void;
}

/** The lines of `text` as Rust checks them against the list so far; none while it is empty. */
export function useCheckedEntries(text: string, existing: AccessListEntry[]): CheckedText {
  const [state, setState] = useState<{ text: string; checked: CheckedEntry[] }>({
    text: "",
    checked: [],
  });
  useEffect(() => {
    if (!text.trim()) {
      setState({ text, checked: [] });
      return;
    }
    let current = true;
    api.checkAccessEntries(text, existing).then((result) => {
      if (current) setState({ text, checked: result });
    });
    return () => {
      current = false;
    };
  }, [text, existing]);
  const setChecked = useCallback(
    (checkedText: string, checked: CheckedEntry[]) => setState({ text: checkedText, checked }),
    [],
  );
  return { checked: state.checked, current: state.text === text, setChecked };
}

/** One entry as a list's table shows it; `name` is core's. */
export interface EntryRow {
  name: string;
  cidrBlock?: string;
  ipAddress?: string;
  created?: string;
  lastUsed?: string;
  lastUsedAddress?: string;
  count: number;
}

/** The entries with their use, each with Delete where the connection may delete. */
export function EntriesTable({
  rows,
  countLabel,
  onDelete,
  testId,
}: {
  rows: EntryRow[];
  countLabel: string;
  /** Absent when the entries are read-only for this connection. */
  onDelete?: (name: string) => void;
  /** `access` gives `access-table`, `access-entry-…`, `access-delete-…`. */
  testId: string;
}) {
  return (
    <Table data-testid={`${testId}-table`}>
      <TableHead>
        <HeaderRow>
          <HeaderCell>IP address or CIDR block</HeaderCell>
          <HeaderCell>Created</HeaderCell>
          <HeaderCell>Last used</HeaderCell>
          <HeaderCell>Last used address</HeaderCell>
          <HeaderCell>{countLabel}</HeaderCell>
          {onDelete && <HeaderCell>Actions</HeaderCell>}
        </HeaderRow>
      </TableHead>
      <TableBody>
        {rows.map((entry) => {
          const name = entry.name;
          return (
            <Row key={name} data-testid={`${testId}-entry-${name}`}>
              <Cell>
                <code>{shortIpv6(entry.cidrBlock ?? entry.ipAddress ?? "")}</code>
              </Cell>
              <Cell>{when(entry.created)}</Cell>
              <Cell>{when(entry.lastUsed)}</Cell>
              <Cell>{entry.lastUsedAddress ?? "—"}</Cell>
              <Cell>{entry.count}</Cell>
              {onDelete && (
                <Cell>
                  <Button
                    size="xsmall"
                    variant="dangerOutline"
                    onClick={() => onDelete(name)}
                    data-testid={`${testId}-delete-${name}`}
                  >
                    Delete
                  </Button>
                </Cell>
              )}
            </Row>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** What adding entries sends and answers: the lines as checked, and how many were sent. */
type AddReport = { checked: CheckedEntry[]; added: number };

/** Adding entries to one list: the text, its checked lines, Add, and Use Current IP Address. */
export interface EntryAdder {
  text: string;
  setText: (text: string) => void;
  checked: CheckedEntry[];
  /** Whether `checked` is of the text as it is now. */
  checkedCurrent: boolean;
  adding: Action;
  add: () => Promise<boolean>;
  useCurrentIp: () => Promise<void>;
  ipError: CommandError | null;
}

/** `send` adds the text's valid lines and answers the report; the refused lines stay to be fixed. */
export function useEntryAdder(
  existing: AccessListEntry[],
  send: (text: string) => Promise<AddReport>,
): EntryAdder {
  const [text, setText] = useState("");
  const { checked, current, setChecked } = useCheckedEntries(text, existing);
  const adding = useAction();
  const [ipError, setIpError] = useState<CommandError | null>(null);
  const add = () =>
    adding.run(async () => {
      const report = await send(text);
      const rejected = report.checked.filter((entry) => entry.error);
      // Keep only the lines that were refused, so they can be fixed.
      const left = rejected.map((entry) => entry.input).join("\n");
      setText(left);
      setChecked(left, rejected);
      const added = report.added === 1 ? "1 entry added" : `${report.added} entries added`;
      return rejected.length > 0
        ? `${added}; ${rejected.length} line${rejected.length === 1 ? " was" : "s were"} not added: see below.`
        : added;
    });
  const useCurrentIp = async () => {
    setIpError(null);
    try {
      const ip = await api.currentIp();
      setText(text.trim() ? `${text.trimEnd()}\n${ip}` : ip);
    } catch (err) {
      setIpError(api.asCommandError(err));
    }
  };
  return { text, setText, checked, checkedCurrent: current, adding, add, useCurrentIp, ipError };
}

/** The text area, its checked lines, Add and Use Current IP Address. */
export function AddEntriesForm({ adder, testId }: { adder: EntryAdder; testId: string }) {
  const hasErrors = adder.checked.some((entry) => entry.error);
  // While the text's check is under way, Add stays open: core checks every
  // line again before sending and reports the refused ones.
  const canAdd = adder.checkedCurrent
    ? adder.checked.some((entry) => !entry.error)
    : adder.text.trim() !== "";
  return (
    <>
      <AddressesTextArea
        label="Add Access List Entry"
        description="IPv4 or IPv6 addresses and CIDR blocks; paste a list, one per line or separated by commas or spaces."
        value={adder.text}
        onChange={(event) => adder.setText(event.target.value)}
        rows={4}
        spellCheck={false}
        data-testid={`${testId}-input`}
      />
      <CheckedLines entries={adder.checked} testId={`${testId}-check`} />
      <div className={buttons}>
        <Button
          variant="primary"
          disabled={adder.adding.busy || !canAdd}
          onClick={adder.add}
          data-testid={`${testId}-add`}
        >
          {hasErrors ? "Add the valid entries" : "Add Access List Entry"}
        </Button>
        <Button onClick={adder.useCurrentIp} data-testid={`${testId}-current-ip`}>
          Use Current IP Address
        </Button>
      </div>
    </>
  );
}
