import type { ReactNode } from "react";
import { css } from "@leafygreen-ui/emotion";
import { spacing } from "@leafygreen-ui/tokens";

// LeafyGreen's table cell look: 8 px sides (32 px first, 24 px last), at
// least 40 px high, the content centred on that line and wrapped.
const cell = css`
  padding: 0 ${spacing[200]}px;
  vertical-align: top;
  &:first-child {
    padding-left: ${spacing[600] + spacing[200]}px;
  }
  &:last-child {
    padding-right: ${spacing[600]}px;
  }
`;
const line = css`
  display: flex;
  align-items: center;
  min-height: ${spacing[1000]}px;
`;

/**
 * A cell that looks like LeafyGreen's `Cell`, for tables whose rows are
 * mounted as the user types: `Cell` works out its styles again on every
 * render, four components and three wrappers deep, and on a page of 25 keys
 * that was most of the time from a keystroke in the filter to the new rows.
 */
export function LightCell({
  children,
  testId,
  className,
}: {
  children: ReactNode;
  testId?: string;
  /** Added to the cell's own look (a static class: rows re-render often). */
  className?: string;
}) {
  return (
    <td className={className ? `${cell} ${className}` : cell} data-testid={testId}>
      <div className={line}>
        <div>{children}</div>
      </div>
    </td>
  );
}
