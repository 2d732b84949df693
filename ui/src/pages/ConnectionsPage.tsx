import { useState } from "react";
import Badge from "@leafygreen-ui/badge";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import Modal from "@leafygreen-ui/modal";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../components/LabelledSelect";
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
import { useToast } from "@leafygreen-ui/toast";
import { Body, H2, H3 } from "@leafygreen-ui/typography";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as api from "../api";
import { profilesQuery } from "../queries";
import type { CommandError } from "../bindings/CommandError";
import type { ConnectionKind } from "../bindings/ConnectionKind";
import type { ConnectionReport } from "../bindings/ConnectionReport";
import type { ProfileView } from "../bindings/ProfileView";
import { ErrorBanner } from "../components/ErrorBanner";
import { useSession } from "../session";
import { stack, buttons } from "../layout";

const titleRow = css`
  display: flex;
  justify-content: space-between;
  align-items: center;
  margin-bottom: 16px;
`;

type TestResult = { ok: true; report: ConnectionReport } | { ok: false; error: CommandError };

export function ConnectionsPage() {
  const { session, connect, connecting, connectError, closedReason } = useSession();
  const { pushToast } = useToast();
  const queryClient = useQueryClient();
  const profiles = useQuery(profilesQuery());
  const list = profiles.data ?? null;
  const [error, setError] = useState<CommandError | null>(null);
  const [editing, setEditing] = useState<ProfileView | "new" | null>(null);
  const [tests, setTests] = useState<Record<string, TestResult | "running">>({});
  const [deleting, setDeleting] = useState<ProfileView | null>(null);

  // After a save, a delete or an import: the list as Rust has it now.
  const reload = () => queryClient.invalidateQueries({ queryKey: profilesQuery().queryKey });
  const readError = profiles.error ? api.asCommandError(profiles.error) : null;

  const test = async (id: string) => {
    setTests((old) => ({ ...old, [id]: "running" }));
    try {
      const report = await api.testConnection(id);
      setTests((old) => ({ ...old, [id]: { ok: true, report } }));
    } catch (err) {
      setTests((old) => ({ ...old, [id]: { ok: false, error: api.asCommandError(err) } }));
    }
  };

  const importCli = async () => {
    setError(null);
    try {
      const imported = await api.importAtlasCli();
      const withoutKey = imported.filter((item) => !item.privateKeyStored).length;
      pushToast({
        variant: "success",
        title: `${imported.length} connection${imported.length === 1 ? "" : "s"} imported from the Atlas CLI`,
        description:
          withoutKey > 0
            ? `${withoutKey} had no private key or client secret, in the file or in the Atlas CLI's keychain entries: edit them to enter it.`
            : "Private keys and client secrets went to the OS keychain.",
      });
      await reload();
    } catch (err) {
      setError(api.asCommandError(err));
    }
  };

  const remove = async (profile: ProfileView) => {
    try {
      await api.deleteProfile(profile.profile.id);
      pushToast({ variant: "success", title: `Connection ${profile.profile.name} deleted` });
      setDeleting(null);
      await reload();
    } catch (err) {
      setError(api.asCommandError(err));
      setDeleting(null);
    }
  };

  return (
    <section>
      <div className={titleRow}>
        <H2>Connections</H2>
        <div className={buttons}>
          <Button onClick={importCli} data-testid="import-atlas-cli">
            Import from Atlas CLI
          </Button>
          <Button
            variant="primary"
            leftGlyph={<Icon glyph="Plus" />}
            onClick={() => setEditing("new")}
            data-testid="add-connection"
          >
            Add Connection
          </Button>
        </div>
      </div>
      {list?.problem && <Banner variant="warning">{list.problem}</Banner>}
      {closedReason && !session && (
        <Banner variant="warning" data-testid="session-closed">
          {closedReason} Choose a connection to open.
        </Banner>
      )}
      <ErrorBanner error={error ?? readError} testId="connections-error" />
      <ErrorBanner error={connectError} testId="connections-connect-error" />
      {list && (
        <Table data-testid="connections-table">
          <TableHead>
            <HeaderRow>
              <HeaderCell>Name</HeaderCell>
              <HeaderCell>Base URL</HeaderCell>
              <HeaderCell>Public Key or Client ID</HeaderCell>
              <HeaderCell>Private Key or Secret</HeaderCell>
              <HeaderCell>Actions</HeaderCell>
            </HeaderRow>
          </TableHead>
          <TableBody>
            {list.profiles.map((item) => {
              const id = item.profile.id;
              const result = tests[id];
              const active = session?.profile.id === id;
              return (
                <Row key={id} data-testid={`connection-${id}`}>
                  <Cell>
                    <strong data-testid={`connection-name-${id}`}>{item.profile.name}</strong>{" "}
                    {active && <Badge variant="green">Connected</Badge>}
                    {result === "running" && <Body>Testing…</Body>}
                    {result && result !== "running" && result.ok && (
                      <Body data-testid={`connection-test-ok-${id}`}>
                        Works: {item.profile.kind === "serviceAccount" ? "service account" : "key"}{" "}
                        {result.report.publicKey} sees{" "}
                        {result.report.orgs.map((org) => org.name).join(", ") || "no organization"}.
                      </Body>
                    )}
                    {result && result !== "running" && !result.ok && (
                      <ErrorBanner error={result.error} testId={`connection-test-error-${id}`} />
                    )}
                  </Cell>
                  <Cell>
                    <code data-testid={`connection-url-${id}`}>{item.profile.baseUrl}</code>
                  </Cell>
                  <Cell>
                    <code data-testid={`connection-public-key-${id}`}>
                      {item.profile.publicKey}
                    </code>{" "}
                    {item.profile.kind === "serviceAccount" && (
                      <Badge data-testid={`connection-kind-${id}`}>service account</Badge>
                    )}
                  </Cell>
                  <Cell>
                    {item.builtIn
                      ? "built in"
                      : item.privateKeyStored
                        ? "stored in the keychain"
                        : "missing: edit to enter it"}
                  </Cell>
                  <Cell>
                    <div className={buttons}>
                      <Button
                        size="xsmall"
                        variant="primary"
                        disabled={connecting}
                        onClick={() => connect(id)}
                        data-testid={`connection-connect-${id}`}
                      >
                        Connect
                      </Button>
                      <Button
                        size="xsmall"
                        onClick={() => test(id)}
                        data-testid={`connection-test-${id}`}
                      >
                        Test
                      </Button>
                      {!item.builtIn && (
                        <>
                          <Button
                            size="xsmall"
                            onClick={() => setEditing(item)}
                            data-testid={`connection-edit-${id}`}
                          >
                            Edit
                          </Button>
                          <Button
                            size="xsmall"
                            variant="dangerOutline"
                            onClick={() => setDeleting(item)}
                            data-testid={`connection-delete-${id}`}
                          >
                            Delete
                          </Button>
                        </>
                      )}
                    </div>
                  </Cell>
                </Row>
              );
            })}
          </TableBody>
        </Table>
      )}
      {editing && (
        <ConnectionForm
          existing={editing === "new" ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={async (saved) => {
            setEditing(null);
            pushToast({
              variant: "success",
              title: `Connection ${saved.profile.name} saved`,
              description: "The private key is stored in the keychain.",
            });
            await reload();
            await test(saved.profile.id);
          }}
        />
      )}
      {deleting && (
        <Modal
          open
          setOpen={(open) => {
            if (!open) setDeleting(null);
          }}
          data-testid="connection-delete-dialog"
        >
          <div className={stack}>
            <H3>Delete the connection {deleting.profile.name}?</H3>
            <Body>
              Its private key is removed from the keychain too. The API key itself stays in Atlas.
            </Body>
            <div className={buttons}>
              <Button onClick={() => setDeleting(null)}>Cancel</Button>
              <Button
                variant="danger"
                onClick={() => remove(deleting)}
                data-testid="connection-delete-confirm"
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

function ConnectionForm({
  existing,
  onCancel,
  onSaved,
}: {
  existing: ProfileView | null;
  onCancel: () => void;
  onSaved: (saved: ProfileView) => void;
}) {
  const [name, setName] = useState(existing?.profile.name ?? "");
  const [baseUrl, setBaseUrl] = useState(existing?.profile.baseUrl ?? "https://cloud.mongodb.com");
  const [kind, setKind] = useState<ConnectionKind>(existing?.profile.kind ?? "apiKey");
  const [publicKey, setPublicKey] = useState(existing?.profile.publicKey ?? "");
  const isAccount = kind === "serviceAccount";
  const [privateKey, setPrivateKey] = useState("");
  const [defaultOrgId, setDefaultOrgId] = useState(existing?.profile.defaultOrgId ?? "");
  const [error, setError] = useState<CommandError | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await api.saveProfile({
        id: existing?.profile.id,
        name,
        baseUrl,
        kind,
        publicKey,
        defaultOrgId: defaultOrgId || undefined,
        privateKey: privateKey || undefined,
      });
      // The field is write-only: nothing of the key stays on the page.
      setPrivateKey("");
      onSaved(saved);
    } catch (err) {
      setError(api.asCommandError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      setOpen={(open) => {
        if (!open) onCancel();
      }}
      data-testid="connection-form"
    >
      <div className={stack}>
        <H3>{existing ? `Edit ${existing.profile.name}` : "Add Connection"}</H3>
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="connection-form-name"
        />
        <TextInput
          label="Base URL"
          description="https://cloud.mongodb.com for Atlas; another URL for Atlas for Government or Ops Manager."
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          data-testid="connection-form-url"
        />
        <LabelledSelect
          label="Kind"
          description="An API key (public and private key), or a service account (client ID and secret, OAuth)."
          value={kind}
          onChange={(value) => setKind(value as ConnectionKind)}
          allowDeselect={false}
          data-testid="connection-form-kind"
        >
          <Option value="apiKey" data-testid="connection-form-kind-api-key">
            API key
          </Option>
          <Option value="serviceAccount" data-testid="connection-form-kind-service-account">
            Service account
          </Option>
        </LabelledSelect>
        <TextInput
          label={isAccount ? "Client ID" : "Public key"}
          placeholder={isAccount ? "mdb_sa_id_…" : ""}
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          spellCheck={false}
          data-testid="connection-form-public-key"
        />
        <TextInput
          label={isAccount ? "Client secret" : "Private key"}
          type="password"
          autoComplete="off"
          description={
            existing?.privateKeyStored
              ? "Stored in the keychain. Leave empty to keep it, or enter a new one."
              : "Kept in the OS keychain only, never in a file."
          }
          placeholder={existing?.privateKeyStored ? "stored in the keychain" : ""}
          value={privateKey}
          onChange={(e) => setPrivateKey(e.target.value)}
          data-testid="connection-form-private-key"
        />
        <TextInput
          label="Default organization ID (optional)"
          value={defaultOrgId}
          onChange={(e) => setDefaultOrgId(e.target.value)}
          data-testid="connection-form-org"
        />
        <ErrorBanner error={error} testId="connection-form-error" />
        <div className={buttons}>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy}
            onClick={save}
            data-testid="connection-form-save"
          >
            Save
          </Button>
        </div>
      </div>
    </Modal>
  );
}
