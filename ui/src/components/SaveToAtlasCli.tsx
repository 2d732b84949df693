// "Save to an Atlas CLI profile" in a one-time dialog: Rust writes the
// secret it holds for the dialog into the Atlas CLI's profile (config.toml
// and the CLI's keychain entries), so it never goes through the clipboard or
// a shell. An existing profile's credential is replaced only once confirmed.
import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import { Option } from "@leafygreen-ui/select";
import TextInput from "@leafygreen-ui/text-input";
import { Body, Description } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CliProfileChoices } from "../bindings/CliProfileChoices";
import type { CommandError } from "../bindings/CommandError";
import type { ConnectionKind } from "../bindings/ConnectionKind";
import type { SavedToCli } from "../bindings/SavedToCli";
import { ErrorBanner } from "./ErrorBanner";
import { LabelledSelect } from "./LabelledSelect";
import { buttons, stack } from "../layout";

/** The new credential a one-time dialog shows, as the Atlas CLI would sign in with it. */
export interface CliHandOff {
  kind: ConnectionKind;
  /** The public key or client id. */
  identity: string;
  orgId: string;
  /** Its description or name, for a new profile's name. */
  description: string;
  /** After a rotation, the public key it replaces: its profiles are offered. */
  replaces?: string;
}

const NEW = "+new";

const panel = css`
  padding: 12px;
  border-radius: 6px;
`;

/** Why a new profile's name cannot be used, or null. */
export function nameProblem(name: string, taken: string[]): string | null {
  const wanted = name.trim().toLowerCase();
  if (!/^[a-z0-9_-]{1,64}$/.test(wanted)) {
    return "Use 1 to 64 letters, digits, - and _.";
  }
  if (taken.includes(wanted)) return `The Atlas CLI already has a profile "${wanted}".`;
  return null;
}

export function SaveToAtlasCli({
  handOff,
  heldId,
  onSaved,
}: {
  handOff: CliHandOff;
  heldId: string;
  onSaved: () => void;
}) {
  const [choices, setChoices] = useState<CliProfileChoices | null>(null);
  const [chosen, setChosen] = useState(NEW);
  const [name, setName] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [saved, setSaved] = useState<SavedToCli | null>(null);

  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (err) {
      setError(api.asCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  const open = () =>
    run(async () => {
      const read = await api.atlasCliProfiles({
        identity: handOff.identity,
        replaces: handOff.replaces,
        description: handOff.description,
      });
      setChoices(read);
      setName(read.suggestedName);
      // A profile that used the credential this one replaces is the likely place.
      setChosen(read.using[0]?.name ?? NEW);
    });

  const save = (replacing: boolean) =>
    run(async () => {
      const done = await api.saveToAtlasCli({
        heldId,
        kind: handOff.kind,
        identity: handOff.identity,
        orgId: handOff.orgId,
        profile: replacing ? chosen : name,
        mode: replacing ? "replaceConfirmed" : "new",
      });
      setSaved(done);
      setConfirming(false);
      onSaved();
    });

  if (saved) {
    return (
      <Banner variant="success" data-testid="one-time-cli-saved">
        Saved to the Atlas CLI profile <strong>{saved.profile}</strong>: {saved.configPath}, with
        the secret in the keychain under {saved.keychainService}.
        {saved.backupPath && <> The config as it was is kept at {saved.backupPath}.</>} Nothing was
        put on the clipboard.
      </Banner>
    );
  }
  if (!choices) {
    return (
      <div className={stack}>
        <div>
          <Button disabled={busy} onClick={open} data-testid="one-time-cli-open">
            Save to an Atlas CLI Profile
          </Button>
        </div>
        <ErrorBanner error={error} testId="one-time-cli-error" />
      </div>
    );
  }
  const replacing = chosen !== NEW;
  const problem = replacing ? null : nameProblem(name, choices.taken);
  return (
    <div className={`${stack} ${panel}`} data-testid="one-time-cli">
      <Body>
        The Atlas CLI&apos;s profiles are in {choices.configPath}; the secret goes to the keychain,
        never into that file.
      </Body>
      <LabelledSelect
        label="Atlas CLI profile"
        value={chosen}
        onChange={(value) => {
          setChosen(value || NEW);
          setConfirming(false);
        }}
        allowDeselect={false}
        data-testid="one-time-cli-profile"
      >
        <Option value={NEW}>New profile</Option>
        {choices.using.map((profile) => (
          <Option key={profile.name} value={profile.name}>
            {`${profile.name} (uses ${profile.identity})`}
          </Option>
        ))}
      </LabelledSelect>
      {!replacing && (
        <TextInput
          label="Profile name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          state={problem ? "error" : "none"}
          errorMessage={problem ?? undefined}
          data-testid="one-time-cli-name"
        />
      )}
      {replacing && !confirming && (
        <Description>
          Its credential is replaced by this one; the old config.toml is kept beside it.
        </Description>
      )}
      {confirming && (
        <Banner variant="warning" data-testid="one-time-cli-replace-warning">
          Replace the credential of the Atlas CLI profile &quot;{chosen}&quot;? The CLI then signs
          in with this {handOff.kind === "apiKey" ? "key" : "service account"}; its old secret is
          overwritten in the keychain, and config.toml is first copied to a backup beside it.
        </Banner>
      )}
      <ErrorBanner error={error} testId="one-time-cli-error" />
      <div className={buttons}>
        {confirming ? (
          <>
            <Button onClick={() => setConfirming(false)} data-testid="one-time-cli-cancel">
              Cancel
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={() => save(true)}
              data-testid="one-time-cli-confirm-replace"
            >
              Replace the Credential
            </Button>
          </>
        ) : (
          <Button
            variant="primary"
            disabled={busy || problem !== null}
            onClick={() => (replacing ? setConfirming(true) : save(false))}
            data-testid="one-time-cli-save"
          >
            {replacing ? "Replace…" : "Save Profile"}
          </Button>
        )}
      </div>
    </div>
  );
}
