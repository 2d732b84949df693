import { useEffect, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import { palette } from "@leafygreen-ui/palette";
import { Body, H3 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { StepOutcome } from "../bindings/StepOutcome";
import { ErrorBanner } from "./ErrorBanner";
import { stack } from "../layout";

const row = css`
  display: flex;
  gap: 8px;
  align-items: flex-end;
`;
const grow = css`
  flex: 1;
  display: flex;
  flex-direction: column;
  gap: 4px;
`;
// Unselectable: a selection would reach the X primary selection, and Ctrl+C
// the clipboard, without Rust marking it secret or clearing it later.
const keyText = css`
  font-family: "Source Code Pro", monospace;
  font-size: 13px;
  padding: 8px 12px;
  border: 1px solid ${palette.gray.base};
  border-radius: 6px;
  background: ${palette.gray.light3};
  user-select: none;
  -webkit-user-select: none;
  cursor: default;
  &:focus-visible {
    outline: 2px solid ${palette.blue.light1};
  }
`;

function outcomeText(outcome: StepOutcome): string {
  switch (outcome.status) {
    case "done":
      return "done";
    case "skipped":
      return "nothing to do";
    case "failed":
      return `failed: ${outcome.message}${outcome.atlasErrorCode ? ` (${outcome.atlasErrorCode})` : ""}`;
  }
}

/**
 * The one time a private key is shown. Copy goes through Rust, which clears
 * the clipboard after a while if it still holds the key; the dialog closes
 * only after "I have copied the private key", and then the key is forgotten.
 */
export function OneTimeKeyDialog({
  created,
  projectName,
  onClosed,
}: {
  created: CreatedKeyView;
  projectName: (id: string) => string;
  onClosed: () => void;
}) {
  const [confirmed, setConfirmed] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const [cleared, setCleared] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const keyId = created.key.id;

  useEffect(() => {
    const unlisten = api.onClipboardCleared((id) => {
      if (id === keyId) {
        setCleared(true);
        setSecondsLeft(null);
      }
    });
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [keyId]);

  useEffect(() => {
    if (secondsLeft === null || secondsLeft <= 0) return;
    const timer = window.setTimeout(() => setSecondsLeft(secondsLeft - 1), 1000);
    return () => window.clearTimeout(timer);
  }, [secondsLeft]);

  const copy = async () => {
    setError(null);
    try {
      setSecondsLeft(await api.copyPrivateKey(keyId));
      setCleared(false);
    } catch (err) {
      setError(api.asCommandError(err));
    }
  };

  // Ctrl+C, the Edit menu or a cut on the key copy through Rust as well.
  const copyThroughRust = (event: React.SyntheticEvent) => {
    event.preventDefault();
    void copy();
  };

  const close = () => {
    api.forgetPrivateKey(keyId).catch(() => undefined);
    onClosed();
  };

  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open && confirmed) close();
      }}
      shouldClose={() => confirmed}
      data-testid="one-time-dialog"
    >
      <div className={stack}>
        <H3>API Key Created</H3>
        <Banner variant="warning" data-testid="one-time-warning">
          This is the only time the private key is shown. Copy it now and keep it somewhere safe:
          Atlas cannot show it again.
        </Banner>
        <Body>
          Public key <code data-testid="one-time-public-key">{created.key.publicKey}</code> ·{" "}
          {created.key.desc}
        </Body>
        <div className={row}>
          <div className={grow}>
            <Body weight="medium" id="one-time-private-key-label">
              Private key
            </Body>
            <div
              id="one-time-private-key"
              className={keyText}
              role="textbox"
              aria-readonly="true"
              aria-labelledby="one-time-private-key-label"
              tabIndex={0}
              onCopy={copyThroughRust}
              onCut={copyThroughRust}
              onContextMenu={(event) => event.preventDefault()}
              onKeyDown={(event) => {
                if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "c") {
                  copyThroughRust(event);
                }
              }}
              data-testid="one-time-private-key"
            >
              {created.privateKey}
            </div>
          </div>
          <Button onClick={copy} data-testid="one-time-copy">
            Copy
          </Button>
        </div>
        {secondsLeft !== null && secondsLeft > 0 && (
          <Body data-testid="one-time-countdown">
            Copied. The clipboard will be cleared in {secondsLeft} s if it still holds the key.
          </Body>
        )}
        {cleared && <Body data-testid="one-time-cleared">The clipboard was cleared.</Body>}
        <ErrorBanner error={error} testId="one-time-error" />
        {created.accessList.status !== "skipped" && (
          <Body data-testid="one-time-access-list-outcome">
            Access list: {outcomeText(created.accessList)}
          </Body>
        )}
        {created.invitations.length > 0 && (
          <ul data-testid="one-time-invitations">
            {created.invitations.map((invitation) => (
              <li key={invitation.projectId}>
                {projectName(invitation.projectId)}: {outcomeText(invitation.outcome)}
              </li>
            ))}
          </ul>
        )}
        <Checkbox
          label="I have copied the private key"
          checked={confirmed}
          onChange={(event) => setConfirmed(event.target.checked)}
          data-testid="one-time-confirm"
        />
        <div>
          <Button
            variant="primary"
            disabled={!confirmed}
            onClick={close}
            data-testid="one-time-close"
          >
            Close
          </Button>
        </div>
      </div>
    </Modal>
  );
}
