import { useState } from "react";
import { css } from "@leafygreen-ui/emotion";
import { Option } from "@leafygreen-ui/select";
import { LabelledSelect } from "./LabelledSelect";
import TextInput from "@leafygreen-ui/text-input";
import { useQuery } from "@tanstack/react-query";
import { orgSettingsQuery } from "../queries";
import { useReach } from "../standing";

/** Atlas's bounds on a secret's lifetime: 8 hours, and the organization's maximum (a year by default). */
export const MIN_SECRET_HOURS = 8;
export const DEFAULT_MAX_SECRET_HOURS = 8760;

const row = css`
  display: flex;
  gap: 8px;
  align-items: flex-start;
`;

/**
 * The organization's maximum secret lifetime in hours: null until read, and
 * Atlas's default if it cannot be read (Atlas checks again when sent).
 */
export function useMaxSecretHours(orgId: string): number | null {
  const settings = useQuery(orgSettingsQuery(orgId, useReach()));
  if (settings.isPending) return null;
  return settings.data?.maxServiceAccountSecretValidityInHours ?? DEFAULT_MAX_SECRET_HOURS;
}

/** The default lifetime of a new secret: 90 days, or the organization's maximum if shorter. */
export function defaultLifetime(maxHours: number): number {
  return Math.min(90 * 24, maxHours);
}

/** A new secret's lifetime as a dialog chooses it: the maximum, the hours, and what is wrong. */
export interface LifetimeChoice {
  /** Null until the organization's maximum is read. */
  maxHours: number | null;
  hours: number | null;
  setHours: (hours: number) => void;
  /** Null when the hours can be sent. */
  problem: string | null;
}

/** The lifetime of a new secret: the default once the organization's maximum is read. */
export function useLifetimeChoice(orgId: string): LifetimeChoice {
  const maxHours = useMaxSecretHours(orgId);
  const [chosen, setHours] = useState<number | null>(null);
  const hours = chosen ?? (maxHours === null ? null : defaultLifetime(maxHours));
  const problem =
    hours === null || maxHours === null
      ? "Reading the organization's maximum secret lifetime."
      : lifetimeProblem(hours, maxHours);
  return { maxHours, hours, setHours, problem };
}

/** The lifetime field of a dialog, once the organization's maximum is read. */
export function LifetimeField({ choice, testId }: { choice: LifetimeChoice; testId: string }) {
  if (choice.hours === null || choice.maxHours === null) return null;
  return (
    <SecretLifetime
      maxHours={choice.maxHours}
      hours={choice.hours}
      onChange={choice.setHours}
      testId={testId}
    />
  );
}

/** "90 days", "1 day 12 hours", "8 hours". */
export function hoursText(hours: number): string {
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  const dayText = days === 1 ? "1 day" : `${days} days`;
  const hourText = rest === 1 ? "1 hour" : `${rest} hours`;
  if (days === 0) return hourText;
  return rest === 0 ? dayText : `${dayText} ${hourText}`;
}

/** Why a lifetime is refused, or null when it is within Atlas's bounds. */
export function lifetimeProblem(hours: number, maxHours: number): string | null {
  if (!Number.isInteger(hours) || hours < MIN_SECRET_HOURS) {
    return `A secret lasts at least ${MIN_SECRET_HOURS} hours.`;
  }
  if (hours > maxHours) {
    return `This organization allows at most ${hoursText(maxHours)}.`;
  }
  return null;
}

/** A secret's lifetime, typed in days or hours; answers hours (NaN while the text is not a number). */
export function SecretLifetime({
  maxHours,
  hours,
  onChange,
  testId,
}: {
  maxHours: number;
  hours: number;
  onChange: (hours: number) => void;
  testId: string;
}) {
  const [unit, setUnit] = useState<"days" | "hours">(hours % 24 === 0 ? "days" : "hours");
  const [text, setText] = useState(String(unit === "days" ? hours / 24 : hours));
  const problem = lifetimeProblem(hours, maxHours);
  const change = (nextText: string, nextUnit: "days" | "hours") => {
    setText(nextText);
    setUnit(nextUnit);
    const value = Number(nextText.trim());
    onChange(nextText.trim() === "" ? Number.NaN : nextUnit === "days" ? value * 24 : value);
  };
  return (
    <div className={row}>
      <TextInput
        label="Client Secret Expiration"
        description={`From ${MIN_SECRET_HOURS} hours up to ${hoursText(maxHours)}, this organization's maximum.`}
        type="number"
        value={text}
        onChange={(event) => change(event.target.value, unit)}
        state={problem ? "error" : "none"}
        errorMessage={problem ?? undefined}
        data-testid={`${testId}-value`}
      />
      <LabelledSelect
        label="Unit"
        value={unit}
        onChange={(value) => change(text, value === "hours" ? "hours" : "days")}
        allowDeselect={false}
        data-testid={`${testId}-unit`}
      >
        <Option value="days">days</Option>
        <Option value="hours">hours</Option>
      </LabelledSelect>
    </div>
  );
}
