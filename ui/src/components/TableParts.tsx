// What the big tables (API keys, service accounts) share: sortable column
// headers and pages.
import { memo, useRef } from "react";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import { Pagination } from "@leafygreen-ui/pagination";
import { HeaderCell } from "@leafygreen-ui/table";

export const PAGE_SIZES = [25, 50, 100];

/** A button that reads as text: a column header, a row's name. */
export const linkButton = css`
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

export type Sort<C extends string> = { column: C; ascending: boolean };

/** A column header that sorts by its column; again, the other way. */
export function SortHeader<C extends string>({
  column,
  label,
  sort,
  onSort,
  testIdPrefix,
}: {
  column: C;
  label: string;
  sort: Sort<C>;
  onSort: (update: (old: Sort<C>) => Sort<C>) => void;
  testIdPrefix: string;
}) {
  // The header cell says how the table is sorted; its button sorts it.
  return (
    <HeaderCell
      aria-sort={sort.column === column ? (sort.ascending ? "ascending" : "descending") : "none"}
    >
      <button
        type="button"
        className={linkButton}
        onClick={() =>
          onSort((old) => ({
            column,
            ascending: old.column === column ? !old.ascending : true,
          }))
        }
        data-testid={`${testIdPrefix}-${column}`}
      >
        {label}
        {sort.column === column && (
          <Icon glyph={sort.ascending ? "SortAscending" : "SortDescending"} />
        )}
      </button>
    </HeaderCell>
  );
}

/** Pages of a table; re-rendered only when the count or the page changes. */
export const TablePagination = memo(function TablePagination({
  currentPage,
  pageSize,
  total,
  onPage,
  onPageSize,
  testId,
}: {
  currentPage: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
  testId: string;
}) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Pagination
      currentPage={currentPage}
      itemsPerPage={pageSize}
      itemsPerPageOptions={PAGE_SIZES}
      onItemsPerPageOptionChange={(value) => onPageSize(Number(value))}
      numTotalItems={total}
      onCurrentPageOptionChange={(value) => onPage(Number(value))}
      onBackArrowClick={() => onPage(Math.max(1, currentPage - 1))}
      onForwardArrowClick={() => onPage(Math.min(pageCount, currentPage + 1))}
      data-testid={testId}
    />
  );
});

/**
 * `page`, or the array given last time when it holds the same rows in the
 * same order: a keystroke in the filter that leaves the page as it was
 * then does not render the table again.
 */
export function useSamePage<T>(page: T[]): T[] {
  const last = useRef(page);
  const same =
    last.current.length === page.length && last.current.every((item, i) => item === page[i]);
  if (!same) last.current = page;
  return last.current;
}
