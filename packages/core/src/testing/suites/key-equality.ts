import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import { compareCodePoints } from "../../store/memory/table.js";
import type { UserRecord } from "../../store/records.js";
import { expectConflict, type SuiteContext } from "../context.js";
import { makeRole } from "../fixtures.js";
import { domainOf, makeConnection, makeLink } from "./sso.js";

// Exact keys and code-point order, as `store.ts` states them. A database collation that is accent-, width- or
// pad-insensitive (MariaDB's default, MySQL's `utf8mb4_0900_ai_ci`, even `utf8mb4_bin` for trailing spaces)
// passes every other case and fails these.

/** Pairs of keys that are two keys: each pair differs by something other than ASCII case (at its end, for the space). */
export const distinctAddressPairs: ReadonlyArray<readonly [string, string, string]> = [
  ["an accent", "jose", "jos\u00e9"],
  ["a trailing space", "pad", "pad "],
  ["a decomposed accent", "ren\u00e9", "rene\u0301"],
  ["sharp s against ss", "strasse", "stra\u00dfe"],
  ["a full-width letter", "wide", "wid\uff45"],
];

/** An address that ends with the differing part, where a pad-insensitive collation ignores a space. */
function addressOf(part: string, run: string): string {
  return `${run}@example-${part}`;
}

/**
 * Checks that addresses differing by anything but ASCII case are different users: both are stored, each is
 * found by its own address only, and ASCII case alone still collides.
 */
export async function checkEmailKeysAreExact(ctx: SuiteContext): Promise<void> {
  const users = ctx.store().users;
  const organizationId = (await ctx.newOrganization()).id;
  const run = generateId();
  for (const [what, left, right] of distinctAddressPairs) {
    const [first, second] = [addressOf(left, run), addressOf(right, run)];
    const [stored] = await ctx.createUsers(organizationId, [{ email: first }]);
    expect(await users.findByEmail(second), `${what}: findByEmail matched the other address`).toBeNull();
    expect(await users.findRegisteredEmails([second]), `${what}: findRegisteredEmails`).toEqual([]);
    const [other] = await ctx
      .createUsers(organizationId, [{ email: second }])
      .catch((error: unknown) => expect.fail(`${what}: ${second} collided with ${first}: ${String(error)}`));
    expect((await users.findByEmail(first))?.id, `${what}: findByEmail`).toBe(stored?.id);
    expect((await users.findByEmail(second))?.id, `${what}: findByEmail`).toBe(other?.id);
    expect([...(await users.findRegisteredEmails([first, second]))].sort()).toEqual([first, second].sort());
  }
  // The case-insensitivity the contract asks for, on ASCII letters.
  const [taken] = await ctx.createUsers(organizationId, [{ email: `case-${run}@example.test` }]);
  const shouted = `CASE-${run}@EXAMPLE.TEST`;
  expect((await users.findByEmail(shouted))?.id).toBe((taken as UserRecord).id);
  await expectConflict(
    users.createMany([{ ...(taken as UserRecord), id: generateId("usr"), email: shouted }]),
  );
}

/** Checks that `update` to an address differing by an accent or a trailing space is no CONFLICT. */
export async function checkEmailUpdateKeysAreExact(ctx: SuiteContext): Promise<void> {
  const organizationId = (await ctx.newOrganization()).id;
  const run = generateId();
  for (const [what, left, right] of distinctAddressPairs) {
    const [owner, mover] = await ctx.createUsers(organizationId, [{ email: addressOf(left, run) }, {}]);
    const target = addressOf(right, run);
    const updated = await ctx
      .store()
      .users.update((mover as UserRecord).id, { email: target })
      .catch((error: unknown) =>
        expect.fail(`${what}: ${target} collided with ${owner?.email}: ${String(error)}`),
      );
    expect(updated?.email).toBe(target);
  }
}

/** Checks that role names differing by an accent or a trailing space are two roles of one organization. */
export async function checkRoleNamesAreExact(ctx: SuiteContext): Promise<void> {
  const organizationId = (await ctx.newOrganization()).id;
  for (const [what, left, right] of distinctAddressPairs) {
    await ctx.store().roles.create(makeRole(organizationId, { name: `Team ${left}` }));
    await ctx
      .store()
      .roles.create(makeRole(organizationId, { name: `Team ${right}` }))
      .catch((error: unknown) => expect.fail(`${what}: role names collided: ${String(error)}`));
  }
  expect(await ctx.store().roles.list(organizationId)).toHaveLength(distinctAddressPairs.length * 2);
}

/**
 * Checks that SSO keys are exact: domains differing by an accent or a trailing space are two claims, and
 * issuers or subjects differing by anything, ASCII case included (OpenID Connect compares them exactly), are
 * two links.
 */
