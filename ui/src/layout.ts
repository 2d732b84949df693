// The few layouts every screen uses, in one place.
import { css } from "@leafygreen-ui/emotion";

/** Blocks one under another. */
export const stack = css`
  display: flex;
  flex-direction: column;
  gap: 16px;
`;
/** Blocks one under another, closer (form fields). */
export const denseStack = css`
  display: flex;
  flex-direction: column;
  gap: 12px;
`;
/** Buttons side by side. */
export const buttons = css`
  display: flex;
  gap: 8px;
`;
/** Buttons side by side, wrapping when the row is narrow. */
export const wrappingButtons = css`
  display: flex;
  gap: 8px;
  flex-wrap: wrap;
`;
