import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import { expectConflict, type SuiteContext } from "../context.js";
import { makeOrganization } from "../fixtures.js";

/** The `OrganizationRepository` cases (locking is in the transaction cases). */
export function describeOrganizations(ctx: SuiteContext): void {
  const organizations = () => ctx.store().organizations;

  describe("organizations", () => {
    it("create stores an organization that findById returns field for field", async () => {
      const organization = makeOrganization({
        name: "Acme Contact Center",
        settings: { mfa: "required", authMode: "sso", provisioning: "members-only", preset: "team" },
      });
      await organizations().create(organization);
      expect(await organizations().findById(organization.id)).toEqual(organization);
    });

    it("create throws CONFLICT when the id exists, and keeps the first", async () => {
      const organization = makeOrganization({ name: "First" });
      await organizations().create(organization);
      await expectConflict(organizations().create({ ...organization, name: "Second" }));
      expect((await organizations().findById(organization.id))?.name).toBe("First");
    });

    it("findById returns null for an unknown organization", async () => {
      expect(await organizations().findById(generateId("org"))).toBeNull();
    });

    it("update applies the patch, keeps the other fields and returns the updated organization", async () => {
      const organization = makeOrganization();
      await organizations().create(organization);
      const patch = {
        name: "Renamed",
        settings: { ...organization.settings, mfa: "optional" as const },
        updatedAt: new Date(organization.updatedAt.getTime() + 1000),
      };
      const expected = { ...organization, ...patch };
      expect(await organizations().update(organization.id, patch)).toEqual(expected);
      expect(await organizations().findById(organization.id)).toEqual(expected);
    });

    it("update of an unknown organization returns null", async () => {
      expect(await organizations().update(generateId("org"), { name: "Nobody" })).toBeNull();
    });

    it("lock outside a transaction resolves", async () => {
      const organization = await ctx.newOrganization();
      await expect(organizations().lock(organization.id)).resolves.toBeUndefined();
    });
  });
}
