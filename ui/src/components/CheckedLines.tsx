import { css } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import Icon from "@leafygreen-ui/icon";
import { Body } from "@leafygreen-ui/typography";
import type { CheckedEntry } from "../bindings/CheckedEntry";

const list = css`
  list-style: none;
  padding: 0;
  margin: 8px 0;
  display: flex;
  flex-direction: column;
  gap: 4px;
`;
const line = css`
  display: flex;
  gap: 8px;
  align-items: flex-start;
`;

function status(entry: CheckedEntry): "error" | "warning" | "ok" {
  if (entry.error) return "error";
  return entry.warnings.length > 0 ? "warning" : "ok";
}

/** Every typed or pasted entry with what the check found: ok, a warning or an error. */
export function CheckedLines({ entries, testId }: { entries: CheckedEntry[]; testId: string }) {
  if (entries.length === 0) return null;
  return (
    <ul className={list} data-testid={testId}>
      {entries.map((entry) => {
        const state = status(entry);
        const color =
          state === "error"
            ? colour("danger")
            : state === "warning"
              ? colour("warning")
              : colour("success");
        const glyph =
          state === "error"
            ? "XWithCircle"
            : state === "warning"
              ? "Warning"
              : "CheckmarkWithCircle";
        return (
          <li
            key={entry.position}
            className={line}
            data-testid={`${testId}-line`}
            data-status={state}
          >
            <Icon glyph={glyph} fill={color} />
            <Body>
              <code>{entry.input}</code>
              {entry.messages.length > 0 ? ` — ${entry.messages.join(" ")}` : ""}
            </Body>
          </li>
        );
      })}
    </ul>
  );
}
