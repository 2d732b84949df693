import { useEffect, useState, type ReactNode } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import { colour } from "../theme";
import { Body, H3 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { AccessListEntry } from "../bindings/AccessListEntry";
import type { CommandError } from "../bindings/CommandError";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { ProjectOutcome } from "../bindings/ProjectOutcome";
import type { ServiceAccountEntry } from "../bindings/ServiceAccountEntry";
import type { StepOutcome } from "../bindings/StepOutcome";
import { ErrorBanner } from "./ErrorBanner";
import { type CliHandOff, SaveToAtlasCli } from "./SaveToAtlasCli";
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
  border: 1px solid ${colour("border-strong")};
  border-radius: 6px;
  background: ${colour("subtle")};
  user-select: none;
  -webkit-user-select: none;
  cursor: default;
  &:focus-visible {
    outline: 2px solid ${colour("focus")};
  }
`;

/**
 * What the dialog offers when the new credential's access list could not be
 * added: until it is, the credential has none.
 */
export interface SetupRepair {
  /** "key" or "service account". */
  what: string;
  /** Adds the access list again; answers how that went. */
  retry: () => Promise<StepOutcome>;
  /** Deletes the new credential; the dialog then closes. */
  remove: () => Promise<void>;
}

/** Retry and Delete for a new API key whose list `accessText` was not added. */
export function keySetupRepair(
  orgId: string,
  keyId: string,
  accessText: string,
  patchAccessList: (keyId: string, entries: AccessListEntry[]) => void,
  removeKey: (keyId: string) => void,
): SetupRepair {
  return {
    what: "key",
    retry: async () => {
      const report = await api.addAccessEntries(orgId, keyId, accessText);
      patchAccessList(keyId, report.entries);
      return { status: "done" };
    },
    remove: async () => {
      await api.deleteOrgKey(orgId, keyId);
      removeKey(keyId);
    },
  };
}

/** Retry and Delete for a new service account whose list `accessText` was not added. */
export function accountSetupRepair(
  orgId: string,
  clientId: string,
  accessText: string,
  patchAccessList: (clientId: string, entries: ServiceAccountEntry[]) => void,
  removeAccount: (clientId: string) => void,
): SetupRepair {
  return {
    what: "service account",
    retry: async () => {
      const report = await api.addServiceAccountEntries(orgId, clientId, accessText);
      patchAccessList(clientId, report.entries);
      return { status: "done" };
    },
    remove: async () => {
      await api.deleteServiceAccount(orgId, clientId);
      removeAccount(clientId);
    },
  };
}

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

/** A new API key's private key, shown this once. */
export function OneTimeKeyDialog({
  created,
  orgId,
  replaces,
  projectName,
  repair,
  onClosed,
}: {
  created: CreatedKeyView;
  /** The organization the key is in, for an Atlas CLI profile. */
  orgId: string;
  /** After a rotation, the public key this one replaces. */
  replaces?: string;
  projectName: (id: string) => string;
  repair?: SetupRepair;
  onClosed: () => void;
}) {
  return (
    <OneTimeSecretDialog
      title="API Key Created"
      warning="This is the only time the private key is shown. Copy it now and keep it somewhere safe: Atlas cannot show it again."
      identity={
        <Body>
          Public key <code data-testid="one-time-public-key">{created.key.publicKey}</code> ·{" "}
          {created.key.desc}
        </Body>
      }
      secretLabel="Private key"
      secret={created.privateKey}
      heldId={created.key.id}
      copy={api.copyPrivateKey}
      forget={api.forgetPrivateKey}
      cli={{
        kind: "apiKey",
        identity: created.key.publicKey,
        orgId,
        description: created.key.desc,
        replaces,
      }}
      accessList={created.accessList}
      invitations={created.invitations}
      projectName={projectName}
      repair={repair}
      onClosed={onClosed}
    />
  );
}

/**
 * The one time a secret (a private key, a client secret) is shown. Copy goes
 * through Rust, which clears the clipboard after a while if it still holds
 * the secret; the dialog closes only after the user confirms the copy, and
 * then Rust forgets the secret.
 */
export function OneTimeSecretDialog({
  title,
  warning,
  identity,
  secretLabel,
  secret,
  heldId,
  copy: copySecret,
  forget,
  accessList,
  invitations = [],
  projectName = (id) => id,
  repair,
  cli,
  children,
  onClosed,
}: {
  title: string;
  warning: string;
  /** Whose secret it is: the public key, or the client id (free to copy). */
  identity: ReactNode;
  secretLabel: string;
  secret: string;
  /** The id Rust holds the secret under until the dialog closes. */
  heldId: string;
  copy: (heldId: string) => Promise<number>;
  forget: (heldId: string) => Promise<null>;
  accessList?: StepOutcome;
  invitations?: ProjectOutcome[];
  projectName?: (id: string) => string;
  /** Retry and Delete, offered when the access-list step failed. */
  repair?: SetupRepair;
  /** The credential as an Atlas CLI profile would hold it: offers to save it there. */
  cli?: CliHandOff;
  /** Anything else to say, under the secret. */
  children?: ReactNode;
  onClosed: () => void;
}) {
  const [confirmed, setConfirmed] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const [cleared, setCleared] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [listOutcome, setListOutcome] = useState(accessList);
  const [repairing, setRepairing] = useState(false);

  useEffect(() => {
    const unlisten = api.onClipboardCleared((id) => {
      if (id === heldId) {
        setCleared(true);
        setSecondsLeft(null);
      }
    });
    return () => {
      unlisten.then((stop) => stop());
    };
  }, [heldId]);

  useEffect(() => {
    if (secondsLeft === null || secondsLeft <= 0) return;
    const timer = window.setTimeout(() => setSecondsLeft(secondsLeft - 1), 1000);
    return () => window.clearTimeout(timer);
  }, [secondsLeft]);

  const copy = async () => {
    setError(null);
    try {
      setSecondsLeft(await copySecret(heldId));
      setCleared(false);
    } catch (err) {
      setError(api.asCommandError(err));
    }
  };

  // Ctrl+C, the Edit menu or a cut on the secret copy through Rust as well.
  const copyThroughRust = (event: React.SyntheticEvent) => {
    event.preventDefault();
    void copy();
  };

  const close = () => {
    forget(heldId).catch(() => undefined);
    onClosed();
  };

  const repairWith = async (step: () => Promise<void>) => {
    setError(null);
    setRepairing(true);
    try {
      await step();
    } catch (err) {
      setError(api.asCommandError(err));
    } finally {
      setRepairing(false);
    }
  };
  const retry = () =>
    repairWith(async () => {
      if (repair) setListOutcome(await repair.retry());
    });
  const removeNew = () =>
    repairWith(async () => {
      if (!repair) return;
      await repair.remove();
      close();
    });

  const lowerLabel = secretLabel.toLowerCase();
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
        <H3>{title}</H3>
        <Banner variant="warning" data-testid="one-time-warning">
          {warning}
        </Banner>
        {identity}
        <div className={row}>
          <div className={grow}>
            <Body weight="medium" id="one-time-private-key-label">
              {secretLabel}
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
              {secret}
            </div>
          </div>
          <Button onClick={copy} data-testid="one-time-copy">
            Copy
          </Button>
        </div>
        {secondsLeft !== null && secondsLeft > 0 && (
          <Body data-testid="one-time-countdown">
            Copied. The clipboard will be cleared in {secondsLeft} s if it still holds the{" "}
            {lowerLabel}.
          </Body>
        )}
        {cleared && <Body data-testid="one-time-cleared">The clipboard was cleared.</Body>}
        <ErrorBanner error={error} testId="one-time-error" />
        {cli && (
          // Saved where the CLI reads it: that counts as copied.
          <SaveToAtlasCli handOff={cli} heldId={heldId} onSaved={() => setConfirmed(true)} />
        )}
        {children}
        {listOutcome && listOutcome.status !== "skipped" && (
          <Body data-testid="one-time-access-list-outcome">
            Access list: {outcomeText(listOutcome)}
          </Body>
        )}
        {repair && listOutcome?.status === "failed" && (
          <Banner variant="danger" data-testid="one-time-setup-failed">
            <div className={stack}>
              <Body>
                The new {repair.what} has no access list yet. Until one is added, Atlas lets it in
                from any address, unless the organization requires an access list for the API, when
                it is refused everywhere. Retry, or delete the new {repair.what}.
              </Body>
              <div className={row}>
                <Button disabled={repairing} onClick={retry} data-testid="one-time-retry">
                  Retry Access List
                </Button>
                <Button
                  variant="danger"
                  disabled={repairing}
                  onClick={removeNew}
                  data-testid="one-time-delete-new"
                >
                  Delete the New {repair.what === "key" ? "Key" : "Service Account"}
                </Button>
              </div>
            </div>
          </Banner>
        )}
        {invitations.length > 0 && (
          <ul data-testid="one-time-invitations">
            {invitations.map((invitation) => (
              <li key={invitation.projectId}>
                {projectName(invitation.projectId)}: {outcomeText(invitation.outcome)}
              </li>
            ))}
          </ul>
        )}
        <Checkbox
          label={`I have copied the ${lowerLabel}`}
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
