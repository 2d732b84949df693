import { useState } from "react";
import { css } from "@leafygreen-ui/emotion";
import Badge from "@leafygreen-ui/badge";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import { Option } from "@leafygreen-ui/select";
import { ParagraphSkeleton } from "@leafygreen-ui/skeleton-loader";
import { Body, Description, H2, H3 } from "@leafygreen-ui/typography";
import { useQuery } from "@tanstack/react-query";
import { asCommandError, copyDiagnostics } from "../api";
import { appInfoQuery } from "../queries";
import type { AppInfo } from "../bindings/AppInfo";
import type { Appearance } from "../bindings/Appearance";
import type { CommandError } from "../bindings/CommandError";
import { useTheme } from "../theme";
import { useAction } from "../useAction";
import { LabelledSelect } from "../components/LabelledSelect";

const card = css`
  margin-top: 24px;
  max-width: 640px;
`;
const diagnosticsText = css`
  margin-top: 12px;
  max-height: 240px;
  overflow: auto;
  padding: 8px 12px;
  border: 1px solid var(--aam-border);
  border-radius: 6px;
  font-family: "Source Code Pro", monospace;
  font-size: 12px;
  white-space: pre-wrap;
`;
const row = css`
  display: flex;
  align-items: center;
  gap: 12px;
  margin-top: 12px;
`;

type Loaded =
  | { state: "loading" }
  | { state: "ready"; info: AppInfo }
  | { state: "failed"; error: CommandError };

export function SettingsPage() {
  const info = useQuery(appInfoQuery());
  const loaded: Loaded = info.data
    ? { state: "ready", info: info.data }
    : info.error
      ? { state: "failed", error: asCommandError(info.error) }
      : { state: "loading" };

  return (
    <>
      <H2>Settings</H2>
      <AppearanceCard />
      <Card className={card} data-testid="about-card">
        <H3>About</H3>
        {loaded.state === "loading" && <ParagraphSkeleton data-testid="about-loading" />}
        {loaded.state === "failed" && (
          <Banner variant="danger" data-testid="about-error">
            {loaded.error.message}
          </Banner>
        )}
        {loaded.state === "ready" && <AboutDetails info={loaded.info} />}
        <Diagnostics />
      </Card>
    </>
  );
}

const APPEARANCES: { value: Appearance; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

function AppearanceCard() {
  const theme = useTheme();
  const [error, setError] = useState<string | null>(null);
  return (
    <Card className={card} data-testid="appearance-card">
      <H3>Appearance</H3>
      <div className={row}>
        <LabelledSelect
          label="Theme"
          size="small"
          value={theme.appearance}
          allowDeselect={false}
          onChange={(value) => {
            setError(null);
            theme.choose(value as Appearance).catch((failure: unknown) => {
              setError(asCommandError(failure).message);
            });
          }}
          data-testid="appearance"
        >
          {APPEARANCES.map(({ value, label }) => (
            <Option key={value} value={value} data-testid={`appearance-${value}`}>
              {label}
            </Option>
          ))}
        </LabelledSelect>
      </div>
      <Description>System follows the desktop&apos;s light or dark preference.</Description>
      {error !== null && (
        <Banner variant="danger" data-testid="appearance-error">
          {error}
        </Banner>
      )}
    </Card>
  );
}

/** Diagnostics to hand in with a problem: copied, and shown as copied. */
function Diagnostics() {
  const action = useAction();
  const [text, setText] = useState<string | null>(null);
  const copy = () =>
    action.run(async () => {
      setText((await copyDiagnostics()).text);
      return "Diagnostics copied to the clipboard.";
    });
  return (
    <>
      <div className={row}>
        <Button onClick={() => void copy()} disabled={action.busy} data-testid="copy-diagnostics">
          Copy diagnostics
        </Button>
      </div>
      <Description>
        The version, the system, the open connection&apos;s address and the log&apos;s last 200
        lines, to paste into a problem report. Never a key or a secret.
      </Description>
      {action.error !== null && (
        <Banner variant="danger" data-testid="diagnostics-error">
          {action.error.message}
        </Banner>
      )}
      {text !== null && (
        <pre
          className={diagnosticsText}
          data-testid="diagnostics-text"
          tabIndex={0}
          aria-label="Diagnostics as copied"
        >
          {text}
        </pre>
      )}
    </>
  );
}

function AboutDetails({ info }: { info: AppInfo }) {
  const { keychain } = info;
  return (
    <>
      <div className={row}>
        <Body weight="medium">Version</Body>
        <Body data-testid="app-version">{info.version}</Body>
      </div>
      <div className={row}>
        <Body weight="medium">{keychain.backend}</Body>
        {keychain.reachable ? (
          <Badge variant="green" data-testid="keychain-status">
            Reachable
          </Badge>
        ) : (
          <Badge variant="red" data-testid="keychain-status">
            Unreachable
          </Badge>
        )}
      </div>
      {keychain.problem !== null && (
        <Banner variant="warning" data-testid="keychain-problem">
          {keychain.problem}
        </Banner>
      )}
      <Description>
        Private keys are kept only in the {keychain.backend}, never in a file.
      </Description>
    </>
  );
}
