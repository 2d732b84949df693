import { memo, useCallback, useMemo, useState } from "react";
import Button from "@leafygreen-ui/button";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import { ProgressBar } from "@leafygreen-ui/progress-bar";
import { TableSkeleton } from "@leafygreen-ui/skeleton-loader";
import TextInput from "@leafygreen-ui/text-input";
import { Body } from "@leafygreen-ui/typography";
import * as api from "../api";
import type { CreatedServiceAccountView } from "../bindings/CreatedServiceAccountView";
import type { Project } from "../bindings/Project";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import { CreateServiceAccountModal } from "../components/CreateServiceAccountModal";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import Banner from "@leafygreen-ui/banner";
import { StandingNotice, useStanding } from "../standing";
import { PAGE_SIZES, TablePagination, useSamePage } from "../components/TableParts";
import { AccountsTable, type SortColumn } from "./ServiceAccountsTable";
import { OneTimeSecretDialog, accountSetupRepair } from "../components/OneTimeKeyDialog";
import { ClientIdLine } from "../components/ServiceAccountParts";
import { lastUsed, useNow, useServiceAccounts } from "../serviceAccounts";
import { ServiceAccountDetails } from "./ServiceAccountDetails";
import { useNavigation } from "../navigate";

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
const titleButtons = css`
  display: flex;
  gap: 8px;
`;

