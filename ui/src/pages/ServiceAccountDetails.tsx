import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import { cx } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
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
import TextInput from "@leafygreen-ui/text-input";
import { Body, H2, H3, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CommandError } from "../bindings/CommandError";
import type { LockoutCheck } from "../bindings/LockoutCheck";
import type { Project } from "../bindings/Project";
import type { RotationView } from "../bindings/RotationView";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import type { ServiceAccountSecret } from "../bindings/ServiceAccountSecret";
import { AddEntriesForm, EntriesTable, useEntryAdder, when } from "../components/AccessListParts";
import { SERVICE_ACCOUNT_DESCRIPTION_MAX, SERVICE_ACCOUNT_NAME_MAX } from "../bindings/constants";
import { accountTextProblem } from "../components/CreateServiceAccountModal";
import { EntryRemovalDialog } from "../components/EntryRemovalDialog";
import { ErrorBanner } from "../components/ErrorBanner";
import { OneTimeSecretDialog } from "../components/OneTimeKeyDialog";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { TypedDeleteDialog } from "../components/TypedDeleteDialog";
import { DetailsTabs } from "../components/DetailsTabs";
import { ClientIdLine, toneStyle } from "../components/ServiceAccountParts";
import { LifetimeField, useLifetimeChoice } from "../components/SecretLifetime";
import { useRoleName, useSession } from "../session";
import { StandingNotice, useManagesOrg } from "../standing";
import { ago, expiry, useNow, type ServiceAccountsState } from "../serviceAccounts";
import { useAction } from "../useAction";
import { buttons, denseStack, stack } from "../layout";

