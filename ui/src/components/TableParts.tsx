// What the big tables (API keys, service accounts) share: sortable column
// headers and pages.
import { memo, useRef } from "react";
import { css } from "@leafygreen-ui/emotion";
import Icon from "@leafygreen-ui/icon";
import IconButton from "@leafygreen-ui/icon-button";
import { Option } from "@leafygreen-ui/select";
import { HeaderCell } from "@leafygreen-ui/table";
import { Body } from "@leafygreen-ui/typography";
import { LabelledSelect } from "./LabelledSelect";

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

const pager = css`
  display: flex;
  align-items: center;
  justify-content: flex-end;
  gap: 16px;
  margin-top: 8px;
`;
const inlineField = css`
  flex-direction: row;
  align-items: center;
  gap: 8px;
`;

/**
 * Pages of a table; re-rendered only when the count or the page changes.
 * LeafyGreen's Pagination looks the same, but names its page-size select by
 * its label alone, so a screen reader would not hear the size chosen.
 */
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
  const first = total === 0 ? 0 : (currentPage - 1) * pageSize + 1;
  const last = Math.min(total, currentPage * pageSize);
  return (
    <nav className={pager} aria-label="Pages" data-testid={testId}>
      <LabelledSelect
        label="Items per page"
        size="xsmall"
        value={String(pageSize)}
        allowDeselect={false}
        onChange={(value) => onPageSize(Number(value))}
        className={inlineField}
        data-testid={`${testId}-size`}
      >
        {PAGE_SIZES.map((size) => (
          <Option key={size} value={String(size)}>
            {String(size)}
          </Option>
        ))}
      </LabelledSelect>
      <Body data-testid={`${testId}-range`}>
        {first}–{last} of {total}
      </Body>
      <Body>
        Page {currentPage} of {pageCount}
      </Body>
      <IconButton
        aria-label="Previous page"
        disabled={currentPage <= 1}
        onClick={() => onPage(Math.max(1, currentPage - 1))}
        data-testid={`${testId}-previous`}
      >
        <Icon glyph="ChevronLeft" />
      </IconButton>
      <IconButton
        aria-label="Next page"
        disabled={currentPage >= pageCount}
        onClick={() => onPage(Math.min(pageCount, currentPage + 1))}
        data-testid={`${testId}-next`}
      >
        <Icon glyph="ChevronRight" />
      </IconButton>
    </nav>
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
