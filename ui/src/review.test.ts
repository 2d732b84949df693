import { describe, expect, it } from "vitest";
import type { DelegationSettings } from "./bindings/DelegationSettings";
import type { Inventory } from "./bindings/Inventory";
import type { ReviewInput } from "./bindings/ReviewInput";
import type { ServiceAccountInventory } from "./bindings/ServiceAccountInventory";
import { reviewInput } from "./review";
import read from "./test/review-input.json";

// The same file is read by core's every-organization review test: the
// screen and Rust make one organization's review input alike.
const organization = read as unknown as {
  orgId: string;
  accessListRequired: boolean;
  delegation: DelegationSettings;
  inventory: Inventory;
  accounts: ServiceAccountInventory[];
  input: ReviewInput;
};

describe("the review's input", () => {
  it("is made from what was read as Rust makes it", () => {
    expect(
      reviewInput(
        organization.orgId,
        organization.inventory,
        true,
        organization.accounts,
        true,
        organization.accessListRequired,
        organization.delegation,
      ),
    ).toEqual(organization.input);
  });

  it("leaves out what is not read yet, never taking it for empty", () => {
    const input = reviewInput(
      organization.orgId,
      organization.inventory,
      false,
      organization.accounts,
      false,
      organization.accessListRequired,
      undefined,
    );
    expect(input.keys.map((key) => [key.entries, key.listUnreadable])).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
    expect(input.accounts.map((account) => [account.entries, account.projectCount])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(input.delegation).toBeUndefined();
  });
});
