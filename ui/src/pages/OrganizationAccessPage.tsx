import { useCallback, useMemo, useState } from "react";
import { css } from "@leafygreen-ui/emotion";
import TextInput from "@leafygreen-ui/text-input";
import { Tab, Tabs } from "@leafygreen-ui/tabs";
import { Description, H2 } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CreatedKeyView } from "../bindings/CreatedKeyView";
import type { Inventory } from "../bindings/Inventory";
import type { KeyInventory } from "../bindings/KeyInventory";
import { CreateKeyModal } from "../components/CreateKeyModal";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { OneTimeKeyDialog, keySetupRepair } from "../components/OneTimeKeyDialog";
import { SessionGate } from "../components/SessionGate";
import { TablePagination, useSamePage } from "../components/TableParts";
import { useSession } from "../session";
import { KeyDetails } from "./KeyDetails";
import { RotateKey } from "./RotateKey";
import { ExportButtons } from "../components/ExportButtons";
import { useNavigation } from "../navigate";
import { ServiceAccountsTab } from "./ServiceAccountsTab";
import {
  AccessListsProgress,
  KeysTable,
  RoleFilter,
  TitleRow,
  orgRoles,
  type SortColumn,
} from "./KeysTable";
import { StandingNotice, unreadableListText, useStanding } from "../standing";

const tabs = css`
  margin-top: 8px;
`;
const DEFAULT_PAGE_SIZE = 25;
const toolbar = css`
  display: flex;
  gap: 12px;
  align-items: flex-start;
  margin: 16px 0;
`;
// Wide enough for its placeholder.
const filterInput = css`
  flex: 0 0 320px;
`;

const exportRow = css`
  display: flex;
  gap: 16px;
  align-items: center;
  justify-content: space-between;
  margin-bottom: 8px;
`;

export function OrganizationAccessPage() {
  return (
    <>
      <H2>Organization Access Manager</H2>
      <SessionGate>
        {(orgId, inventory) => <Applications orgId={orgId} inventory={inventory} />}
      </SessionGate>
    </>
  );
}

