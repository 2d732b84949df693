import { describe, expect, it } from "vitest";
import type { OrgReview } from "../bindings/OrgReview";
import { nameProblem } from "../components/SaveToAtlasCli";
import { outcomeText, reviewedSummary } from "./EveryOrgReview";

const org = (outcome: OrgReview["outcome"]): OrgReview => ({ orgId: "o", name: "Acme", outcome });

describe("every organization's line", () => {
  it("says the count, what was read in part, and why one was not read", () => {
    expect(
      outcomeText(
        org({
          status: "reviewed",
          findings: [
            { kind: "orgOwners", severity: "medium", title: "t", detail: "d", credentials: [] },
          ],
          credentials: 12,
          partly: "service accounts not read (This needs Organization Read Only)",
        }),
      ),
    ).toBe(
      "1 finding in 12 credentials; service accounts not read (This needs Organization Read Only)",
    );
    expect(outcomeText(org({ status: "reviewed", findings: [], credentials: 0 }))).toBe(
      "0 findings in 0 credentials",
    );
    expect(outcomeText(org({ status: "unreadable", reason: "Refused." }))).toBe(
      "not readable with this connection: Refused.",
    );
    expect(outcomeText(org({ status: "cancelled" }))).toBe("stopped before it was read");
  });

  it("ends saying how many were reviewed, and that it was stopped", () => {
    const reviewed = org({ status: "reviewed", findings: [], credentials: 3 });
    const unreadable = org({ status: "unreadable", reason: "Refused." });
    expect(reviewedSummary([reviewed, unreadable])).toBe("Reviewed 1 of 2 organizations");
    expect(reviewedSummary([reviewed, org({ status: "cancelled" })])).toBe(
      "Stopped: reviewed 1 of 2 organizations",
    );
  });
});

describe("an Atlas CLI profile's name", () => {
  it("is the CLI's: letters, digits, - and _, and not one taken", () => {
    expect(nameProblem("ci-bot_2", [])).toBeNull();
    expect(nameProblem("CI-Bot", [])).toBeNull();
    expect(nameProblem("ci.bot", [])).toBe("Use 1 to 64 letters, digits, - and _.");
    expect(nameProblem("", [])).toBe("Use 1 to 64 letters, digits, - and _.");
    expect(nameProblem("Default", ["default"])).toBe(
      'The Atlas CLI already has a profile "default".',
    );
  });
});
