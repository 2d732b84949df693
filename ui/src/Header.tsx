import { css } from "@leafygreen-ui/emotion";
import { colour } from "./theme";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "./components/LabelledSelect";
import { useToast } from "@leafygreen-ui/toast";
import { Body, Overline } from "@leafygreen-ui/typography";
import * as api from "./api";
import { useSession } from "./session";

const header = css`
  grid-area: header;
  display: flex;
  align-items: center;
  gap: 32px;
  padding: 0 32px;
  border-bottom: 1px solid ${colour("border")};
  background: ${colour("surface")};
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

/** The brand and what the app is pointed at: connection and organization switcher. */
export function Header() {
  const { session, connecting, orgId, selectOrg } = useSession();
  const { pushToast } = useToast();
  const orgs = session?.orgs ?? [];
  const orgName = orgs.find((org) => org.id === orgId)?.name;
  return (
    <header className={header} data-testid="app-header">
      <div className={brand}>
        <img src="./icon.png" alt="" width={24} height={24} />
        <Body weight="medium">Atlas Access Manager</Body>
      </div>
      <div className={field}>
        <Overline>Connection</Overline>
        <Body data-testid="active-connection">
          {session ? session.profile.name : connecting ? "Connecting…" : "No connection"}
        </Body>
      </div>
      {orgs.length > 1 && orgId ? (
        <LabelledSelect
          label="Organization"
          size="small"
          value={orgId}
          onChange={(value) => {
            selectOrg(value).catch((error: unknown) =>
              pushToast({
                variant: "warning",
                title: "The organization was not changed",
                description: api.asCommandError(error).message,
              }),
            );
          }}
          allowDeselect={false}
          dropdownWidthBasis="option"
          data-testid="org-switcher"
        >
          {orgs.map((org) => (
            <Option key={org.id} value={org.id} data-testid={`org-option-${org.name}`}>
              {org.name}
            </Option>
          ))}
        </LabelledSelect>
      ) : (
        <div className={field}>
          <Overline>Organization</Overline>
          <Body data-testid="active-organization">{orgName ?? "None selected"}</Body>
        </div>
      )}
    </header>
  );
}
