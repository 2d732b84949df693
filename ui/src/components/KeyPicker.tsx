import { useMemo, useState } from "react";
import { css } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import TextInput from "@leafygreen-ui/text-input";
import { Body } from "@leafygreen-ui/typography";
import type { ApiKey } from "../bindings/ApiKey";

const list = css`
  list-style: none;
  margin: 8px 0;
  padding: 0;
  max-height: 200px;
  overflow: auto;
  border: 1px solid ${colour("border")};
  border-radius: 6px;
`;
const option = css`
  width: 100%;
  display: flex;
  justify-content: space-between;
  gap: 12px;
  padding: 6px 10px;
  border: none;
  background: none;
  text-align: left;
  font: inherit;
  cursor: pointer;
  &:hover,
  &:focus-visible {
    background: ${colour("subtle")};
  }
  &[aria-pressed="true"] {
    background: ${colour("selected")};
    font-weight: 600;
  }
`;
/** Enough to find a key; the search narrows the rest. */
const SHOWN = 50;

/** Search organization keys by description or public key and pick one. */
export function KeyPicker({
  keys,
  value,
  onChange,
  testId,
}: {
  keys: ApiKey[];
  value: string | null;
  onChange: (keyId: string) => void;
  testId: string;
}) {
  const [search, setSearch] = useState("");
  const matching = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return keys.filter(
      (key) => !needle || key.desc.toLowerCase().includes(needle) || key.publicKey.includes(needle),
    );
  }, [keys, search]);
  return (
    <div>
      <TextInput
        label="API key"
        placeholder="Search by description or public key"
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        data-testid={`${testId}-search`}
      />
      <ul className={list} aria-label="Matching API keys">
        {matching.slice(0, SHOWN).map((key) => (
          <li key={key.id}>
            <button
              type="button"
              className={option}
              aria-pressed={key.id === value}
              onClick={() => onChange(key.id)}
              data-testid={`${testId}-key-${key.publicKey}`}
            >
              <span>{key.desc}</span>
              <code>{key.publicKey}</code>
            </button>
          </li>
        ))}
        {matching.length === 0 && (
          <li>
            <Body
              className={css`
                padding: 6px 10px;
              `}
            >
              No key matches.
            </Body>
          </li>
        )}
        {matching.length > SHOWN && (
          <li>
            <Body
              className={css`
                padding: 6px 10px;
              `}
            >
              {matching.length - SHOWN} more: narrow the search.
            </Body>
          </li>
        )}
      </ul>
    </div>
  );
}
