import { useDeferredValue, useMemo, useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import { Option, Select } from "@leafygreen-ui/select";
import { Pagination } from "@leafygreen-ui/pagination";
import { Cell, HeaderCell, HeaderRow, Row, Table, TableBody, TableHead } from "@leafygreen-ui/table";
import TextInput from "@leafygreen-ui/text-input";
import { Body, H2 } from "@leafygreen-ui/typography";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Inventory } from "../bindings/Inventory";
import type { KeyInventory } from "../bindings/KeyInventory";
import { CreateKeyModal } from "../components/CreateKeyModal";
import { EmptyState } from "../components/EmptyState";
import { OneTimeKeyDialog } from "../components/OneTimeKeyDialog";
import { SessionGate } from "../components/SessionGate";
import { useRoleName, useSession } from "../session";
import { KeyDetails } from "./KeyDetails";

const PAGE_SIZES = [25, 50, 100];
const DEFAULT_PAGE_SIZE = 50;
const toolbar = css`
  display: flex;
  gap: 12px;
  align-items: flex-start;
  margin: 16px 0;
`;
const titleRow = css`
  display: flex;
  justify-content: space-between;
  align-items: center;
`;
const linkButton = css`
  background: none;
  border: none;
  padding: 0;
  color: inherit;
  font: inherit;
  font-weight: 600;
  text-align: left;
  cursor: pointer;
  &:hover,
  &:focus-visible {
    text-decoration: underline;
  }
`;

type SortColumn = "desc" | "publicKey" | "projects" | "accessList";

function orgRoles(item: KeyInventory, orgId: string): string[] {
  return item.key.roles.filter((r) => r.orgId === orgId).map((r) => r.roleName);
}

export function OrganizationAccessPage() {
  return (
    <>
      <H2>Organization Access Manager</H2>
      <SessionGate>{(orgId, inventory) => <ApiKeys orgId={orgId} inventory={inventory} />}</SessionGate>
    </>
  );
}

