import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import { cx } from "@leafygreen-ui/emotion";
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
import { Body, H3, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { RotationView } from "../bindings/RotationView";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import type { ServiceAccountSecret } from "../bindings/ServiceAccountSecret";
import { when } from "../components/AccessListParts";
import { ErrorBanner } from "../components/ErrorBanner";
import { OneTimeSecretDialog } from "../components/OneTimeKeyDialog";
import { ClientIdLine, toneStyle } from "../components/ServiceAccountParts";
import { LifetimeField, useLifetimeChoice } from "../components/SecretLifetime";
import { useSession } from "../session";
import { ago, expiry, useNow, type ServiceAccountsState } from "../serviceAccounts";
import { useAction } from "../useAction";
import { buttons, denseStack, stack } from "../layout";

/** The account's secrets: each with its use and expiry; generate a new one, delete one. */
export function Secrets({
  orgId,
  item,
  state,
  editable,
}: {
  orgId: string;
  item: ServiceAccountInventory;
  state: ServiceAccountsState;
  /** False when the connection may read the secrets but not change them. */
  editable: boolean;
}) {
  const account = item.account;
  const { session, adoptSession } = useSession();
  // The connection signs in with this account: a new secret switches it.
  const inUse =
    session?.profile.kind === "serviceAccount" && session.keyInUseId === account.clientId;
  const [switched, setSwitched] = useState<CommandError | "done" | null>(null);
  // Re-rendered every minute; read fresh, as a rotation has just moved expiries.
  useNow();
  const now = Date.now();
  const lifetime = useLifetimeChoice(orgId);
  const [rotating, setRotating] = useState(false);
  const [rotation, setRotation] = useState<RotationView | null>(null);
  const [deleting, setDeleting] = useState<ServiceAccountSecret | null>(null);
  const generation = useAction();
  const removal = useAction();

  const weekFromNow = new Date(now + 7 * 24 * 60 * 60 * 1000);
  const cutTo = (secret: ServiceAccountSecret) => {
    const expires = new Date(secret.expiresAt);
    return expires < weekFromNow ? expires : weekFromNow;
  };

  const generate = () =>
    generation.run(async () => {
      const view = await api.rotateServiceAccountSecret(
        orgId,
        account.clientId,
        lifetime.hours ?? 0,
      );
      setRotating(false);
      setRotation(view);
      state.patchAccount({ ...account, secrets: [...view.others, view.secret] });
      setSwitched(null);
      if (inUse && session) {
        try {
          adoptSession(
            await api.switchConnectionSecret(
              session.profile.id,
              account.clientId,
              view.secret.id,
              orgId,
            ),
          );
          setSwitched("done");
        } catch (error) {
          setSwitched(api.asCommandError(error));
        }
      }
    });

  const remove = () => {
    if (!deleting) return;
    const secret = deleting;
    return removal.run(
      async () => {
        state.patchAccount(
          await api.deleteServiceAccountSecret(orgId, account.clientId, secret.id),
        );
        setDeleting(null);
      },
      `Secret ${secret.maskedSecretValue ?? secret.id} deleted`,
    );
  };

  return (
    <section className={denseStack} data-testid="sa-secrets">
      <Subtitle>Client Secrets</Subtitle>
      {account.secrets.length === 0 ? (
        <Banner variant="warning" data-testid="sa-no-secrets">
          This service account has no secret, so nothing can sign in with it. Generate one.
        </Banner>
      ) : (
        <Table data-testid="sa-secrets-table">
          <TableHead>
            <HeaderRow>
              <HeaderCell>Secret</HeaderCell>
              <HeaderCell>Created</HeaderCell>
              <HeaderCell>Expires</HeaderCell>
              <HeaderCell>Last used</HeaderCell>
              {editable && <HeaderCell>Actions</HeaderCell>}
            </HeaderRow>
          </TableHead>
          <TableBody>
            {account.secrets.map((secret) => {
              const { text, tone } = expiry(secret, now);
              return (
                <Row key={secret.id} data-testid={`sa-secret-${secret.id}`}>
                  <Cell>
                    <code>{secret.maskedSecretValue ?? "—"}</code>
                  </Cell>
                  <Cell>{when(secret.createdAt)}</Cell>
                  <Cell>
                    <span
                      className={cx(toneStyle[tone])}
                      data-tone={tone}
                      data-testid={`sa-secret-expires-${secret.id}`}
                      data-expires-at={secret.expiresAt}
                    >
                      {when(secret.expiresAt)} ({text})
                    </span>
                  </Cell>
                  <Cell>{ago(secret.lastUsedAt, now)}</Cell>
                  {editable && (
                    <Cell>
                      <Button
                        size="xsmall"
                        variant="dangerOutline"
                        onClick={() => {
                          removal.clearError();
                          setDeleting(secret);
                        }}
                        data-testid={`sa-secret-delete-${secret.id}`}
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
      )}
      {editable && (
        <div>
          <Button
            onClick={() => {
              generation.clearError();
              setRotating(true);
            }}
            disabled={account.secrets.length >= 2}
            title={
              account.secrets.length >= 2
                ? "Atlas allows two secrets: delete one before generating another."
                : undefined
            }
            data-testid="sa-generate-secret"
          >
            Generate New Secret
          </Button>
        </div>
      )}
      {rotating && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setRotating(false);
          }}
          data-testid="sa-rotate-dialog"
        >
          <div className={stack}>
            <H3>Generate New Secret</H3>
            {account.secrets.length > 0 && (
              <Banner variant="warning" data-testid="sa-rotate-warning">
                Every other secret of this account will then expire within 7 days:
                <ul>
                  {account.secrets.map((secret) => (
                    <li key={secret.id}>
                      <code>{secret.maskedSecretValue ?? secret.id}</code> expires{" "}
                      {cutTo(secret).toLocaleString()} instead of {when(secret.expiresAt)}
                    </li>
                  ))}
                </ul>
                Give the new secret to the systems that use this account within that week, then
                delete the old one.
              </Banner>
            )}
            {inUse && (
              <Banner data-testid="sa-rotate-in-use">
                This connection signs in with this account. The new secret is tried at once and, if
                it works, this connection switches to it (kept in the keychain).
              </Banner>
            )}
            <LifetimeField choice={lifetime} testId="sa-rotate-lifetime" />
            <ErrorBanner error={generation.error} testId="sa-rotate-error" />
            <div className={buttons}>
              <Button onClick={() => setRotating(false)}>Cancel</Button>
              <Button
                variant="primary"
                disabled={generation.busy || lifetime.problem !== null}
                onClick={generate}
                data-testid="sa-rotate-confirm"
              >
                Generate
              </Button>
            </div>
          </div>
        </Modal>
      )}
      {rotation && (
        <OneTimeSecretDialog
          title="New Secret Generated"
          warning="This is the only time the client secret is shown. Copy it now and keep it somewhere safe: Atlas cannot show it again."
          identity={<ClientIdLine name={account.name} clientId={account.clientId} />}
          secretLabel="Client secret"
          secret={rotation.value}
          heldId={rotation.secret.id}
          copy={api.copyClientSecret}
          forget={api.forgetClientSecret}
          cli={{
            kind: "serviceAccount",
            identity: account.clientId,
            orgId,
            description: account.name,
          }}
          onClosed={() => setRotation(null)}
        >
          {switched === "done" && (
            <Body data-testid="sa-rotate-switched">
              This connection now signs in with the new secret; it is in the keychain.
            </Body>
          )}
          {switched && switched !== "done" && (
            <Banner variant="danger" data-testid="sa-rotate-switch-failed">
              This connection still signs in with the old secret
              {rotation.others[0]
                ? `, which stops working ${when(rotation.others[0].expiresAt)}`
                : ""}
              . Edit the connection under Connections and give it the new secret before then. (
              {switched.message})
            </Banner>
          )}
          {rotation.others.length > 0 && (
            <ul data-testid="rotation-others">
              {rotation.others.map((secret) => (
                <li key={secret.id}>
                  The secret <code>{secret.maskedSecretValue ?? secret.id}</code> now expires{" "}
                  {when(secret.expiresAt)}.
                </li>
              ))}
            </ul>
          )}
        </OneTimeSecretDialog>
      )}
      {deleting && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setDeleting(null);
          }}
          data-testid="sa-secret-delete-dialog"
        >
          <div className={stack}>
            <H3>Delete secret {deleting.maskedSecretValue ?? deleting.id}?</H3>
            <Body>
              Anything that signs in with this secret is refused from now on, tokens already made
              from it included. This cannot be undone.
            </Body>
            <ErrorBanner error={removal.error} testId="sa-secret-delete-error" />
            <div className={buttons}>
              <Button onClick={() => setDeleting(null)} data-testid="sa-secret-delete-cancel">
                Cancel
              </Button>
              <Button
                variant="danger"
                disabled={removal.busy}
                onClick={remove}
                data-testid="sa-secret-delete-confirm"
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
