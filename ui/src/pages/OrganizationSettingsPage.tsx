import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import { css } from "@leafygreen-ui/emotion";
import Modal from "@leafygreen-ui/modal";
import Toggle from "@leafygreen-ui/toggle";
import { useToast } from "@leafygreen-ui/toast";
import { Body, H2, H3, Label } from "@leafygreen-ui/typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api";
import { keys, orgSettingsQuery } from "../queries";
import type { ApiKey } from "../bindings/ApiKey";
import type { CommandError } from "../bindings/CommandError";
import type { LiftCheck } from "../bindings/LiftCheck";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import type { OrgSettings } from "../bindings/OrgSettings";
import type { ServiceAccount } from "../bindings/ServiceAccount";
import { ErrorBanner } from "../components/ErrorBanner";
import {
  DEFAULT_MAX_SECRET_HOURS,
  SecretLifetime,
  hoursText,
  lifetimeProblem,
} from "../components/SecretLifetime";
import { SessionGate } from "../components/SessionGate";
import { DelegatedAccessSetting } from "./DelegatedAccess";
import { StandingNotice, useManagesOrg, useReach } from "../standing";
import { useAction } from "../useAction";
import { stack } from "../layout";

const setting = css`
  display: flex;
  gap: 16px;
  align-items: flex-start;
`;

export function OrganizationSettingsPage() {
  return (
    <>
      <H2>Organization Settings</H2>
      <SessionGate>{(orgId) => <Settings key={orgId} orgId={orgId} />}</SessionGate>
    </>
  );
}