function ApiKeys({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  const { roles, refresh } = useSession();
  const roleName = useRoleName();
  const [filter, setFilter] = useState("");
  const deferredFilter = useDeferredValue(filter);
  const [roleFilter, setRoleFilter] = useState("");
  const [sort, setSort] = useState<{ column: SortColumn; ascending: boolean }>({
    column: "desc",
    ascending: true,
  });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedKeyView | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const rows = useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    const matching = inventory.keys.filter((item) => {
      if (roleFilter && !orgRoles(item, orgId).includes(roleFilter)) return false;
      if (!needle) return true;
      return (
        item.key.desc.toLowerCase().includes(needle) ||
        item.key.publicKey.includes(needle)
      );
    });
    const value = (item: KeyInventory): string | number => {
      switch (sort.column) {
        case "desc":
          return item.key.desc.toLowerCase();
        case "publicKey":
          return item.key.publicKey;
        case "projects":
          return item.projectRoles.length;
        case "accessList":
          return item.accessList.length;
      }
    };
    const direction = sort.ascending ? 1 : -1;
    return matching.sort((a, b) => {
      const left = value(a);
      const right = value(b);
      return left < right ? -direction : left > right ? direction : 0;
    });
  }, [inventory, deferredFilter, roleFilter, sort, orgId]);

  const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
  const currentPage = Math.min(page, pageCount);
  const visible = rows.slice((currentPage - 1) * pageSize, currentPage * pageSize);
  const selected = inventory.keys.find((item) => item.key.id === selectedId);
  const projectName = (id: string) => inventory.projects.find((p) => p.id === id)?.name ?? id;

  if (selected) {
    return (
      <KeyDetails
        key={selected.key.id}
        orgId={orgId}
        item={selected}
        projects={inventory.projects}
        onBack={() => setSelectedId(null)}
      />
    );
  }

  const header = (column: SortColumn, label: string) => (
    <HeaderCell>
      <button
        type="button"
        className={linkButton}
        onClick={() =>
          setSort((old) => ({
            column,
            ascending: old.column === column ? !old.ascending : true,
          }))
        }
        aria-sort={sort.column === column ? (sort.ascending ? "ascending" : "descending") : "none"}
        data-testid={`sort-${column}`}
      >
        {label}
        {sort.column === column && <Icon glyph={sort.ascending ? "SortAscending" : "SortDescending"} />}
      </button>
    </HeaderCell>
  );

  return (
    // data-filter: the filter the table shows now (the benchmark waits for it).
    <section data-testid="api-keys" data-filter={deferredFilter}>
      <div className={titleRow}>
        <Body>
          API Keys · <span data-testid="key-count">{inventory.keys.length}</span> keys
        </Body>
        <Button
          variant="primary"
          leftGlyph={<Icon glyph="Plus" />}
          onClick={() => setCreating(true)}
          data-testid="create-key"
        >
          Create API Key
        </Button>
      </div>
      <div className={toolbar}>
        <TextInput
          label="Filter"
          placeholder="Description or public key"
          type="search"
          value={filter}
          onChange={(event) => {
            setFilter(event.target.value);
            setPage(1);
          }}
          data-testid="key-filter"
        />
        <Select
          label="Role"
          value={roleFilter}
          onChange={(value) => {
            setRoleFilter(value);
            setPage(1);
          }}
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
        </Select>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No API keys match" testId="keys-empty">
          {inventory.keys.length === 0
            ? "This organization has no API keys yet. Create one with Create API Key."
            : "No key matches the filter. Clear it to see every key."}
        </EmptyState>
      ) : (
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
            {visible.map((item) => (
              <Row key={item.key.id} data-testid={`key-row-${item.key.publicKey}`}>
                <Cell>
                  <button
                    type="button"
                    className={linkButton}
                    onClick={() => setSelectedId(item.key.id)}
                    data-testid={`key-open-${item.key.publicKey}`}
                  >
                    {item.key.desc || "(no description)"}
                  </button>
                </Cell>
                <Cell>
                  <code>{item.key.publicKey}</code>
                </Cell>
                <Cell>
                  <code>{item.key.privateKey}</code>
                </Cell>
                <Cell>{orgRoles(item, orgId).map(roleName).join(", ")}</Cell>
                <Cell>
                  {item.projectRoles.length === 0
                    ? "—"
                    : item.projectRoles.map((p) => projectName(p.projectId)).join(", ")}
                </Cell>
                <Cell data-testid={`key-access-${item.key.publicKey}`}>
                  {item.accessListError
                    ? "unreadable"
                    : item.accessList.length === 0
                      ? "none"
                      : `${item.accessList.length} ${item.accessList.length === 1 ? "entry" : "entries"}`}
                </Cell>
              </Row>
            ))}
          </TableBody>
        </Table>
      )}
      {rows.length > 0 && (
        <Pagination
          currentPage={currentPage}
          itemsPerPage={pageSize}
          itemsPerPageOptions={PAGE_SIZES}
          onItemsPerPageOptionChange={(value) => {
            setPageSize(Number(value));
            setPage(1);
          }}
          numTotalItems={rows.length}
          onCurrentPageOptionChange={(value) => setPage(Number(value))}
          onBackArrowClick={() => setPage(Math.max(1, currentPage - 1))}
          onForwardArrowClick={() => setPage(Math.min(pageCount, currentPage + 1))}
          data-testid="keys-pagination"
        />
      )}
      {creating && (
        <CreateKeyModal
          orgId={orgId}
          projects={inventory.projects}
          onCancel={() => setCreating(false)}
          onCreated={(view) => {
            setCreating(false);
            setCreated(view);
            refresh();
          }}
        />
      )}
      {created && (
        <OneTimeKeyDialog
          created={created}
          projectName={projectName}
          onClosed={() => setCreated(null)}
        />
      )}
    </section>
  );
}
