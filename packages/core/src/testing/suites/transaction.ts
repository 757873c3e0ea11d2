import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../store/records.js";
import { pause, type SuiteContext } from "../context.js";
import { makeAuditRecord, makeRole, makeUser } from "../fixtures.js";

/** The `Store.transaction` cases, over the durable repositories, with `organizations.lock`. */
export function describeTransaction(ctx: SuiteContext): void {
  const store = () => ctx.store();

  describe("transaction", () => {
    it("commits every write when the function resolves, and returns its value", async () => {
      const organization = await ctx.newOrganization({ name: "Before" });
      const user = makeUser(organization.id);
      const role = makeRole(organization.id);
      const entry = makeAuditRecord(organization.id);
      const result = await store().transaction(async (tx) => {
        await tx.users.createMany([user]);
        await tx.roles.create(role);
        await tx.audit.append([entry]);
        await tx.organizations.update(organization.id, { name: "After" });
        return "done";
      });
      expect(result).toBe("done");
      expect(await store().users.findById(user.id)).toEqual(user);
      expect(await store().roles.findById(organization.id, role.id)).toEqual(role);
      expect((await store().audit.list({ organizationId: organization.id, limit: 10 })).items).toEqual([
        entry,
      ]);
      expect((await store().organizations.findById(organization.id))?.name).toBe("After");
    });

    it("rolls back every write and rethrows the same error when the function throws", async () => {
      const organization = await ctx.newOrganization({ name: "Before" });
      const [existing] = await ctx.createUsers(organization.id, [{ givenName: "Kept", roles: ["custom"] }]);
      const kept = existing as UserRecord;
      const keptRole = makeRole(organization.id);
      await store().roles.create(keptRole);
      const user = makeUser(organization.id);
      const role = makeRole(organization.id);
      const failure = new Error("the flow failed after writing");

      const run = store().transaction(async (tx) => {
        await tx.users.createMany([user]);
        await tx.users.update(kept.id, { givenName: "Changed" });
        await tx.users.removeRole(organization.id, "custom");
        await tx.roles.create(role);
        await tx.roles.delete(organization.id, keptRole.id);
        await tx.audit.append([makeAuditRecord(organization.id)]);
        await tx.organizations.update(organization.id, { name: "Changed" });
        throw failure;
      });

      await expect(run).rejects.toBe(failure);
      expect(await store().users.findById(user.id)).toBeNull();
      expect(await store().users.findByEmail(user.email)).toBeNull();
      expect(await store().users.findById(kept.id)).toEqual(kept);
      expect(await store().roles.findById(organization.id, role.id)).toBeNull();
      expect(await store().roles.findById(organization.id, keptRole.id)).toEqual(keptRole);
      expect((await store().audit.list({ organizationId: organization.id, limit: 10 })).items).toEqual([]);
      expect(await store().organizations.findById(organization.id)).toEqual(organization);
    });

    it("an address written by a rolled-back transaction stays free", async () => {
      const organization = await ctx.newOrganization();
      const user = makeUser(organization.id);
      const run = store().transaction(async (tx) => {
        await tx.users.createMany([user]);
        throw new Error("rolled back");
      });
      await expect(run).rejects.toThrow("rolled back");
      await store().users.createMany([makeUser(organization.id, { email: user.email })]);
      expect((await store().users.findByEmail(user.email))?.id).not.toBe(user.id);
    });

    it("reads inside a transaction see its own writes", async () => {
      const organization = await ctx.newOrganization();
      const user = makeUser(organization.id, { roles: ["admin"] });
      const role = makeRole(organization.id);
      const entry = makeAuditRecord(organization.id, { subjectUserId: user.id });
      await store().transaction(async (tx) => {
        await tx.users.createMany([user]);
        await tx.roles.create(role);
        await tx.audit.append([entry]);
        await tx.organizations.update(organization.id, { name: "Renamed inside" });
        expect(await tx.users.findById(user.id)).toEqual(user);
        expect(await tx.users.findByEmail(user.email)).toEqual(user);
        expect(await tx.users.findRegisteredEmails([user.email])).toEqual([user.email]);
        expect((await tx.users.list({ organizationId: organization.id, limit: 10 })).items).toEqual([user]);
        expect(await tx.users.countWithAnyRole(organization.id, ["admin"])).toBe(1);
        expect(await tx.roles.list(organization.id)).toEqual([role]);
        expect((await tx.audit.list({ organizationId: organization.id, limit: 10 })).items).toEqual([entry]);
        expect((await tx.organizations.findById(organization.id))?.name).toBe("Renamed inside");
      });
    });

    it("transactions that lock the same organization run one after the other", async () => {
      const organization = await ctx.newOrganization({ name: "0" });
      const increment = () =>
        store().transaction(async (tx) => {
          await tx.organizations.lock(organization.id);
          const current = await tx.organizations.findById(organization.id);
          // Without the lock, every transaction would read the same value here and the increments would collide.
          await pause();
          await tx.organizations.update(organization.id, { name: String(Number(current?.name) + 1) });
        });
      await Promise.all(Array.from({ length: 5 }, increment));
      expect((await store().organizations.findById(organization.id))?.name).toBe("5");
    });

    it("the organization lock keeps the last administrator: of two concurrent demotions, one is refused", async () => {
      const organization = await ctx.newOrganization();
      const admins = await ctx.createUsers(organization.id, [{ roles: ["admin"] }, { roles: ["admin"] }]);
      const demote = (admin: UserRecord) =>
        store().transaction(async (tx) => {
          await tx.organizations.lock(organization.id);
          const others = await tx.users.countWithAnyRole(organization.id, ["admin"], admin.id);
          await pause();
          if (others === 0) return "refused";
          await tx.users.update(admin.id, { roles: [] });
          return "demoted";
        });
      const outcomes = await Promise.all(admins.map(demote));
      expect([...outcomes].sort()).toEqual(["demoted", "refused"]);
      expect(await store().users.countWithAnyRole(organization.id, ["admin"])).toBe(1);
    });
  });
}