/** Organization Access Manager → Service Accounts. */
export function ServiceAccountsTab({ orgId, projects }: { orgId: string; projects: Project[] }) {
  const standing = useStanding();
  const readsAccounts = standing?.readsServiceAccounts === true;
  const managesOrg = standing?.managesOrg === true;
  const state = useServiceAccounts(orgId, readsAccounts);
  const {
    accounts,
    error,
    progress,
    refresh,
    patchItem,
    patchAccessList,
    removeAccount,
    partsLoading,
  } = state;
  const now = useNow();
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ column: SortColumn; ascending: boolean }>({
    column: "name",
    ascending: true,
  });
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0] ?? 25);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{
    view: CreatedServiceAccountView;
    accessText: string;
  } | null>(null);
  const { destination } = useNavigation();
  const [selectedId, setSelectedId] = useState<string | null>(destination?.clientId ?? null);

  const sorted = useMemo(() => {
    const value = (item: ServiceAccountInventory): string | number => {
      switch (sort.column) {
        case "name":
          return item.account.name.toLowerCase();
        case "lastUsed":
          return lastUsed(item.account) ?? "";
        case "accessList":
          return item.accessList.length;
      }
    };
    const direction = sort.ascending ? 1 : -1;
    return (accounts ?? [])
      .map((item) => ({
        item,
        sortValue: value(item),
        searchText: `${item.account.name.toLowerCase()}\u0000${item.account.clientId}`,
      }))
      .sort((a, b) =>
        a.sortValue < b.sortValue ? -direction : a.sortValue > b.sortValue ? direction : 0,
      );
  }, [accounts, sort]);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return sorted
      .filter(({ searchText }) => !needle || searchText.includes(needle))
      .map(({ item }) => item);
  }, [sorted, filter]);

  const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
  const currentPage = Math.min(page, pageCount);
  const visible = useSamePage(rows.slice((currentPage - 1) * pageSize, currentPage * pageSize));
  const projectName = useCallback(
    (id: string) => projects.find((p) => p.id === id)?.name ?? id,
    [projects],
  );
  const choosePageSize = useCallback((size: number) => {
    setPageSize(size);
    setPage(1);
  }, []);
  const startCreating = useCallback(() => setCreating(true), []);
  const selected = accounts?.find((item) => item.account.clientId === selectedId);
  if (selected) {
    return (
      <ServiceAccountDetails
        key={selected.account.clientId}
        orgId={orgId}
        item={selected}
        projects={projects}
        state={state}
        onBack={() => setSelectedId(null)}
      />
    );
  }
  if (!readsAccounts) {
    return (
      <Banner variant="info" data-testid="service-accounts-need-role">
        The organization&apos;s service accounts cannot be read with this connection&apos;s role
        {standing ? ` (${standing.role})` : ""}: Organization Read Only or Organization Owner is
        needed. The accounts of your projects are under Project Access.
      </Banner>
    );
  }
  if (!accounts) {
    return error ? (
      <ErrorBanner error={error} testId="service-accounts-error" />
    ) : (
      <div data-testid="service-accounts-loading">
        <TableSkeleton numRows={6} columnLabels={["Name", "Client ID", "Secrets", "Access list"]} />
      </div>
    );
  }

  return (
    // data-filter and data-parts: what the table shows now (the benchmark waits for them).
    <section
      data-testid="service-accounts"
      data-filter={filter}
      data-parts={partsLoading ? "loading" : "loaded"}
    >
      <StandingNotice testId="service-accounts-standing" />
      <TitleRow
        count={accounts.length}
        onCreate={managesOrg ? startCreating : undefined}
        onRefresh={refresh}
      />
      <ErrorBanner error={error} testId="service-accounts-error" />
      {partsLoading && progress && progress.total > 2 && (
        <ProgressBar
          label="Reading access lists and projects"
          value={progress.done}
          maxValue={progress.total}
          formatValue="fraction"
          size="small"
          data-testid="service-accounts-progress"
        />
      )}
      <div className={toolbar}>
        <TextInput
          label="Filter"
          placeholder="Name or client ID"
          type="search"
          value={filter}
          onChange={(event) => {
            setFilter(event.target.value);
            setPage(1);
          }}
          data-testid="service-account-filter"
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No service accounts match" testId="service-accounts-empty">
          {accounts.length === 0
            ? "This organization has no service accounts yet. Create one with Create Service Account."
            : "No account matches the filter. Clear it to see every account."}
        </EmptyState>
      ) : (
        <AccountsTable
          rows={visible}
          orgId={orgId}
          projectName={projectName}
          partsLoading={partsLoading}
          now={now}
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
          testId="service-accounts-pagination"
        />
      )}
      {creating && (
        <CreateServiceAccountModal
          orgId={orgId}
          projects={projects}
          onCancel={() => setCreating(false)}
          onCreated={(view, accessText) => {
            setCreating(false);
            setCreated({ view, accessText });
            // Its list and projects as Atlas stored them: one account read again.
            patchItem({ account: view.account, accessList: [], projects: [] });
            api.getServiceAccount(orgId, view.account.clientId).then(patchItem, () => undefined);
          }}
        />
      )}
      {created && (
        <OneTimeSecretDialog
          title="Service Account Created"
          warning="This is the only time the client secret is shown. Copy it now and keep it somewhere safe: Atlas cannot show it again."
          identity={
            <ClientIdLine
              name={created.view.account.name}
              clientId={created.view.account.clientId}
            />
          }
          secretLabel="Client secret"
          secret={created.view.secret}
          heldId={created.view.secretId}
          copy={api.copyClientSecret}
          forget={api.forgetClientSecret}
          cli={{
            kind: "serviceAccount",
            identity: created.view.account.clientId,
            orgId,
            description: created.view.account.name,
          }}
          accessList={created.view.accessList}
          invitations={created.view.invitations}
          projectName={projectName}
          repair={accountSetupRepair(
            orgId,
            created.view.account.clientId,
            created.accessText,
            patchAccessList,
            removeAccount,
          )}
          onClosed={() => setCreated(null)}
        />
      )}
    </section>
  );
}

/** The count and the buttons; memoized, as a keystroke in the filter leaves them be. */
const TitleRow = memo(function TitleRow({
  count,
  onCreate,
  onRefresh,
}: {
  count: number;
  /** Absent when the connection may not create accounts. */
  onCreate?: () => void;
  onRefresh: () => Promise<void>;
}) {
  return (
    <div className={titleRow}>
      <Body>
        Service Accounts · <span data-testid="service-account-count">{count}</span> accounts
      </Body>
      <div className={titleButtons}>
        <Button
          leftGlyph={<Icon glyph="Refresh" />}
          onClick={() => void onRefresh()}
          data-testid="refresh-service-accounts"
        >
          Refresh
        </Button>
        {onCreate && (
          <Button
            variant="primary"
            leftGlyph={<Icon glyph="Plus" />}
            onClick={onCreate}
            data-testid="create-service-account"
          >
            Create Service Account
          </Button>
        )}
      </div>
    </div>
  );
});
