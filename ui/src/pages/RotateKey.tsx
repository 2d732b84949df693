import { useEffect, useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import Icon from "@leafygreen-ui/icon";
import { Body, H2, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { ConnectionSwitch } from "../bindings/ConnectionSwitch";
import { SANDBOX_PROFILE_ID } from "../bindings/constants";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { KeyInventory } from "../bindings/KeyInventory";
import type { Project } from "../bindings/Project";
import type { StepOutcome } from "../bindings/StepOutcome";
import { ErrorBanner } from "../components/ErrorBanner";
import {
  OneTimeKeyDialog,
  OneTimeSecretDialog,
  type SetupRepair,
} from "../components/OneTimeKeyDialog";
import { LifetimeField, useLifetimeChoice } from "../components/SecretLifetime";
import { ClientIdLine } from "../components/ServiceAccountParts";
import type { CreatedServiceAccountView } from "../bindings/CreatedServiceAccountView";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { TypedDeleteDialog } from "../components/TypedDeleteDialog";
import { keyAccessListQuery, keys, serviceAccountUseQuery } from "../queries";
import { useReach } from "../standing";
import { useRoleName, useSession } from "../session";
import { DeleteStep, StepResult, WatchStep, failed, type Step } from "./RotateKeySteps";
import { useAction } from "../useAction";
import { stack } from "../layout";

/**
 * Rotating an API key, in four steps: a new key with everything the old one
 * has; its private key, once; watching the old key's use stop; deleting the
 * old key. Each step says what it did; a failed one is resumed.
 */
export function RotateKey({
  orgId,
  item,
  projects,
  into,
  onBack,
  onDone,
}: {
  orgId: string;
  item: KeyInventory;
  projects: Project[];
  /** A new API key (a rotation), or a service account (a move). */
  into: "key" | "serviceAccount";
  onBack: () => void;
  /** The old key is deleted: show the new key, or the new account. */
  onDone: (replacement: { keyId?: string; clientId?: string }) => void;
}) {
  const { session, adoptSession, patchKey, patchAccessList, removeKey } = useSession();
  const roleName = useRoleName();
  const old = item.key;
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;
  const orgRoles = old.roles.filter((r) => r.orgId === orgId).map((r) => roleName(r.roleName));
  const [created, setCreated] = useState<CreatedKeyView | null>(null);
  const [createdAccount, setCreatedAccount] = useState<CreatedServiceAccountView | null>(null);
  const lifetime = useLifetimeChoice(orgId);
  const queryClient = useQueryClient();
  const [showing, setShowing] = useState(false);
  const [steps, setSteps] = useState<Step[]>([]);
  const [deleting, setDeleting] = useState(false);
  const creation = useAction();
  const resumption = useAction();
  const deletion = useAction();
  const isKeyInUse = session?.keyInUseId === old.id;
  // A saved connection that signs in with the old key is switched to the
  // new one as it is made, while its private key is still held; the
  // built-in sandbox always signs in with its own admin key.
  const switchable = into === "key" && isKeyInUse && session?.profile.id !== SANDBOX_PROFILE_ID;
  const [switched, setSwitched] = useState<CommandError | "done" | null>(null);
  // The switch waits while a step of the new key has failed.
  const [switchWaiting, setSwitchWaiting] = useState(false);
  const newKey = created?.key;
  const newAccount = createdAccount?.account;
  // What the old key is replaced with, however it was made.
  const replacement = newKey
    ? { id: newKey.id, name: newKey.publicKey }
    : newAccount
      ? { id: newAccount.clientId, name: newAccount.name }
      : null;

  // Their use, read afresh once the replacement exists and on demand.
  const reach = useReach();
  const oldUse = useQuery({
    ...keyAccessListQuery(orgId, reach, old.id),
    enabled: replacement !== null,
    staleTime: 0,
  });
  const newKeyUse = useQuery({
    ...keyAccessListQuery(orgId, reach, newKey?.id ?? ""),
    enabled: newKey !== undefined,
    staleTime: 0,
  });
  const newAccountUse = useQuery({
    ...serviceAccountUseQuery(orgId, reach, newAccount?.clientId ?? ""),
    enabled: newAccount !== undefined,
    staleTime: 0,
  });
  const newUse = newKey ? newKeyUse : newAccountUse;
  const readUseAgain = () => {
    void oldUse.refetch();
    void newUse.refetch();
  };
  // What was read joins the organization's lists (the keys table shows it too).
  useEffect(() => {
    if (oldUse.data) patchAccessList(old.id, oldUse.data);
  }, [oldUse.data, old.id, patchAccessList]);
  useEffect(() => {
    if (newKey && newKeyUse.data) patchAccessList(newKey.id, newKeyUse.data);
  }, [newKey, newKeyUse.data, patchAccessList]);
  const useError = oldUse.error ?? newUse.error;

  const stepsOf = (
    accessList: StepOutcome,
    invitations: { projectId: string; outcome: StepOutcome }[],
  ): Step[] => [
    { name: "organization roles", outcome: { status: "done" } },
    ...(accessList.status === "skipped" ? [] : [{ name: "access list", outcome: accessList }]),
    ...invitations.map((invitation) => ({
      name: `project ${projectName(invitation.projectId)}`,
      outcome: invitation.outcome,
    })),
  ];

  const moveToAccount = () =>
    creation.run(async () => {
      if (lifetime.hours === null) return;
      const view = await api.moveKeyToServiceAccount(orgId, old.id, lifetime.hours);
      setCreatedAccount(view);
      setShowing(true);
      void queryClient.invalidateQueries({ queryKey: keys.serviceAccountList(orgId) });
      setSteps(stepsOf(view.accessList, view.invitations));
    });

  // Rust moves the connection to the new key only once the key has
  // everything the old one has: never while a step has failed.
  const followSwitch = (switch_: ConnectionSwitch) => {
    switch (switch_.status) {
      case "switched":
        adoptSession(switch_.session);
        setSwitched("done");
        setSwitchWaiting(false);
        break;
      case "waiting":
        setSwitchWaiting(true);
        break;
      case "failed":
        setSwitched(switch_.error);
        break;
      case "notAsked":
        break;
    }
  };
  const switchProfileId = switchable ? session?.profile.id : undefined;

  const create = () =>
    creation.run(async () => {
      const { created: view, switch: switch_ } = await api.rotateOrgKey(
        orgId,
        old.id,
        switchProfileId,
      );
      followSwitch(switch_);
      setCreated(view);
      setShowing(true);
      patchKey(view.key);
      setSteps(stepsOf(view.accessList, view.invitations));
    });

  /** Gives the new key, or the new account, what the old key has and it lacks. */
  const resumeSteps = async (): Promise<{ accessList: StepOutcome; complete: boolean }> => {
    if (newKey) {
      const { setup, switch: switch_ } = await api.completeRotation(
        orgId,
        old.id,
        newKey.id,
        switchWaiting ? switchProfileId : undefined,
      );
      patchKey(setup.key);
      setSteps([
        { name: "organization roles", outcome: setup.roles },
        ...stepsOf(setup.accessList, setup.invitations).slice(1),
      ]);
      followSwitch(switch_);
      readUseAgain();
      return setup;
    }
    if (newAccount) {
      const setup = await api.completeMove(orgId, old.id, newAccount.clientId);
      void queryClient.invalidateQueries({ queryKey: keys.serviceAccountList(orgId) });
      setSteps(stepsOf(setup.accessList, setup.invitations));
      readUseAgain();
      return setup;
    }
    return { accessList: { status: "skipped" }, complete: true };
  };

  const resume = () =>
    resumption.run(async () => {
      const setup = await resumeSteps();
      return setup.complete
        ? `The new ${into === "key" ? "key" : "service account"} has everything the old key has`
        : "Some steps failed again";
    });

  // Retry and Delete in the one-time dialog, while its secret is still held.
  const repair: SetupRepair = {
    what: into === "key" ? "key" : "service account",
    retry: async () => {
      const setup = await resumeSteps();
      return setup.accessList.status === "failed" ? setup.accessList : { status: "done" };
    },
    remove: async () => {
      if (newKey) {
        await api.deleteOrgKey(orgId, newKey.id);
        removeKey(newKey.id);
      } else if (newAccount) {
        await api.deleteServiceAccount(orgId, newAccount.clientId);
        void queryClient.invalidateQueries({ queryKey: keys.serviceAccountList(orgId) });
      }
      setCreated(null);
      setCreatedAccount(null);
      setSteps([]);
      setSwitchWaiting(false);
    },
  };

  const remove = () =>
    deletion.run(
      async () => {
        await api.deleteOrgKey(orgId, old.id);
        setDeleting(false);
        removeKey(old.id);
        onDone(newKey ? { keyId: newKey.id } : { clientId: newAccount?.clientId });
      },
      `API key ${old.publicKey} deleted: the ${into === "key" ? "rotation" : "move"} is done`,
    );

  return (
    <div className={stack} data-testid="rotate-key">
      <div>
        <Button leftGlyph={<Icon glyph="ArrowLeft" />} onClick={onBack} data-testid="rotate-back">
          {old.desc || old.publicKey}
        </Button>
      </div>
      <H2>
        {into === "key" ? "Rotate" : "Move to a service account:"} {old.desc || old.publicKey}
      </H2>
      <Card className={stack} data-testid="rotate-step-create">
        <Subtitle>1. Create the new {into === "key" ? "key" : "service account"}</Subtitle>
        <Body>
          {into === "key"
            ? "A new key with the same description and today's date"
            : "A service account named after the key"}
          , the same organization roles ({orgRoles.join(", ") || "none"}), the same roles in{" "}
          {item.projectRoles.length} project{item.projectRoles.length === 1 ? "" : "s"}, and the
          same {item.accessList.length} access-list entr
          {item.accessList.length === 1 ? "y" : "ies"}.
        </Body>
        {into === "serviceAccount" && !createdAccount && (
          <LifetimeField choice={lifetime} testId="rotate-lifetime" />
        )}
        {!created && !createdAccount && (
          <div>
            <Button
              variant="primary"
              disabled={creation.busy || (into === "serviceAccount" && lifetime.problem !== null)}
              onClick={into === "key" ? create : moveToAccount}
              data-testid="rotate-create"
            >
              {into === "serviceAccount"
                ? "Create Service Account"
                : switchable
                  ? "Create New Key and Switch This Connection to It"
                  : "Create New Key"}
            </Button>
          </div>
        )}
        {newAccount && (
          <Body>
            New service account <strong>{newAccount.name}</strong>,{" "}
            <code data-testid="rotate-new-client-id">{newAccount.clientId}</code>
          </Body>
        )}
        <ErrorBanner error={creation.error} testId="rotate-create-error" />
        {newKey && (
          <Body>
            New key <code data-testid="rotate-new-public-key">{newKey.publicKey}</code>:{" "}
            {newKey.desc}
          </Body>
        )}
        {switched === "done" && (
          <Body data-testid="rotate-switched">
            This connection now signs in with the new key; its private key is in the keychain.
          </Body>
        )}
        {switched && switched !== "done" && (
          <ErrorBanner error={switched} testId="rotate-switch-error" />
        )}
        {steps.length > 0 && (
          <ul data-testid="rotate-steps" data-failed={failed(steps)}>
            {steps.map((step) => (
              <StepResult key={step.name} step={step} />
            ))}
          </ul>
        )}
        {switchWaiting && (
          <Banner variant="warning" data-testid="rotate-switch-waiting">
            This connection still signs in with the old key: it switches to the new key only once
            the new key has everything the old one has. Resume while its private key is shown; after
            the dialog closes, switch under Connections with the new private key.
          </Banner>
        )}
        {failed(steps) && (
          <div>
            <Button disabled={resumption.busy} onClick={resume} data-testid="rotate-resume">
              Resume: copy what is missing
            </Button>
          </div>
        )}
        <ErrorBanner error={resumption.error} testId="rotate-resume-error" />
      </Card>
      {replacement && (
        <Card className={stack} data-testid="rotate-step-key">
          <Subtitle>2. Copy its {into === "key" ? "private key" : "client secret"}</Subtitle>
          <Body>
            Shown once, when it was created. Put it where your systems read their Atlas credentials.
          </Body>
        </Card>
      )}
      {replacement && (
        <WatchStep
          into={into}
          oldPublicKey={old.publicKey}
          replacementName={replacement.name}
          oldUse={oldUse.data ?? null}
          newUse={newUse.data ?? null}
          reading={oldUse.isFetching || newUse.isFetching}
          error={useError ? api.asCommandError(useError) : null}
          onRefresh={readUseAgain}
        />
      )}
      {replacement && (
        <DeleteStep
          keyInUse={isKeyInUse}
          sandbox={session?.profile.id === SANDBOX_PROFILE_ID}
          blocked={failed(steps)}
          deletion={deletion}
          onDelete={() => setDeleting(true)}
        />
      )}
      {deleting && (
        <TypedDeleteDialog
          title={`Delete the old key ${old.publicKey}?`}
          label="Description or public key"
          accepts={(typed) => typed === old.desc.trim() || typed === old.publicKey}
          deletion={deletion}
          onDelete={remove}
          onCancel={() => setDeleting(false)}
          testId="rotate-delete"
        >
          Whatever still uses <strong>{old.desc}</strong> is refused from now on. Type its
          description or its public key to confirm.
        </TypedDeleteDialog>
      )}
      {createdAccount && showing && (
        <OneTimeSecretDialog
          title="Service Account Created"
          warning="This is the only time the client secret is shown. Copy it now and keep it somewhere safe: Atlas cannot show it again."
          identity={
            <ClientIdLine
              name={createdAccount.account.name}
              clientId={createdAccount.account.clientId}
            />
          }
          secretLabel="Client secret"
          secret={createdAccount.secret}
          heldId={createdAccount.secretId}
          copy={api.copyClientSecret}
          forget={api.forgetClientSecret}
          accessList={createdAccount.accessList}
          invitations={createdAccount.invitations}
          projectName={projectName}
          repair={repair}
          onClosed={() => {
            // The rest of the wizard needs the account, never its secret again.
            setCreatedAccount((view) => view && { ...view, secret: "" });
            setShowing(false);
          }}
        />
      )}
      {created && showing && (
        <OneTimeKeyDialog
          created={created}
          orgId={orgId}
          replaces={old.publicKey}
          projectName={projectName}
          repair={repair}
          onClosed={() => {
            // The rest of the wizard needs the key, never its private key again.
            setCreated((view) => view && { ...view, privateKey: "" });
            setShowing(false);
          }}
        />
      )}
    </div>
  );
}
