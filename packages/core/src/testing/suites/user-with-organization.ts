import { describe, expect, it } from "vitest";
import type { UserRecord } from "../../store/records.js";
import type { SuiteContext } from "../context.js";
import { makeUser, uniqueEmail } from "../fixtures.js";

/**
 * `findByEmailWithOrganization` answers exactly what `findByEmail` then `organizations.findById` answer, field
 * for field (roles, settings, instants), each user with their own organization; `null` for an unknown address.
 */
export async function checkUserWithOrganizationMatchesTwoReads(ctx: SuiteContext): Promise<void> {
  const users = ctx.store().users;
  const find = users.findByEmailWithOrganization?.bind(users);
  if (!find) throw new Error("the store has no users.findByEmailWithOrganization");
  const first = await ctx.newOrganization({ name: "First" });
  const second = await ctx.newOrganization();
  const ann = makeUser(first.id, { roles: ["callback.viewer", "role_custom"], givenName: "Ann" });
  const bob = makeUser(second.id, { roles: [] });
  await users.createMany([ann, bob]);
  for (const user of [ann, bob]) {
    const organization = await ctx.store().organizations.findById(user.organizationId);
    expect(organization, "the organization the fixture stored").not.toBeNull();
    expect(await find(user.email)).toEqual({ user: await users.findByEmail(user.email), organization });
    expect((await find(user.email))?.user).toEqual(user);
  }
  expect(await find(uniqueEmail())).toBeNull();
}

/** The same e-mail key as `findByEmail`: ASCII case folds, an accent or a trailing space makes another address. */
export async function checkUserWithOrganizationKeysAreExact(ctx: SuiteContext): Promise<void> {
  const users = ctx.store().users;
  const find = users.findByEmailWithOrganization?.bind(users);
  if (!find) throw new Error("the store has no users.findByEmailWithOrganization");
  const organization = await ctx.newOrganization();
  const local = uniqueEmail("jose").split("@")[0] as string;
  const [jose] = await ctx.createUsers(organization.id, [{ email: `${local}@example.test` }]);
  const id = (jose as UserRecord).id;
  expect((await find(`${local.toUpperCase()}@EXAMPLE.TEST`))?.user.id, "ASCII case").toBe(id);
  expect(await find(`${local}@exámple.test`), "an accent").toBeNull();
  expect(await find(`${local}@example.test `), "a trailing space").toBeNull();
}

/** The cases of the optional joined read, declared when the store provides it with users and organizations. */
export function describeUserWithOrganization(ctx: SuiteContext): void {
  describe("users.findByEmailWithOrganization (optional)", () => {
    it("answers what findByEmail then organizations.findById answer, field for field; null for an unknown address", ({
      skip,
    }) => {
      if (!ctx.store().users.findByEmailWithOrganization) return skip("the store reads them apart");
      return checkUserWithOrganizationMatchesTwoReads(ctx);
    });
    it("keys the address as findByEmail does: ASCII case folds, an accent or a trailing space does not", ({
      skip,
    }) => {
      if (!ctx.store().users.findByEmailWithOrganization) return skip("the store reads them apart");
      return checkUserWithOrganizationKeysAreExact(ctx);
    });
  });
}