export async function checkSsoKeysAreExact(ctx: SuiteContext): Promise<void> {
  const store = ctx.store();
  if (ctx.provides("ssoConnections")) {
    for (const [what, left, right] of distinctAddressPairs) {
      const run = domainOf("sso");
      const [first, second] = [`${run}-${left}`, `${run}-${right}`];
      await store.ssoConnections.save(makeConnection((await ctx.newOrganization()).id, { domains: [first] }));
      expect(await store.ssoConnections.findByDomain(second), `${what}: findByDomain`).toBeNull();
      const other = (await ctx.newOrganization()).id;
      await store.ssoConnections
        .save(makeConnection(other, { domains: [second] }))
        .catch((error: unknown) =>
          expect.fail(`${what}: domain ${second} collided with ${first}: ${String(error)}`),
        );
      expect((await store.ssoConnections.findByDomain(second))?.organizationId, what).toBe(other);
    }
  }
  if (ctx.provides("identityLinks")) {
    const pairs = [...distinctAddressPairs, ["ASCII case", "subject", "Subject"] as const];
    for (const [what, left, right] of pairs) {
      const run = generateId();
      const first = makeLink(generateId("usr"), generateId("org"), { subject: `${run}-${left}` });
      await store.identityLinks.create(first);
      const bySubject = { ...first, subject: `${run}-${right}`, userId: generateId("usr") };
      const byIssuer = { ...first, issuer: `${first.issuer}/${run}/${right}`, userId: generateId("usr") };
      await store.identityLinks.create({ ...byIssuer, issuer: `${first.issuer}/${run}/${left}` });
      for (const link of [bySubject, byIssuer]) {
        expect(await store.identityLinks.find(link.issuer, link.subject), `${what}: find`).toBeNull();
        await store.identityLinks
          .create(link)
          .catch((error: unknown) => expect.fail(`${what}: link collided: ${String(error)}`));
        expect(await store.identityLinks.find(link.issuer, link.subject), what).toEqual(link);
      }
      expect(await store.identityLinks.find(first.issuer, first.subject), what).toEqual(first);
    }
  }
}

/** Local parts whose code-point order differs from every accent-, punctuation- or case-aware collation's. */
export const codePointOrderedParts: readonly string[] = [
  "0",
  "a+b",
  "a-b",
  "a.b",
  "a_b",
  "aab",
  "z",
  "\u00e9", // é after z: an accent-insensitive collation puts it with e
  "\uff5a", // full-width z, U+FF5A
  "\u{1d4b6}", // mathematical a, U+1D4B6: after U+FF5A by code point, before it by UTF-16 code unit
];

/** Checks that `users.list` orders e-mails by code point, and that paging 2 at a time keeps that order. */
export async function checkUsersListInCodePointOrder(ctx: SuiteContext): Promise<void> {
  const organizationId = (await ctx.newOrganization()).id;
  const run = generateId();
  const emails = codePointOrderedParts.map((part) => `${part}-${run}@example.test`);
  // Created in reverse, so insertion order cannot stand in for the sort.
  await ctx.createUsers(
    organizationId,
    [...emails].reverse().map((email) => ({ email })),
  );
  const expected = [...emails].sort(compareCodePoints);
  const whole = await ctx.store().users.list({ organizationId, limit: 100 });
  expect(
    whole.items.map((user) => user.email),
    "one page",
  ).toEqual(expected);
  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.store().users.list({ organizationId, limit: 2, cursor });
    paged.push(...page.items.map((user) => user.email));
    cursor = page.nextCursor;
    expect(paged.length, "list kept returning a next cursor").toBeLessThanOrEqual(emails.length);
  } while (cursor !== null);
  expect(paged, "pages of 2").toEqual(expected);
}

/** The exact-key and code-point-order cases of the users and roles. */
export function describeKeyEquality(ctx: SuiteContext): void {
  describe("exact keys and code-point order", () => {
    if (ctx.provides("users")) {
      it("addresses differing by an accent, a trailing space, a decomposed or full-width letter or ß are different users; ASCII case is not", () =>
        checkEmailKeysAreExact(ctx));
      it("update to an address differing from a registered one by an accent or a trailing space is no CONFLICT", () =>
        checkEmailUpdateKeysAreExact(ctx));
      it("list orders e-mails by code point (a_b before aab, z before é), on one page and across pages", () =>
        checkUsersListInCodePointOrder(ctx));
    }
    if (ctx.provides("roles")) {
      it("role names differing by an accent or a trailing space are two roles", () =>
        checkRoleNamesAreExact(ctx));
    }
    if (ctx.provides("ssoConnections") || ctx.provides("identityLinks")) {
      it("SSO domains differing by an accent or a trailing space, and issuers or subjects differing by anything, are different keys", () =>
        checkSsoKeysAreExact(ctx));
    }
  });
}
