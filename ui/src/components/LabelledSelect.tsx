// LeafyGreen's Select names its button by its label alone, so a screen reader
// hears "Organization, button" and not the value chosen. Named through
// `aria-label` instead, LeafyGreen names it "Organization, Acme Corp"; the
// label is shown above it as before.
import { useId } from "react";
import type { ComponentProps } from "react";
import { css } from "@leafygreen-ui/emotion";
import { Select } from "@leafygreen-ui/select";
import { Label } from "@leafygreen-ui/typography";

const field = css`
  display: flex;
  flex-direction: column;
  gap: 4px;
`;

type Props = Omit<ComponentProps<typeof Select>, "label" | "aria-label" | "aria-labelledby"> & {
  label: string;
};

export function LabelledSelect({ label, className, ...props }: Props) {
  const id = useId();
  return (
    <div className={className ? `${field} ${className}` : field}>
      <Label htmlFor={id}>{label}</Label>
      <Select {...(props as ComponentProps<typeof Select>)} id={id} aria-label={label} />
    </div>
  );
}