/** Applications, as in Atlas: API keys and service accounts, a tab each. */
function Applications({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  // 0: API Keys, 1: Service Accounts.
  const { destination } = useNavigation();
  const [tab, setTab] = useState(destination?.clientId ? 1 : 0);
  const { accessListsLoading } = useSession();
  const readsAccounts = useStanding()?.readsServiceAccounts === true;
  return (
    // data-access-lists: whether the keys' access lists are read, whichever tab shows.
    <div data-testid="applications" data-access-lists={accessListsLoading ? "loading" : "loaded"}>
      <div className={exportRow}>
        {readsAccounts ? (
          <>
            <Description>
              Export the keys and service accounts with their roles, projects and access lists (and
              each entry&apos;s last use), read from Atlas now. Never a secret.
            </Description>
            <ExportButtons
              what="credentials"
              run={(format, onProgress) => api.exportInventory(orgId, format, onProgress)}
              testId="export-inventory"
            />
          </>
        ) : (
          <Description data-testid="export-needs-role">
            The export holds the service accounts too: it needs Organization Read Only or
            Organization Owner.
          </Description>
        )}
      </div>
      <Tabs
        aria-label="Applications"
        value={tab}
        onValueChange={(value) =>
          setTab(typeof value === "number" ? value : value === "Service Accounts" ? 1 : 0)
        }
        className={tabs}
      >
        <Tab name={<span data-testid="tab-api-keys">API Keys</span>}>
          <ApiKeys orgId={orgId} inventory={inventory} />
        </Tab>
        <Tab name={<span data-testid="tab-service-accounts">Service Accounts</span>}>
          <ServiceAccountsTab orgId={orgId} projects={inventory.projects} />
        </Tab>
      </Tabs>
    </div>
  );
}

function ApiKeys({ orgId, inventory }: { orgId: string; inventory: Inventory }) {
  const { refresh, patchKey, patchAccessList, removeKey, accessListsLoading, inventoryError } =
    useSession();
  const [filter, setFilter] = useState("");
  const [roleFilter, setRoleFilter] = useState("");
  const [sort, setSort] = useState<{ column: SortColumn; ascending: boolean }>({
    column: "desc",
    ascending: true,
  });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const chooseRole = useCallback((role: string) => {
    setRoleFilter(role);
    setPage(1);
  }, []);
  const choosePageSize = useCallback((size: number) => {
    setPageSize(size);
    setPage(1);
  }, []);
  const [creating, setCreating] = useState(false);
  const startCreating = useCallback(() => setCreating(true), []);
  const standing = useStanding();
  const managesOrg = standing?.managesOrg === true;
  const [created, setCreated] = useState<{ view: CreatedKeyView; accessText: string } | null>(null);
  const { destination } = useNavigation();
  const [selectedId, setSelectedId] = useState<string | null>(destination?.keyId ?? null);
  // A key being rotated, or moved to a service account.
  const [replacing, setReplacing] = useState<{
    keyId: string;
    into: "key" | "serviceAccount";
  } | null>(
    destination?.rotate && destination.keyId ? { keyId: destination.keyId, into: "key" } : null,
  );
  const { go } = useNavigation();

  // Sorted once per inventory and order; a keystroke only filters, in order.
  const sorted = useMemo(() => {
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
    return inventory.keys
      .map((item) => ({
        item,
        sortValue: value(item),
        searchText: `${item.key.desc.toLowerCase()}\u0000${item.key.publicKey}`,
      }))
      .sort((a, b) =>
        a.sortValue < b.sortValue ? -direction : a.sortValue > b.sortValue ? direction : 0,
      );
  }, [inventory, sort]);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return sorted
      .filter(
        ({ item, searchText }) =>
          (!roleFilter || orgRoles(item, orgId).includes(roleFilter)) &&
          (!needle || searchText.includes(needle)),
      )
      .map(({ item }) => item);
  }, [sorted, filter, roleFilter, orgId]);

  const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
  const currentPage = Math.min(page, pageCount);
  // The same array while the page shows the same keys, so a keystroke that
  // leaves the page as it was does not render the table again.
  const visible = useSamePage(rows.slice((currentPage - 1) * pageSize, currentPage * pageSize));
  const selected = inventory.keys.find((item) => item.key.id === selectedId);
  const projectName = useCallback(
    (id: string) => inventory.projects.find((p) => p.id === id)?.name ?? id,
    [inventory.projects],
  );

  const replaced = inventory.keys.find((item) => item.key.id === replacing?.keyId);
  if (replacing && replaced) {
    return (
      <RotateKey
        key={`${replaced.key.id}-${replacing.into}`}
        orgId={orgId}
        item={replaced}
        projects={inventory.projects}
        into={replacing.into}
        onBack={() => {
          setReplacing(null);
          setSelectedId(replaced.key.id);
        }}
        onDone={({ keyId, clientId }) => {
          setReplacing(null);
          if (keyId) setSelectedId(keyId);
          else if (clientId) go({ section: "organization", clientId });
        }}
      />
    );
  }

  if (selected) {
    return (
      <KeyDetails
        key={selected.key.id}
        orgId={orgId}
        item={selected}
        projects={inventory.projects}
        onBack={() => setSelectedId(null)}
        onRotate={() => setReplacing({ keyId: selected.key.id, into: "key" })}
        onMove={() => setReplacing({ keyId: selected.key.id, into: "serviceAccount" })}
      />
    );
  }

  return (
    // data-filter and data-access-lists: what the table shows now (the benchmark waits for them).
    <section
      data-testid="api-keys"
      data-filter={filter}
      data-access-lists={accessListsLoading ? "loading" : "loaded"}
    >
      <StandingNotice testId="keys-standing" />
      <TitleRow
        count={inventory.keys.length}
        onCreate={managesOrg ? startCreating : undefined}
        onRefresh={refresh}
      />
      <ErrorBanner error={inventoryError} testId="inventory-error" />
      {accessListsLoading && <AccessListsProgress />}
      <div className={toolbar}>
        <TextInput
          className={filterInput}
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
        <RoleFilter value={roleFilter} onChange={chooseRole} />
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No API keys match" testId="keys-empty">
          {inventory.keys.length === 0
            ? "This organization has no API keys yet. Create one with Create API Key."
            : "No key matches the filter. Clear it to see every key."}
        </EmptyState>
      ) : (
        <KeysTable
          rows={visible}
          orgId={orgId}
          projects={inventory.projects}
          accessListsLoading={accessListsLoading}
          unreadableText={unreadableListText(standing)}
          sort={sort}
          onSort={setSort}
          onOpen={setSelectedId}
        />
      )}
      {rows.length > 0 && (
        <TablePagination
          currentPage={currentPage}
          pageSize={pageSize}
          total={rows.length}
          onPage={setPage}
          onPageSize={choosePageSize}
          testId="keys-pagination"
        />
      )}
      {creating && (
        <CreateKeyModal
          orgId={orgId}
          projects={inventory.projects}
          onCancel={() => setCreating(false)}
          onCreated={(view, accessText) => {
            setCreating(false);
            setCreated({ view, accessText });
            patchKey(view.key);
            // Its list as Atlas stored it: one read, for this key alone.
            api.getAccessList(orgId, view.key.id).then(
              (entries) => patchAccessList(view.key.id, entries),
              () => undefined,
            );
          }}
        />
      )}
      {created && (
        <OneTimeKeyDialog
          created={created.view}
          orgId={orgId}
          projectName={projectName}
          repair={keySetupRepair(
            orgId,
            created.view.key.id,
            created.accessText,
            patchAccessList,
            removeKey,
          )}
          onClosed={() => setCreated(null)}
        />
      )}
    </section>
  );
}
