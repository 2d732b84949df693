import { useState } from "react";
import Banner from "@leafygreen-ui/banner";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import Icon from "@leafygreen-ui/icon";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H2, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { Project } from "../bindings/Project";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import { when } from "../components/AccessListParts";
import { SERVICE_ACCOUNT_DESCRIPTION_MAX, SERVICE_ACCOUNT_NAME_MAX } from "../bindings/constants";
import { accountTextProblem } from "../components/CreateServiceAccountModal";
import { ErrorBanner } from "../components/ErrorBanner";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { TypedDeleteDialog } from "../components/TypedDeleteDialog";
import { DetailsTabs } from "../components/DetailsTabs";
import { useRoleName, useSession } from "../session";
import { StandingNotice, useManagesOrg } from "../standing";
import { type ServiceAccountsState } from "../serviceAccounts";
import { ServiceAccountAccessList } from "../components/ServiceAccountAccessList";
import { Secrets } from "./ServiceAccountSecrets";
import { useAction } from "../useAction";
import { denseStack, stack } from "../layout";

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
