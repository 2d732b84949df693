// The service accounts' table on Organization Access.
import { memo } from "react";
import { HeaderCell, HeaderRow, Row, Table, TableBody, TableHead } from "@leafygreen-ui/table";
import type { ServiceAccountInventory } from "../bindings/ServiceAccountInventory";
import Badge from "@leafygreen-ui/badge";
import { LightCell } from "../components/LightCell";
import { SortHeader, linkButton, type Sort as SortState } from "../components/TableParts";
import { css } from "@leafygreen-ui/emotion";
import { toneStyle } from "../components/ServiceAccountParts";
import { useRoleName } from "../session";
import { ago, expiry, lastUsed } from "../serviceAccounts";

// The name, its client id below it, and Atlas's mark: one column, so the
// table fits a 1280 px window without names wrapping word by word.
const nameCell = css`
  min-width: 220px;
`;
const clientIdLine = css`
  display: block;
  font-size: 12px;
  white-space: nowrap;
`;
const managedBadge = css`
  margin-top: 4px;
`;
const secretLine = css`
  display: block;
  white-space: nowrap;
`;

export type SortColumn = "name" | "lastUsed" | "accessList";
type Sort = SortState<SortColumn>;

export const AccountsTable = memo(function AccountsTable({
  rows,
  orgId,
  projectName,
  partsLoading,
  now,
  sort,
  onSort,
  onOpen,
}: {
  rows: ServiceAccountInventory[];
  orgId: string;
  projectName: (id: string) => string;
  partsLoading: boolean;
  now: number;
  sort: Sort;
  onSort: (update: (old: Sort) => Sort) => void;
  onOpen: (clientId: string) => void;
}) {
  const header = (column: SortColumn, label: string) => (
    <SortHeader column={column} label={label} sort={sort} onSort={onSort} testIdPrefix="sa-sort" />
  );
  return (
    <Table data-testid="service-accounts-table">
      <TableHead>
        <HeaderRow>
          {header("name", "Name and Client ID")}
          <HeaderCell>Organization Roles</HeaderCell>
          <HeaderCell>Projects</HeaderCell>
          <HeaderCell>Secrets</HeaderCell>
          {header("lastUsed", "Last Used")}
          {header("accessList", "Access List")}
        </HeaderRow>
      </TableHead>
      <TableBody>
        {rows.map((item) => (
          <AccountRow
            key={item.account.clientId}
            item={item}
            orgId={orgId}
            projectName={projectName}
            partsLoading={partsLoading}
            now={now}
            onOpen={onOpen}
          />
        ))}
      </TableBody>
    </Table>
  );
});

export const AccountRow = memo(function AccountRow({
  item,
  projectName,
  partsLoading,
  now,
  onOpen,
}: {
  item: ServiceAccountInventory;
  orgId: string;
  projectName: (id: string) => string;
  partsLoading: boolean;
  now: number;
  onOpen: (clientId: string) => void;
}) {
  const roleName = useRoleName();
  const account = item.account;
  return (
    <Row data-testid={`sa-row-${account.clientId}`}>
      <LightCell className={nameCell}>
        <button
          type="button"
          className={linkButton}
          onClick={() => onOpen(account.clientId)}
          data-testid={`sa-open-${account.clientId}`}
        >
          {account.name}
        </button>
        <code className={clientIdLine}>{account.clientId}</code>
        {account.systemManaged && (
          <Badge className={managedBadge} data-testid={`sa-managed-${account.clientId}`}>
            managed by Atlas
          </Badge>
        )}
      </LightCell>
      <LightCell>{account.roles.map(roleName).join(", ") || "—"}</LightCell>
      <LightCell>
        {partsLoading
          ? "…"
          : item.projects.length === 0
            ? "—"
            : item.projects.map((p) => projectName(p.groupId)).join(", ")}
      </LightCell>
      <LightCell testId={`sa-secrets-${account.clientId}`}>
        {account.secrets.length === 0
          ? "none"
          : account.secrets.map((secret) => {
              const { text, tone } = expiry(secret, now);
              return (
                // Plain class names: cx() would merge and register a new
                // style on every render of every row.
                <span
                  key={secret.id}
                  className={`${secretLine} ${toneStyle[tone]}`}
                  data-tone={tone}
                  title={`${secret.maskedSecretValue ?? "Secret"}, expires ${secret.expiresAt}`}
                >
                  <code>{secretTail(secret.maskedSecretValue)}</code> {text}
                </span>
              );
            })}
      </LightCell>
      <LightCell>{ago(lastUsed(account), now)}</LightCell>
      <LightCell testId={`sa-access-${account.clientId}`}>
        {partsLoading
          ? "…"
          : item.error
            ? "unreadable"
            : item.accessList.length === 0
              ? "none"
              : `${item.accessList.length} ${item.accessList.length === 1 ? "entry" : "entries"}`}
      </LightCell>
    </Row>
  );
});

/** The masked secret's last characters, as Atlas shows them: "…1254". */
export function secretTail(masked: string | undefined): string {
  return masked ? `…${masked.slice(-4)}` : "secret";
}
