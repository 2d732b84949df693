import Checkbox from "@leafygreen-ui/checkbox";
import { css } from "@leafygreen-ui/emotion";
import { Label } from "@leafygreen-ui/typography";
import type { RoleScope } from "../bindings/RoleScope";
import { useRoleName, useRoles } from "../session";

const group = css`
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: 4px 16px;
  margin: 4px 0 12px;
`;

/**
 * A multi-select of the roles of one scope, by display name. Roles the key
 * already has that the app does not know are listed too, never dropped.
 */
export function RoleCheckboxes({
  scope,
  value,
  onChange,
  label,
  testId,
}: {
  scope: RoleScope;
  value: string[];
  onChange: (roles: string[]) => void;
  label: string;
  testId: string;
}) {
  const roles = useRoles();
  const roleName = useRoleName();
  const known = roles.filter((role) => role.scope === scope).map((role) => role.name);
  const unknown = value.filter((role) => !known.includes(role));
  const toggle = (role: string, on: boolean) =>
    onChange(on ? [...value, role] : value.filter((r) => r !== role));
  return (
    <fieldset
      className={css`
        border: none;
        padding: 0;
        margin: 0;
      `}
      data-testid={testId}
    >
      <Label htmlFor="" as="legend">
        {label}
      </Label>
      <div className={group}>
        {[...known, ...unknown].map((role) => (
          <Checkbox
            key={role}
            label={roleName(role)}
            checked={value.includes(role)}
            onChange={(event) => toggle(role, event.target.checked)}
            data-testid={`${testId}-${role}`}
          />
        ))}
      </div>
    </fieldset>
  );
}
