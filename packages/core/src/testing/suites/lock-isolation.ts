import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import type { UserRecord } from "../../store/records.js";
import { pause, type SuiteContext } from "../context.js";
import { makeUser } from "../fixtures.js";

// What `organizations.lock` promises beyond blocking: reads after it see what the blocking transaction
// committed, even when the transaction read before locking; and it blocks on an organization with no row.

/**
 * Checks the last-administrator guard when each transaction reads before it locks (a snapshot taken at the
 * first read, as under MySQL's REPEATABLE READ, would let both demotions through).
 */
export async function checkReadsAfterLockSeeCommittedWrites(ctx: SuiteContext): Promise<void> {
  const store = ctx.store();
  const organization = await ctx.newOrganization();
  const admins = await ctx.createUsers(organization.id, [{ roles: ["admin"] }, { roles: ["admin"] }]);
  const demote = (admin: UserRecord) =>
    store.transaction(async (tx) => {
      // Reads before the lock, as a service checking the actor's permissions first would make.
      await tx.organizations.findById(organization.id);
      await tx.users.countWithAnyRole(organization.id, ["admin"], admin.id);
      await pause();
      await tx.organizations.lock(organization.id);
      const others = await tx.users.countWithAnyRole(organization.id, ["admin"], admin.id);
      await pause();
      if (others === 0) return "refused";
      await tx.users.update(admin.id, { roles: [] });
      return "demoted";
    });
  const outcomes = await Promise.all(admins.map(demote));
  expect([...outcomes].sort(), "a read after lock saw a stale count").toEqual(["demoted", "refused"]);
  expect(await store.users.countWithAnyRole(organization.id, ["admin"])).toBe(1);
}

/**
 * Checks that `lock` on an organization id with no row yet blocks too: of two transactions that each create the
 * first administrator when there is none, exactly one does.
 */
export async function checkLockWithoutRowBlocks(ctx: SuiteContext): Promise<void> {
  const store = ctx.store();
  const organizationId = generateId("org");
  const bootstrap = () =>
    store.transaction(async (tx) => {
      await tx.organizations.lock(organizationId);
      const admins = await tx.users.countWithAnyRole(organizationId, ["admin"]);
      await pause();
      if (admins > 0) return "found";
      await tx.users.createMany([makeUser(organizationId, { roles: ["admin"] })]);
      return "created";
    });
  const outcomes = await Promise.all([bootstrap(), bootstrap(), bootstrap()]);
  expect([...outcomes].sort(), "two transactions held the lock at once").toEqual([
    "created",
    "found",
    "found",
  ]);
  expect(await store.users.countWithAnyRole(organizationId, ["admin"])).toBe(1);
}

/** The lock cases beyond "transactions that lock run one after the other" (see the transaction cases). */
export function describeLockIsolation(ctx: SuiteContext): void {
  describe("organization lock isolation", () => {
    it("reads after lock see what the blocking transaction committed, even after a read before the lock", () =>
      checkReadsAfterLockSeeCommittedWrites(ctx));
    it("lock on an organization that has no row yet blocks as well", () => checkLockWithoutRowBlocks(ctx));
  });
}
