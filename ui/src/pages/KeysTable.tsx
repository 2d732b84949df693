// The API keys' table and what sits around it on Organization Access.
import { memo, useMemo } from "react";
import Button from "@leafygreen-ui/button";
import Icon from "@leafygreen-ui/icon";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "../components/LabelledSelect";
import { HeaderCell, HeaderRow, Row, Table, TableBody, TableHead } from "@leafygreen-ui/table";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { Body } from "@leafygreen-ui/typography";
import { css } from "@leafygreen-ui/emotion";
import type { KeyInventory } from "../bindings/KeyInventory";
import type { Project } from "../bindings/Project";
import { LightCell } from "../components/LightCell";
import { SortHeader, linkButton, type Sort as SortState } from "../components/TableParts";
import { useInventoryProgress, useRoleName, useRoles } from "../session";

const titleRow = css`
  display: flex;
  justify-content: space-between;
  align-items: center;
`;
const titleButtons = css`
  display: flex;
  gap: 8px;
`;

export type SortColumn = "desc" | "publicKey" | "projects" | "accessList";
type Sort = SortState<SortColumn>;

/** The key's roles in this organization. */
export function orgRoles(item: KeyInventory, orgId: string): string[] {
  return item.key.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName);
}

/** The count of keys and Create API Key; memoized, as a keystroke in the filter leaves it be. */
export const TitleRow = memo(function TitleRow({
  count,
  onCreate,
  onRefresh,
}: {
  count: number;
  /** Absent when the connection may not create keys. */
  onCreate?: () => void;
  onRefresh: () => void;
}) {
  return (
    <div className={titleRow}>
      <Body>
        API Keys · <span data-testid="key-count">{count}</span> keys
      </Body>
      <div className={titleButtons}>
        <Button leftGlyph={<Icon glyph="Refresh" />} onClick={onRefresh} data-testid="refresh-keys">
          Refresh
        </Button>
        {onCreate && (
          <Button
            variant="primary"
            leftGlyph={<Icon glyph="Plus" />}
            onClick={onCreate}
            data-testid="create-key"
          >
            Create API Key
          </Button>
        )}
      </div>
    </div>
  );
});

/** The API keys table: one page of rows; re-rendered only when they change. */
export const KeysTable = memo(function KeysTable({
  rows,
  orgId,
  projects,
  accessListsLoading,
  unreadableText,
  sort,
  onSort,
  onOpen,
}: {
  rows: KeyInventory[];
  orgId: string;
  projects: Project[];
  accessListsLoading: boolean;
  unreadableText: string;
  sort: Sort;
  onSort: (update: (old: Sort) => Sort) => void;
  onOpen: (keyId: string) => void;
}) {
  const projectNames = useMemo(() => new Map(projects.map((p) => [p.id, p.name])), [projects]);
  const header = (column: SortColumn, label: string) => (
    <SortHeader column={column} label={label} sort={sort} onSort={onSort} testIdPrefix="sort" />
  );
  return (
    <Table data-testid="keys-table">
      <TableHead>
        <HeaderRow>
          {header("desc", "Description")}
          {header("publicKey", "Public Key")}
          <HeaderCell>Private Key</HeaderCell>
          <HeaderCell>Organization Roles</HeaderCell>
          {header("projects", "Projects")}
          {header("accessList", "Access List")}
        </HeaderRow>
      </TableHead>
      <TableBody>
        {rows.map((item) => (
          <KeyRow
            key={item.key.id}
            item={item}
            orgId={orgId}
            projectNames={projectNames}
            accessListsLoading={accessListsLoading}
            unreadableText={unreadableText}
            onOpen={onOpen}
          />
        ))}
      </TableBody>
    </Table>
  );
});

/** One key's row; a row whose key did not change is not rendered again. */
export const KeyRow = memo(function KeyRow({
  item,
  orgId,
  projectNames,
  accessListsLoading,
  unreadableText,
  onOpen,
}: {
  item: KeyInventory;
  orgId: string;
  projectNames: Map<string, string>;
  accessListsLoading: boolean;
  /** What an access list that could not be read says. */
  unreadableText: string;
  onOpen: (keyId: string) => void;
}) {
  const roleName = useRoleName();
  return (
    <Row data-testid={`key-row-${item.key.publicKey}`}>
      <LightCell>
        <button
          type="button"
          className={linkButton}
          onClick={() => onOpen(item.key.id)}
          data-testid={`key-open-${item.key.publicKey}`}
        >
          {item.key.desc || "(no description)"}
        </button>
      </LightCell>
      <LightCell>
        <code>{item.key.publicKey}</code>
      </LightCell>
      <LightCell>
        <code>{item.key.privateKey}</code>
      </LightCell>
      <LightCell>{orgRoles(item, orgId).map(roleName).join(", ")}</LightCell>
      <LightCell>
        {item.projectRoles.length === 0
          ? "—"
          : item.projectRoles.map((p) => projectNames.get(p.projectId) ?? p.projectId).join(", ")}
      </LightCell>
      <LightCell testId={`key-access-${item.key.publicKey}`}>
        {accessListsLoading
          ? "…"
          : item.accessListError
            ? unreadableText
            : item.accessList.length === 0
              ? "none"
              : `${item.accessList.length} ${item.accessList.length === 1 ? "entry" : "entries"}`}
      </LightCell>
    </Row>
  );
});

/** How far the access lists are read: the one reader of each progress tick. */
export function AccessListsProgress() {
  const progress = useInventoryProgress();
  if (!progress || progress.total <= 2) return null;
  return (
    <ProgressBar
      label="Reading access lists"
      value={progress.done}
      maxValue={progress.total}
      formatValue="fraction"
      size="small"
      data-testid="access-lists-progress"
    />
  );
}

/** The role filter; memoized, as a keystroke in the text filter leaves it be. */
export const RoleFilter = memo(function RoleFilter({
  value,
  onChange,
}: {
  value: string;
  onChange: (role: string) => void;
}) {
  const roles = useRoles();
  return (
    <LabelledSelect
      label="Role"
      value={value}
      onChange={onChange}
      allowDeselect={false}
      data-testid="role-filter"
    >
      <Option value="">All roles</Option>
      {roles
        .filter((role) => role.scope === "organization")
        .map((role) => (
          <Option key={role.name} value={role.name}>
            {role.displayName}
          </Option>
        ))}
    </LabelledSelect>
  );
});
