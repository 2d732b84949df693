import { css } from "@leafygreen-ui/emotion";
import { palette } from "@leafygreen-ui/palette";
import { Body, Overline } from "@leafygreen-ui/typography";

const header = css`
  grid-area: header;
  display: flex;
  align-items: center;
  gap: 32px;
  padding: 0 32px;
  border-bottom: 1px solid ${palette.gray.light2};
  background: ${palette.white};
`;
const brand = css`
  display: flex;
  align-items: center;
  gap: 8px;
  font-weight: 600;
  margin-right: auto;
`;
const field = css`
  display: flex;
  flex-direction: column;
`;

/** The brand and what the app is pointed at: connection and organization. */
export function Header() {
  return (
    <header className={header} data-testid="app-header">
      <div className={brand}>
        <img src="./icon.png" alt="" width={24} height={24} />
        <Body weight="medium">Atlas Access Manager</Body>
      </div>
      <div className={field}>
        <Overline>Connection</Overline>
        <Body data-testid="active-connection">No connection</Body>
      </div>
      <div className={field}>
        <Overline>Organization</Overline>
        <Body data-testid="active-organization">None selected</Body>
      </div>
    </header>
  );
}
