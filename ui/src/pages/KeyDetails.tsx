import { useState } from "react";
import Button from "@leafygreen-ui/button";
import Card from "@leafygreen-ui/card";
import Icon from "@leafygreen-ui/icon";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H2, Subtitle } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { KeyInventory } from "../bindings/KeyInventory";
import type { Project } from "../bindings/Project";
import { AccessListEditor } from "../components/AccessListEditor";
import { DetailsTabs } from "../components/DetailsTabs";
import { ErrorBanner } from "../components/ErrorBanner";
import { RoleCheckboxes } from "../components/RoleCheckboxes";
import { TypedDeleteDialog } from "../components/TypedDeleteDialog";
import { useRoleName, useSession } from "../session";
import { StandingNotice, useManagesOrg } from "../standing";
import { useAction } from "../useAction";
import { buttons, stack } from "../layout";

/** One organization key: description and roles, access list, projects, delete. */
export function KeyDetails({
  orgId,
  item,
  projects,
  onBack,
  onRotate,
  onMove,
}: {
  orgId: string;
  item: KeyInventory;
  projects: Project[];
  onBack: () => void;
  /** Opens the rotation of this key. */
  onRotate: () => void;
  /** Opens the move of this key to a service account. */
  onMove: () => void;
}) {
  const { session, patchKey, removeKey } = useSession();
  const roleName = useRoleName();
  const managesOrg = useManagesOrg();
  const key = item.key;
  const currentRoles = key.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName);
  const [desc, setDesc] = useState(key.desc);
  const [roles, setRoles] = useState<string[]>(currentRoles);
  const saving = useAction();
  const deletion = useAction();
  const [deleting, setDeleting] = useState(false);
  const isKeyInUse = session?.keyInUseId === key.id;
  const projectName = (id: string) => projects.find((p) => p.id === id)?.name ?? id;
  const changed = desc !== key.desc || [...roles].sort().join() !== [...currentRoles].sort().join();

  const save = () =>
    saving.run(async () => {
      patchKey(await api.updateOrgKey(orgId, key.id, desc, roles));
    }, "API key updated");

  const remove = () =>
    deletion.run(async () => {
      await api.deleteOrgKey(orgId, key.id);
      setDeleting(false);
      onBack();
      removeKey(key.id);
    }, `API key ${key.publicKey} deleted`);

  return (
    <div className={stack} data-testid="key-details">
      <div>
        <Button leftGlyph={<Icon glyph="ArrowLeft" />} onClick={onBack} data-testid="details-back">
          API Keys
        </Button>
      </div>
      <StandingNotice testId="details-standing" />
      <H2 data-testid="details-title">{key.desc || key.publicKey}</H2>
      <Body>
        Public key <code data-testid="details-public-key">{key.publicKey}</code> · private key{" "}
        <code>{key.privateKey}</code>
        {isKeyInUse && " · the key this connection uses"}
      </Body>
      <DetailsTabs orgId={orgId} credential={key.publicKey} testId="details">
        {managesOrg ? (
          <Card className={stack}>
            <Subtitle>Edit Permissions</Subtitle>
            <TextInput
              label="Description"
              value={desc}
              onChange={(event) => setDesc(event.target.value)}
              data-testid="details-desc"
            />
            <RoleCheckboxes
              scope="organization"
              label="Organization Permissions"
              value={roles}
              onChange={setRoles}
              testId="details-roles"
            />
            <ErrorBanner error={saving.error} testId="details-error" />
            <div>
              <Button
                variant="primary"
                disabled={!changed || saving.busy}
                onClick={save}
                data-busy={saving.busy}
                data-testid="details-save"
              >
                Save Changes
              </Button>
            </div>
          </Card>
        ) : (
          <Card className={stack} data-testid="details-permissions">
            <Subtitle>Permissions</Subtitle>
            <Body>
              Description: <strong>{key.desc || "—"}</strong>
            </Body>
            <Body>Organization roles: {currentRoles.map(roleName).join(", ") || "none"}</Body>
          </Card>
        )}
        <Card>
          <AccessListEditor orgId={orgId} keyId={key.id} editable={managesOrg} />
        </Card>
        <Card className={stack}>
          <Subtitle>Projects</Subtitle>
          {item.projectRoles.length === 0 ? (
            <Body data-testid="details-no-projects">This key is in no project.</Body>
          ) : (
            <ul data-testid="details-projects">
              {item.projectRoles.map((project) => (
                <li key={project.projectId} data-testid={`details-project-${project.projectId}`}>
                  <strong>{projectName(project.projectId)}</strong>:{" "}
                  {project.roles.map(roleName).join(", ")}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {managesOrg && (
          <div className={buttons}>
            <Button
              leftGlyph={<Icon glyph="Refresh" />}
              onClick={onRotate}
              data-testid="details-rotate"
            >
              Rotate Key
            </Button>
            <Button onClick={onMove} data-testid="details-move">
              Move to Service Account
            </Button>
            <Button variant="danger" onClick={() => setDeleting(true)} data-testid="details-delete">
              Delete API Key
            </Button>
          </div>
        )}
        {deleting && (
          <TypedDeleteDialog
            title={`Delete API Key ${key.publicKey}?`}
            label="Description or public key"
            accepts={(typed) => typed === key.desc.trim() || typed === key.publicKey}
            deletion={deletion}
            onDelete={remove}
            onCancel={() => setDeleting(false)}
            testId="delete"
          >
            The key <strong>{key.desc}</strong> stops working at once and leaves every project it is
            in. This cannot be undone. Type its description or its public key to confirm.
          </TypedDeleteDialog>
        )}
      </DetailsTabs>
    </div>
  );
}
