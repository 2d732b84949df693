import { describe, expect, it } from "vitest";
import { accountTextProblem } from "./components/CreateServiceAccountModal";
import { defaultLifetime, hoursText, lifetimeProblem } from "./components/SecretLifetime";
import { ago, expiry, lastUsed } from "./serviceAccounts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const inHours = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();

describe("a secret's expiry as the tables show it", () => {
  it("counts down, turns to the warning colour under 7 days, and says expired once past", () => {
    expect(expiry({ expiresAt: inHours(24 * 30) }, NOW)).toEqual({
      text: "expires in 30 days",
      tone: "ok",
    });
    expect(expiry({ expiresAt: inHours(24 * 7 + 1) }, NOW).tone).toBe("ok");
    expect(expiry({ expiresAt: inHours(24 * 7 - 1) }, NOW)).toEqual({
      text: "expires in 6 days",
      tone: "soon",
    });
    expect(expiry({ expiresAt: inHours(30) }, NOW)).toEqual({
      text: "expires in 1 day 6 h",
      tone: "soon",
    });
    expect(expiry({ expiresAt: inHours(5) }, NOW).text).toBe("expires in 5 h");
    expect(expiry({ expiresAt: inHours(-1) }, NOW)).toEqual({ text: "expired", tone: "expired" });
  });

  it("says when an account was last used, by its secrets, or never", () => {
    const account = {
      clientId: "mdb_sa_id_000000000000000000000001",
      name: "robot",
      description: "",
      roles: [],
      systemManaged: false,
      secrets: [
        { id: "a", createdAt: inHours(-100), expiresAt: inHours(100), lastUsedAt: inHours(-50) },
        { id: "b", createdAt: inHours(-10), expiresAt: inHours(100), lastUsedAt: inHours(-3) },
        { id: "c", createdAt: inHours(-10), expiresAt: inHours(100) },
      ],
    };
    expect(lastUsed(account)).toBe(inHours(-3));
    expect(ago(lastUsed(account), NOW)).toBe("3 h ago");
    expect(ago(inHours(-72), NOW)).toBe("3 days ago");
    expect(ago(undefined, NOW)).toBe("never");
  });
});

describe("what the create dialogs check before sending", () => {
  it("bounds a secret's lifetime by 8 hours and the organization's maximum", () => {
    expect(lifetimeProblem(8, 8760)).toBeNull();
    expect(lifetimeProblem(7, 8760)).toMatch(/at least 8 hours/);
    expect(lifetimeProblem(49, 48)).toMatch(/at most 2 days/);
    expect(lifetimeProblem(Number.NaN, 8760)).not.toBeNull();
    expect(hoursText(36)).toBe("1 day 12 hours");
    expect(hoursText(8760)).toBe("365 days");
    expect(defaultLifetime(8760)).toBe(90 * 24);
    expect(defaultLifetime(48)).toBe(48);
  });

  it("takes the names Atlas takes", () => {
    expect(accountTextProblem("CI deploy-bot, v2", "name", 64)).toBeNull();
    expect(accountTextProblem("   ", "name", 64)).toBe("Enter a name.");
    expect(accountTextProblem("a".repeat(65), "name", 64)).toMatch(/65 characters/);
    expect(accountTextProblem("deploy/bot", "name", 64)).toMatch(/letters, digits/);
  });
});

describe("a service account's name, as core checks it", () => {
  it("takes letters and digits of any script, not combining marks", () => {
    expect(accountTextProblem("Café 2, l'équipe", "name", 64)).toBeNull();
    expect(accountTextProblem("сервис", "name", 64)).toBeNull();
    // Core refuses these too (rules.rs): the class is generated from it.
    expect(accountTextProblem("सेवा", "name", 64)).toContain("letters, digits");
    expect(accountTextProblem("deploy/bot", "name", 64)).toContain("letters, digits");
  });
});