/** One service account: name, description and roles, secrets, access list, projects, delete. */
export function ServiceAccountDetails({
  orgId,
  item,
  projects,
  state,
  onBack,
}: {
  orgId: string;
  item: ServiceAccountInventory;
  projects: Project[];
  state: ServiceAccountsState;
  onBack: () => void;
}) {
  const { session } = useSession();
  const roleName = useRoleName();
  const account = item.account;
  const [name, setName] = useState(account.name);
  const [description, setDescription] = useState(account.description);
  const [roles, setRoles] = useState<string[]>(account.roles);
  const saving = useAction();
  const deletion = useAction();
  const [deleting, setDeleting] = useState(false);
  const inUse = session?.keyInUseId === account.clientId;
  // Atlas manages its own accounts: this app only reads them.
  const managesOrg = useManagesOrg() && !account.systemManaged;
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;
  const changed =
    name !== account.name ||
    description !== account.description ||
    [...roles].sort().join() !== [...account.roles].sort().join();
  const problem =
    accountTextProblem(name, "name", SERVICE_ACCOUNT_NAME_MAX) ??
    accountTextProblem(description, "description", SERVICE_ACCOUNT_DESCRIPTION_MAX);

  const save = () =>
    saving.run(async () => {
      state.patchAccount(
        await api.updateServiceAccount(orgId, account.clientId, name, description, roles),
      );
    }, "Service account updated");

  const remove = () =>
    deletion.run(async () => {
      await api.deleteServiceAccount(orgId, account.clientId);
      setDeleting(false);
      onBack();
      state.removeAccount(account.clientId);
    }, `Service account ${account.name} deleted`);

  return (
    <div className={stack} data-testid="sa-details">
      <div>
        <Button
          leftGlyph={<Icon glyph="ArrowLeft" />}
          onClick={onBack}
          data-testid="sa-details-back"
        >
          Service Accounts
        </Button>
      </div>
      <StandingNotice testId="sa-details-standing" />
      {account.systemManaged && (
        <Banner variant="info" data-testid="sa-details-managed">
          Managed by Atlas: Atlas made this service account for an integration (such as MCP) and
          manages it. This app shows it and does not change it.
        </Banner>
      )}
      <H2 data-testid="sa-details-title">{account.name}</H2>
      <Body>
        Client ID <code data-testid="sa-details-client-id">{account.clientId}</code>
        {account.createdAt && ` · created ${when(account.createdAt)}`}
        {inUse && " · the service account this connection uses"}
      </Body>
      <DetailsTabs orgId={orgId} credential={account.clientId} testId="sa-details">
        {managesOrg ? (
          <Card className={denseStack}>
            <Subtitle>Edit Service Account</Subtitle>
            <TextInput
              label="Name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              data-testid="sa-details-name"
            />
            <TextInput
              label="Description"
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              data-testid="sa-details-description"
            />
            <RoleCheckboxes
              scope="organization"
              label="Organization Permissions"
              value={roles}
              onChange={setRoles}
              testId="sa-details-roles"
            />
            <ErrorBanner error={saving.error} testId="sa-details-error" />
            <div>
              <Button
                variant="primary"
                disabled={!changed || Boolean(problem) || roles.length === 0 || saving.busy}
                title={problem ?? undefined}
                onClick={save}
                data-testid="sa-details-save"
              >
                Save Changes
              </Button>
            </div>
          </Card>
        ) : (
          <Card className={denseStack} data-testid="sa-details-permissions">
            <Subtitle>Service Account</Subtitle>
            <Body>{account.description}</Body>
            <Body>Organization roles: {account.roles.map(roleName).join(", ") || "none"}</Body>
          </Card>
        )}
        <Card>
          <Secrets orgId={orgId} item={item} state={state} editable={managesOrg} />
        </Card>
        <Card>
          {state.partsLoading ? (
            <Body data-testid="sa-access-reading">Reading the access list…</Body>
          ) : (
            <ServiceAccountAccessList
              orgId={orgId}
              item={item}
              state={state}
              editable={managesOrg}
            />
          )}
        </Card>
        <Card className={denseStack}>
          <Subtitle>Projects</Subtitle>
          {state.partsLoading ? (
            <Body>Reading the projects…</Body>
          ) : item.projects.length === 0 ? (
            <Body data-testid="sa-details-no-projects">This service account is in no project.</Body>
          ) : (
            <ul data-testid="sa-details-projects">
              {item.projects.map((project) => (
                <li key={project.groupId} data-testid={`sa-details-project-${project.groupId}`}>
                  <strong>{projectName(project.groupId)}</strong>:{" "}
                  {project.roles.map(roleName).join(", ")}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {managesOrg && (
          <div>
            <Button
              variant="danger"
              onClick={() => setDeleting(true)}
              data-testid="sa-details-delete"
            >
              Delete Service Account
            </Button>
          </div>
        )}
        {deleting && (
          <TypedDeleteDialog
            title={`Delete Service Account ${account.name}?`}
            label="Name"
            accepts={(typed) => typed === account.name.trim()}
            deletion={deletion}
            onDelete={remove}
            onCancel={() => setDeleting(false)}
            testId="sa-delete"
          >
            Every secret of <strong>{account.name}</strong> stops working at once, and it leaves
            every project it is in. This cannot be undone. Type its name to confirm.
          </TypedDeleteDialog>
        )}
      </DetailsTabs>
    </div>
  );
}

/** The account's secrets: each with its use and expiry; generate a new one, delete one. */
function Secrets({
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

/** The account's access list: entries with their use, add (typed, pasted, current IP), delete. */
export function ServiceAccountAccessList({
  orgId,
  projectId,
  item,
  state,
  editable,
}: {
  orgId: string;
  /** Changes go through this project (a Project Owner's way), else through the organization. */
  projectId?: string;
  item: ServiceAccountInventory;
  /** Told the whole list after each change. */
  state: {
    patchAccessList: (clientId: string, entries: ServiceAccountInventory["accessList"]) => void;
  };
  /** False when the connection may read the list but not change it. */
  editable: boolean;
}) {
  const clientId = item.account.clientId;
  const entries = item.accessList;
  const [removing, setRemoving] = useState<{ entry: string; check: LockoutCheck | null } | null>(
    null,
  );
  const [checkError, setCheckError] = useState<CommandError | null>(null);
  const removal = useAction();
  const adder = useEntryAdder(entries, async (text) => {
    const report = await api.addServiceAccountEntries(orgId, clientId, text, projectId);
    state.patchAccessList(clientId, report.entries);
    return report;
  });

  const askRemove = async (entry: string) => {
    removal.clearError();
    setCheckError(null);
    setRemoving({ entry, check: null });
    try {
      const check = await api.checkServiceAccountEntryRemoval(orgId, clientId, entry, projectId);
      setRemoving({ entry, check });
    } catch (err) {
      setCheckError(api.asCommandError(err));
    }
  };

  const remove = (acknowledged: boolean) => {
    if (!removing) return;
    const entry = removing.entry;
    return removal.run(async () => {
      state.patchAccessList(
        clientId,
        await api.deleteServiceAccountEntry(orgId, clientId, entry, acknowledged, projectId),
      );
      setRemoving(null);
    }, `${entry} removed from the access list`);
  };

  return (
    <section className={denseStack} data-testid="sa-access-list">
      <Subtitle>API Access List</Subtitle>
      <ErrorBanner error={adder.ipError ?? adder.adding.error} testId="sa-access-error" />
      {item.error && <Banner variant="warning">{item.error}</Banner>}
      {entries.length === 0 ? (
        <Banner variant="info" data-testid="sa-access-empty">
          This service account has no access list: its tokens work from any address, unless the
          organization requires an access list.
        </Banner>
      ) : (
        <EntriesTable
          rows={entries.map((entry) => ({
            ...entry,
            created: entry.createdAt,
            lastUsed: entry.lastUsedAt,
            count: entry.requestCount,
          }))}
          countLabel="Requests"
          onDelete={editable ? (name) => void askRemove(name) : undefined}
          testId="sa-access"
        />
      )}
      {editable && <AddEntriesForm adder={adder} testId="sa-access" />}
      {removing && (
        <EntryRemovalDialog
          key={removing.entry}
          entry={removing.entry}
          check={removing.check}
          refusedText={`Tokens of this service account used from ${removing.entry} will be refused.`}
          error={checkError ?? removal.error}
          busy={removal.busy}
          onCancel={() => setRemoving(null)}
          onConfirm={remove}
          testId="sa-access"
        />
      )}
    </section>
  );
}
