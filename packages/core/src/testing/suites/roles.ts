import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import { expectConflict, type SuiteContext, sorted } from "../context.js";
import { makeRole } from "../fixtures.js";

/** The `RoleRepository` cases. */
export function describeRoles(ctx: SuiteContext): void {
  const roles = () => ctx.store().roles;
  const newOrganizationId = async () => (await ctx.newOrganization()).id;

  describe("roles", () => {
    it("create stores a role that findById and list return field for field", async () => {
      const organizationId = await newOrganizationId();
      const role = makeRole(organizationId);
      await roles().create(role);
      expect(await roles().findById(organizationId, role.id)).toEqual(role);
      expect(await roles().list(organizationId)).toEqual([role]);
    });

    it("list returns every role of the organization and none of another's", async () => {
      const organizationId = await newOrganizationId();
      const mine = [makeRole(organizationId), makeRole(organizationId), makeRole(organizationId)];
      for (const role of mine) await roles().create(role);
      await roles().create(makeRole(await newOrganizationId()));
      const listed = await roles().list(organizationId);
      expect(sorted(listed.map((role) => role.id))).toEqual(sorted(mine.map((role) => role.id)));
    });

    it("another organization's role is not found, updated or deleted through this one", async () => {
      const role = makeRole(await newOrganizationId());
      await roles().create(role);
      const other = await newOrganizationId();
      expect(await roles().findById(other, role.id)).toBeNull();
      expect(await roles().update(other, role.id, { name: "Hijacked" })).toBeNull();
      expect(await roles().delete(other, role.id)).toBe(false);
      expect(await roles().findById(role.organizationId, role.id)).toEqual(role);
    });

    it("a role name is unique within an organization, case-insensitively", async () => {
      const organizationId = await newOrganizationId();
      await roles().create(makeRole(organizationId, { name: "Supervisors" }));
      const duplicate = makeRole(organizationId, { name: "SUPERVISORS" });
      const issues = await expectConflict(roles().create(duplicate));
      expect(issues).toEqual([expect.objectContaining({ path: ["name"] })]);
      expect(await roles().findById(organizationId, duplicate.id)).toBeNull();
    });

    it("the same role name is allowed in another organization", async () => {
      await roles().create(makeRole(await newOrganizationId(), { name: "Supervisors" }));
      const elsewhere = makeRole(await newOrganizationId(), { name: "Supervisors" });
      await roles().create(elsewhere);
      expect(await roles().findById(elsewhere.organizationId, elsewhere.id)).toEqual(elsewhere);
    });

    it("update applies the patch, keeps the other fields and returns the updated role", async () => {
      const organizationId = await newOrganizationId();
      const role = makeRole(organizationId, { name: "Agents" });
      await roles().create(role);
      const patch = {
        name: "agents",
        description: "Renamed",
        permissions: [{ page: "callback.callbacks", action: "edit" }],
        updatedAt: new Date(role.updatedAt.getTime() + 1000),
      };
      const expected = { ...role, ...patch };
      expect(await roles().update(organizationId, role.id, patch)).toEqual(expected);
      expect(await roles().findById(organizationId, role.id)).toEqual(expected);
    });

    it("update to a name another role of the organization holds throws CONFLICT", async () => {
      const organizationId = await newOrganizationId();
      const first = makeRole(organizationId, { name: "Agents" });
      const second = makeRole(organizationId, { name: "Leads" });
      await roles().create(first);
      await roles().create(second);
      const issues = await expectConflict(roles().update(organizationId, second.id, { name: "AGENTS" }));
      expect(issues).toEqual([expect.objectContaining({ path: ["name"] })]);
      expect(await roles().findById(organizationId, second.id)).toEqual(second);
    });

    it("update of an unknown role returns null", async () => {
      expect(
        await roles().update(await newOrganizationId(), generateId("rol"), { name: "Nobody" }),
      ).toBeNull();
    });

    it("delete removes the role, says whether it existed, and frees its name", async () => {
      const organizationId = await newOrganizationId();
      const role = makeRole(organizationId, { name: "Temporary" });
      await roles().create(role);
      expect(await roles().delete(organizationId, role.id)).toBe(true);
      expect(await roles().findById(organizationId, role.id)).toBeNull();
      expect(await roles().list(organizationId)).toEqual([]);
      expect(await roles().delete(organizationId, role.id)).toBe(false);
      await roles().create(makeRole(organizationId, { name: "Temporary" }));
    });
  });
}
