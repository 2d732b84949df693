import type { ReactNode } from "react";
import { css } from "@leafygreen-ui/emotion";
import { colour } from "../theme";
import { Body, H3 } from "@leafygreen-ui/typography";

const box = css`
  margin-top: 48px;
  max-width: 560px;
  padding: 32px;
  border: 1px dashed ${colour("border-strong")};
  border-radius: 12px;
  background: ${colour("surface")};
`;

/** What a page shows when there is nothing to list yet, and what to do next. */
export function EmptyState({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId: string;
}) {
  return (
    <section className={box} data-testid={testId}>
      <H3>{title}</H3>
      <Body>{children}</Body>
    </section>
  );
}