function Settings({ orgId }: { orgId: string }) {
  const { pushToast } = useToast();
  const managesOrg = useManagesOrg();
  const queryClient = useQueryClient();
  const read = useQuery(orgSettingsQuery(orgId, useReach()));
  const settings = read.data ?? null;
  // An edit answers the settings: every reader of the entry shows them.
  const setSettings = (changed: OrgSettings) =>
    queryClient.setQueriesData({ queryKey: keys.orgSettings(orgId) }, changed);
  const [changeError, setError] = useState<CommandError | null>(null);
  const error = changeError ?? (read.error ? api.asCommandError(read.error) : null);
  const [checking, setChecking] = useState(false);
  const [check, setCheck] = useState<LockoutCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [lifting, setLifting] = useState(false);
  const [liftCheck, setLiftCheck] = useState<LiftCheck | null>(null);

  const change = async (required: boolean, acknowledged: string[] = []) => {
    setBusy(true);
    setError(null);
    try {
      setSettings(await api.setRequireAccessList(orgId, required, acknowledged));
      setCheck(null);
      setChecking(false);
      setLiftCheck(null);
      setLifting(false);
      pushToast({
        variant: "success",
        title: required
          ? "An IP access list is now required"
          : "An IP access list is no longer required",
      });
    } catch (err) {
      setError(api.asCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  const ask = async () => {
    setChecking(true);
    setCheck(null);
    setError(null);
    try {
      setCheck(await api.checkRequireAccessList(orgId));
    } catch (err) {
      setError(api.asCommandError(err));
      setChecking(false);
    }
  };

  const askLift = async () => {
    setLifting(true);
    setLiftCheck(null);
    setError(null);
    try {
      setLiftCheck(await api.checkLiftAccessList(orgId));
    } catch (err) {
      setError(api.asCommandError(err));
      setLifting(false);
    }
  };

  const required = settings?.apiAccessListRequired ?? false;
  return (
    <div className={stack}>
      <StandingNotice testId="settings-standing" />
      <Card className={stack}>
        <ErrorBanner error={error} testId="settings-error" />
        <div className={setting}>
          <Toggle
            id="require-access-list"
            aria-labelledby="require-access-list-label"
            checked={required}
            disabled={!settings || busy || !managesOrg}
            onChange={(on) => (on ? ask() : askLift())}
            data-testid="require-access-list"
          />
          <div>
            <Label htmlFor="require-access-list" id="require-access-list-label">
              Require IP Access List for the Atlas Administration API
            </Label>
            <Body>
              Every API key and service account must then have an access list; one with none is
              refused everywhere.
            </Body>
          </div>
        </div>
        {checking && (
          <Modal
            open
            setOpen={(open) => {
              if (!open) setChecking(false);
            }}
            data-testid="require-dialog"
          >
            <div className={stack}>
              <H3>Require an IP access list?</H3>
              {!check && <Body>Checking every key&apos;s access list…</Body>}
              {check?.blocking && (
                <Banner variant="danger" data-testid="require-blocking">
                  {check.blocking}
                </Banner>
              )}
              {check && (
                <CredentialLists
                  keys={check.keysLockedOut}
                  accounts={check.accountsLockedOut}
                  what="would be locked out"
                  keysTestId="require-locked-out"
                  accountsTestId="require-accounts-locked-out"
                />
              )}
              {check &&
                check.keysLockedOut.length === 0 &&
                check.accountsLockedOut.length === 0 && (
                  <Body data-testid="require-safe">
                    Every key and service account has an access list: none is locked out.
                  </Body>
                )}
              <div
                className={css`
                  display: flex;
                  gap: 8px;
                `}
              >
                <Button onClick={() => setChecking(false)} data-testid="require-cancel">
                  Cancel
                </Button>
                <Button
                  variant="danger"
                  disabled={!check || Boolean(check.blocking) || busy}
                  onClick={() => change(true)}
                  data-testid="require-confirm"
                >
                  Require IP Access List
                </Button>
              </div>
            </div>
          </Modal>
        )}
        {lifting && (
          <Modal
            open
            setOpen={(open) => {
              if (!open) setLifting(false);
            }}
            data-testid="lift-dialog"
          >
            <div className={stack}>
              <H3>Stop requiring an IP access list?</H3>
              {!liftCheck && <Body>Checking every key&apos;s access list…</Body>}
              {liftCheck && (
                <CredentialLists
                  keys={liftCheck.keysOpened}
                  accounts={liftCheck.accountsOpened}
                  what="could then be used from any address"
                  keysTestId="lift-opened"
                  accountsTestId="lift-accounts-opened"
                />
              )}
              {liftCheck &&
                liftCheck.keysOpened.length === 0 &&
                liftCheck.accountsOpened.length === 0 && (
                  <Body data-testid="lift-safe">
                    Every key and service account has an access list: none is opened to every
                    address.
                  </Body>
                )}
              <div
                className={css`
                  display: flex;
                  gap: 8px;
                `}
              >
                <Button onClick={() => setLifting(false)} data-testid="lift-cancel">
                  Cancel
                </Button>
                <Button
                  variant="danger"
                  disabled={!liftCheck || busy}
                  onClick={() => {
                    if (!liftCheck) return;
                    void change(false, [
                      ...liftCheck.keysOpened.map((key) => key.id),
                      ...liftCheck.accountsOpened.map((account) => account.clientId),
                    ]);
                  }}
                  data-testid="lift-confirm"
                >
                  Stop Requiring
                </Button>
              </div>
            </div>
          </Modal>
        )}
      </Card>
      {settings && (
        <SecretLifetimeSetting
          orgId={orgId}
          current={settings.maxServiceAccountSecretValidityInHours ?? DEFAULT_MAX_SECRET_HOURS}
          onSaved={managesOrg ? setSettings : undefined}
        />
      )}
      <DelegatedAccessSetting orgId={orgId} />
    </div>
  );
}

/** The keys and service accounts with no access list, and what a change would do to them. */
function CredentialLists({
  keys,
  accounts,
  what,
  keysTestId,
  accountsTestId,
}: {
  keys: ApiKey[];
  accounts: ServiceAccount[];
  what: string;
  keysTestId: string;
  accountsTestId: string;
}) {
  return (
    <>
      {keys.length > 0 && (
        <>
          <Body data-testid={`${keysTestId}-count`}>
            {keys.length} key{keys.length === 1 ? "" : "s"} with no access list {what}:
          </Body>
          <ul data-testid={keysTestId}>
            {keys.map((key) => (
              <li key={key.id}>
                {key.desc} (<code>{key.publicKey}</code>)
              </li>
            ))}
          </ul>
        </>
      )}
      {accounts.length > 0 && (
        <>
          <Body data-testid={`${accountsTestId}-count`}>
            {accounts.length} service account{accounts.length === 1 ? "" : "s"} with no access list{" "}
            {what}:
          </Body>
          <ul data-testid={accountsTestId}>
            {accounts.map((account) => (
              <li key={account.clientId}>
                {account.name} (<code>{account.clientId}</code>)
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The longest a service account's secret may last: 8 hours to 365 days. */
function SecretLifetimeSetting({
  orgId,
  current,
  onSaved,
}: {
  orgId: string;
  current: number;
  /** Absent when the connection may read the setting but not change it. */
  onSaved?: (settings: OrgSettings) => void;
}) {
  const [hours, setHours] = useState(current);
  const saving = useAction();
  const problem = lifetimeProblem(hours, DEFAULT_MAX_SECRET_HOURS);
  return (
    <Card className={stack} data-testid="max-secret-lifetime">
      <div>
        <Label htmlFor="">Maximum Service Account Secret Lifetime</Label>
        <Body data-testid="max-secret-lifetime-current">
          New client secrets of this organization&apos;s service accounts may last at most this
          long; now {hoursText(current)}.
        </Body>
      </div>
      {onSaved && (
        <SecretLifetime
          maxHours={DEFAULT_MAX_SECRET_HOURS}
          hours={hours}
          onChange={setHours}
          testId="max-secret-lifetime"
        />
      )}
      <ErrorBanner error={saving.error} testId="max-secret-lifetime-error" />
      {onSaved && (
        <div>
          <Button
            variant="primary"
            disabled={saving.busy || problem !== null || hours === current}
            onClick={() =>
              saving.run(
                async () => {
                  onSaved(await api.setMaxSecretLifetime(orgId, hours));
                },
                `New secrets may now last at most ${hoursText(hours)}`,
              )
            }
            data-testid="max-secret-lifetime-save"
          >
            Save
          </Button>
        </div>
      )}
    </Card>
  );
}
