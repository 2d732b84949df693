import { describe, expect, it } from "vitest";
import type { DelegationSettings } from "../bindings/DelegationSettings";
import { changeFrom, draftOf, lifetimeOf, secondsText } from "./DelegatedAccess";

const current: DelegationSettings = {
  delegatedMcpAccess: "READ_WRITE",
  delegatedPartnerAccess: "DISALLOWED",
  maximumRefreshTokenLifetime: 90_061,
  idleRefreshTokenLifetime: null,
};

const asRead = () => ({
  mcp: current.delegatedMcpAccess,
  partner: current.delegatedPartnerAccess,
  maximum: draftOf(current.maximumRefreshTokenLifetime),
  idle: draftOf(current.idleRefreshTokenLifetime),
});

describe("the delegated-access form", () => {
  it("tells a lifetime exactly, down to the second Atlas holds", () => {
    expect(secondsText(90_061)).toBe("1 day 1 hour 1 minute 1 second");
    expect(secondsText(172_800)).toBe("2 days");
    expect(draftOf(90_061)).toEqual({ systemDefault: false, days: "1", hours: "1" });
    expect(draftOf(null)).toEqual({ systemDefault: true, days: "", hours: "" });
  });

  it("sends nothing for a form left as read, even where the days and hours round what Atlas holds", () => {
    expect(changeFrom(current, asRead())).toEqual({ change: {} });
  });

  it("sends only what changed, and the system default by name", () => {
    expect(
      changeFrom(current, {
        ...asRead(),
        mcp: "READ_ONLY",
        maximum: { systemDefault: true, days: "1", hours: "1" },
        idle: { systemDefault: false, days: "0", hours: "12" },
      }),
    ).toEqual({
      change: {
        mcpAccess: "READ_ONLY",
        maximumRefreshTokenLifetime: { kind: "systemDefault" },
        idleRefreshTokenLifetime: { kind: "seconds", seconds: 43_200 },
      },
    });
  });

  it("says what to fix in days and hours Atlas would refuse", () => {
    const idle = (days: string, hours: string) => lifetimeOf({ systemDefault: false, days, hours });
    expect(idle("0", "0")).toEqual({
      problem: "Give at least 1 hour, or use the system default.",
    });
    expect(idle("366", "0")).toEqual({ problem: "At most 365 days." });
    expect(idle("1.5", "0")).toEqual({ problem: "Days and hours are whole numbers, 0 or more." });
    expect(idle("-1", "30")).toEqual({ problem: "Days and hours are whole numbers, 0 or more." });
    expect(idle("365", "")).toEqual({ kind: "seconds", seconds: 31_536_000 });
    expect(
      changeFrom(current, { ...asRead(), idle: { systemDefault: false, days: "", hours: "" } }),
    ).toEqual({ problem: "Give at least 1 hour, or use the system default." });
  });
});
