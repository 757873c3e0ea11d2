import { describe, expect, it } from "vitest";
import { generateId } from "../../crypto/tokens.js";
import type { UserRecord } from "../../store/records.js";
import { expectConflict, RACERS, type SuiteContext, sorted } from "../context.js";
import { makeUser, uniqueEmail } from "../fixtures.js";

/** The `UserRepository` cases. */
export function describeUsers(ctx: SuiteContext): void {
  const users = () => ctx.store().users;
  const newOrganizationId = async () => (await ctx.newOrganization()).id;

  describe("users", () => {
    it("createMany stores users whole: findById and findByEmail return them field for field", async () => {
      const organizationId = await newOrganizationId();
      const enrolledAt = new Date(Date.UTC(2025, 0, 6, 9, 0, 0, 123));
      const user = makeUser(organizationId, {
        givenName: "Ann",
        familyName: "Lee",
        phone: "+15555550100",
        status: "invited",
        roles: ["callback.viewer", "role_custom"],
        passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        temporaryPasswordHash: "ab".repeat(32),
        temporaryPasswordExpiresAt: new Date(Date.UTC(2025, 0, 13, 9, 0, 0, 456)),
        passwordChangeRequired: true,
        totp: { secretSealed: "v1:key:sealed-totp", lastUsedStep: 58_000_000, enrolledAt },
        pendingTotpSealed: "v1:key:sealed-pending",
        mfaPhone: "+15555550101",
        recoveryCodeSealed: "v1:key:sealed-recovery",
        backupCodeHashes: ["cd".repeat(32), "ef".repeat(32)],
      });
      await users().createMany([user]);
      expect(await users().findById(user.id)).toEqual(user);
      expect(await users().findByEmail(user.email)).toEqual(user);
    });

    it("a user without a name (an invitee) keeps both name parts null", async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [
        { givenName: null, familyName: null },
      ]);
      const stored = await users().findById((user as UserRecord).id);
      expect(stored).toEqual(user);
      expect(stored).toMatchObject({ givenName: null, familyName: null });
    });

    it("findById and findByEmail return null for an unknown user", async () => {
      expect(await users().findById(generateId("usr"))).toBeNull();
      expect(await users().findByEmail(uniqueEmail())).toBeNull();
    });

    it("an e-mail address is unique across organizations, case-insensitively", async () => {
      const [taken] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const shouted = (taken as UserRecord).email.toUpperCase();
      const issues = await expectConflict(
        users().createMany([makeUser(await newOrganizationId(), { email: shouted })]),
      );
      expect(issues).toEqual([expect.objectContaining({ path: [shouted], reason: "already-registered" })]);
    });

    it("createMany is all-or-nothing: one taken address in a batch of 5 rejects the batch, naming it", async () => {
      const [taken] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const takenEmail = (taken as UserRecord).email;
      const organizationId = await newOrganizationId();
      const batch = [{}, {}, { email: takenEmail }, {}, {}].map((fields) => makeUser(organizationId, fields));
      const issues = await expectConflict(users().createMany(batch));
      expect(issues).toEqual([expect.objectContaining({ path: [takenEmail], reason: "already-registered" })]);
      for (const user of batch) expect(await users().findById(user.id)).toBeNull();
      const others = batch.filter((user) => user.email !== takenEmail).map((user) => user.email);
      expect(await users().findRegisteredEmails(others)).toEqual([]);
    });

    it("createMany rejects a batch that repeats an address, creating none", async () => {
      const organizationId = await newOrganizationId();
      const email = uniqueEmail();
      const batch = [
        makeUser(organizationId, { email }),
        makeUser(organizationId, { email: email.toUpperCase() }),
      ];
      await expectConflict(users().createMany(batch));
      expect(await users().findByEmail(email)).toBeNull();
    });

    it("findRegisteredEmails returns the registered addresses among those asked, in any organization", async () => {
      const [a] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const [b] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const registered = [(a as UserRecord).email, (b as UserRecord).email];
      const found = await users().findRegisteredEmails([...registered, uniqueEmail(), uniqueEmail()]);
      expect(sorted(found)).toEqual(sorted(registered));
      expect(await users().findRegisteredEmails([])).toEqual([]);
    });

    it("update applies the patch, keeps the other fields and returns the updated user", async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [
        { givenName: "Before", familyName: "Name", roles: ["a"] },
      ]);
      const original = user as UserRecord;
      const updatedAt = new Date(original.updatedAt.getTime() + 1000);
      const patch = {
        givenName: "After",
        familyName: null,
        roles: ["b", "c"],
        mfaPhone: "+15555550199",
        updatedAt,
      };
      const expected = { ...original, ...patch };
      expect(await users().update(original.id, patch)).toEqual(expected);
      expect(await users().findById(original.id)).toEqual(expected);
    });

    it("update of one name part keeps the other, and search follows the new name", async () => {
      const organizationId = await newOrganizationId();
      const [user] = await ctx.createUsers(organizationId, [{ givenName: "Olga", familyName: "Petrova" }]);
      const { id } = user as UserRecord;
      const search = async (text: string) =>
        (await users().list({ organizationId, search: text, limit: 10 })).items.map((found) => found.id);
      expect(await users().update(id, { familyName: "Ivanova" })).toMatchObject({
        givenName: "Olga",
        familyName: "Ivanova",
      });
      expect(await search("olga iv")).toEqual([id]);
      expect(await search("ivan")).toEqual([id]);
      expect(await search("petr")).toEqual([]);
      await users().update(id, { givenName: "Helga" });
      expect(await users().findById(id)).toMatchObject({ givenName: "Helga", familyName: "Ivanova" });
      expect(await search("helga ivanova")).toEqual([id]);
      expect(await search("olga")).toEqual([]);
      await users().update(id, { givenName: null });
      expect(await search("ivanova")).toEqual([id]);
      expect(await search("helga")).toEqual([]);
    });

    it("update of an unknown user returns null", async () => {
      expect(await users().update(generateId("usr"), { givenName: "Nobody" })).toBeNull();
    });

    it("update to an address registered to another user throws CONFLICT and changes nothing", async () => {
      const [owner] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const [user] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const takenEmail = (owner as UserRecord).email;
      const issues = await expectConflict(
        users().update((user as UserRecord).id, { email: takenEmail, givenName: "X" }),
      );
      expect(issues).toEqual([expect.objectContaining({ path: ["email"], reason: "already-registered" })]);
      expect(await users().findById((user as UserRecord).id)).toEqual(user);
    });

    it("changing an address frees the old one for a new user", async () => {
      const organizationId = await newOrganizationId();
      const [user] = await ctx.createUsers(organizationId, [{}]);
      const { id, email: oldEmail } = user as UserRecord;
      const newEmail = uniqueEmail();
      await users().update(id, { email: newEmail });
      expect((await users().findByEmail(newEmail))?.id).toBe(id);
      expect(await users().findByEmail(oldEmail)).toBeNull();
      const [successor] = await ctx.createUsers(organizationId, [{ email: oldEmail }]);
      expect((await users().findByEmail(oldEmail))?.id).toBe((successor as UserRecord).id);
    });

    it("list walks every user of the organization exactly once, ordered by e-mail, 2 at a time", async () => {
      const organizationId = await newOrganizationId();
      const run = generateId();
      // Created out of order and in two batches, so that neither insertion order nor batches decide the order.
      const letters = ["d", "a", "g", "c", "f", "b", "e"];
      await ctx.createUsers(
        organizationId,
        letters.slice(0, 4).map((letter) => ({ email: `${letter}-${run}@example.test` })),
      );
      await ctx.createUsers(
        organizationId,
        letters.slice(4).map((letter) => ({ email: `${letter}-${run}@example.test` })),
      );
      const { pages, emails } = await walkUsers(ctx, organizationId, 2);
      expect(pages).toEqual([2, 2, 2, 1]);
      expect(emails).toEqual([...letters].sort().map((letter) => `${letter}-${run}@example.test`));
    });

    it("the page holding the last user has no next cursor", async () => {
      const organizationId = await newOrganizationId();
      await ctx.createUsers(organizationId, [{}, {}, {}, {}, {}, {}]);
      const { pages } = await walkUsers(ctx, organizationId, 3);
      expect(pages).toEqual([3, 3]);
      const empty = await users().list({ organizationId: await newOrganizationId(), limit: 3 });
      expect(empty).toEqual({ items: [], nextCursor: null });
    });

    it("list never returns another organization's users", async () => {
      const mine = await newOrganizationId();
      const theirs = await newOrganizationId();
      const created = await ctx.createUsers(mine, [{}, {}]);
      await ctx.createUsers(theirs, [{}, {}, {}]);
      const { ids } = await walkUsers(ctx, mine, 10);
      expect(sorted(ids)).toEqual(sorted(created.map((user) => user.id)));
    });

    it("search matches a case-insensitive prefix of the e-mail, the family name or the whole name, and nothing else", async () => {
      const organizationId = await newOrganizationId();
      const run = generateId();
      const [byEmail, byGiven, byFamily, everyWay, familyOnly] = await ctx.createUsers(organizationId, [
        { email: `marta-${run}@example.test`, givenName: "Quinn", familyName: "Ames" },
        { email: `zoe-${run}@example.test`, givenName: "Martin", familyName: "Blake" },
        { email: `xavier-${run}@example.test`, givenName: "Ann", familyName: "Marten" },
        { email: `mark-${run}@example.test`, givenName: "Mara", familyName: "Marsh" },
        { email: `yan-${run}@example.test`, givenName: null, familyName: "Marquez" },
        { email: `walt-${run}@example.test`, givenName: null, familyName: null },
      ]);
      const search = async (text: string) =>
        (await users().list({ organizationId, search: text, limit: 10 })).items.map((user) => user.id);
      // Each user once, in e-mail order, however many ways they match.
      expect(await search("MAR")).toEqual([
        everyWay?.id,
        byEmail?.id,
        byFamily?.id,
        familyOnly?.id,
        byGiven?.id,
      ]);
      expect(await search("quinn a")).toEqual([byEmail?.id]);
      expect(await search("ann mar")).toEqual([byFamily?.id]);
      expect(await search("Blake")).toEqual([byGiven?.id]);
      expect(await search("ames")).toEqual([byEmail?.id]);
      expect(await search(`ZOE-${run}`)).toEqual([byGiven?.id]);
      expect(await search("n blake")).toEqual([]);
      expect(await search("quinn ames x")).toEqual([]);
      expect(await search("blake martin")).toEqual([]);
    });

    it("search pages like the full listing", async () => {
      const organizationId = await newOrganizationId();
      const run = generateId();
      const matching = await ctx.createUsers(organizationId, [
        { email: `b-${run}@example.test`, givenName: "Sam", familyName: "One" },
        { email: `a-${run}@example.test`, givenName: "Nobody", familyName: null },
        { email: `c-${run}@example.test`, givenName: null, familyName: "sam two" },
      ]);
      const first = await users().list({ organizationId, search: "SAM", limit: 1 });
      const second = await users().list({
        organizationId,
        search: "SAM",
        limit: 1,
        cursor: first.nextCursor,
      });
      expect([...first.items, ...second.items].map((user) => user.id)).toEqual([
        matching[0]?.id,
        matching[2]?.id,
      ]);
      expect(second.nextCursor).toBeNull();
    });

    it("search treats % and _ as plain characters", async () => {
      const organizationId = await newOrganizationId();
      const [percent] = await ctx.createUsers(organizationId, [
        { givenName: "100% Sure" },
        { givenName: "100 x" },
        { familyName: "1x0" },
      ]);
      const search = async (text: string) =>
        (await users().list({ organizationId, search: text, limit: 10 })).items.map((user) => user.id);
      expect(await search("100%")).toEqual([percent?.id]);
      expect(await search("%")).toEqual([]);
      expect(await search("1_0")).toEqual([]);
    });

    it("countWithAnyRole counts the organization's holders of any of the roles, except the one named", async () => {
      const organizationId = await newOrganizationId();
      const [admin, both] = await ctx.createUsers(organizationId, [
        { roles: ["admin"] },
        { roles: ["admin", "editor"] },
        { roles: ["viewer"] },
        { roles: [] },
      ]);
      await ctx.createUsers(await newOrganizationId(), [{ roles: ["admin"] }]);
      const count = (roles: string[], except?: string) =>
        users().countWithAnyRole(organizationId, roles, except);
      expect(await count(["admin"])).toBe(2);
      expect(await count(["admin"], admin?.id)).toBe(1);
      expect(await count(["admin", "editor"], both?.id)).toBe(1);
      expect(await count(["admin", "viewer"])).toBe(3);
      expect(await count(["nobody-has-this"])).toBe(0);
      expect(await count([])).toBe(0);
    });

    it("removeRole takes the role from every holder in the organization, and nowhere else", async () => {
      const organizationId = await newOrganizationId();
      const [a, b, c] = await ctx.createUsers(organizationId, [
        { roles: ["custom", "viewer"] },
        { roles: ["custom"] },
        { roles: ["viewer"] },
      ]);
      const [elsewhere] = await ctx.createUsers(await newOrganizationId(), [{ roles: ["custom"] }]);
      await users().removeRole(organizationId, "custom");
      const rolesOf = async (user: UserRecord | undefined) => (await users().findById(user?.id ?? ""))?.roles;
      expect(await rolesOf(a)).toEqual(["viewer"]);
      expect(await rolesOf(b)).toEqual([]);
      expect(await rolesOf(c)).toEqual(["viewer"]);
      expect(await rolesOf(elsewhere)).toEqual(["custom"]);
    });

    it("delete removes the user, says whether it existed, and frees the address", async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [{}]);
      const { id, email } = user as UserRecord;
      expect(await users().delete(id)).toBe(true);
      expect(await users().findById(id)).toBeNull();
      expect(await users().findByEmail(email)).toBeNull();
      expect(await users().delete(id)).toBe(false);
      const [again] = await ctx.createUsers(await newOrganizationId(), [{ email }]);
      expect((await users().findByEmail(email))?.id).toBe(again?.id);
    });

    it("advanceTotpStep accepts only steps later than the last one recorded", async () => {
      const user = await createTotpUser(ctx);
      expect(await users().advanceTotpStep(user.id, 1000)).toBe(true);
      expect(await users().advanceTotpStep(user.id, 1000)).toBe(false);
      expect(await users().advanceTotpStep(user.id, 999)).toBe(false);
      expect(await users().advanceTotpStep(user.id, 1001)).toBe(true);
      const stored = await users().findById(user.id);
      expect(stored?.totp).toEqual({ ...user.totp, lastUsedStep: 1001 });
    });

    it("advanceTotpStep is false for a user without a TOTP factor, and for an unknown user", async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [{ totp: null }]);
      expect(await users().advanceTotpStep(user?.id ?? "", 1000)).toBe(false);
      expect((await users().findById(user?.id ?? ""))?.totp).toBeNull();
      expect(await users().advanceTotpStep(generateId("usr"), 1000)).toBe(false);
    });

    it(`of ${RACERS} concurrent advanceTotpStep calls with the same step, exactly one succeeds`, async () => {
      const user = await createTotpUser(ctx, 41);
      const results = await Promise.all(
        Array.from({ length: RACERS }, () => users().advanceTotpStep(user.id, 42)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await users().findById(user.id))?.totp?.lastUsedStep).toBe(42);
    });

    it("rotateRecoveryCode replaces the code only while the expected one is stored", async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [{ recoveryCodeSealed: "v1:k:first" }]);
      const id = (user as UserRecord).id;
      expect(await users().rotateRecoveryCode(id, "v1:k:other", "v1:k:second")).toBe(false);
      expect((await users().findById(id))?.recoveryCodeSealed).toBe("v1:k:first");
      expect(await users().rotateRecoveryCode(id, "v1:k:first", "v1:k:second")).toBe(true);
      expect(await users().rotateRecoveryCode(id, "v1:k:first", "v1:k:third")).toBe(false);
      expect(await users().findById(id)).toEqual({ ...user, recoveryCodeSealed: "v1:k:second" });
      expect(await users().rotateRecoveryCode(generateId("usr"), "v1:k:first", "v1:k:x")).toBe(false);
    });

    it(`of ${RACERS} concurrent rotateRecoveryCode calls with the same expected code, exactly one succeeds`, async () => {
      const [user] = await ctx.createUsers(await newOrganizationId(), [{ recoveryCodeSealed: "v1:k:used" }]);
      const id = (user as UserRecord).id;
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          users().rotateRecoveryCode(id, "v1:k:used", `v1:k:next-${i}`),
        ),
      );
      const winner = results.indexOf(true);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await users().findById(id))?.recoveryCodeSealed).toBe(`v1:k:next-${winner}`);
    });

    it("spendBackupCode removes that one code once, keeps the others, and is false for an unknown code", async () => {
      const [a, b, c] = ["a1".repeat(32), "b2".repeat(32), "c3".repeat(32)];
      const [user] = await ctx.createUsers(await newOrganizationId(), [{ backupCodeHashes: [a, b, c] }]);
      const id = (user as UserRecord).id;
      expect(await users().spendBackupCode(id, b)).toBe(true);
      expect(await users().spendBackupCode(id, b)).toBe(false);
      expect(await users().spendBackupCode(id, "d4".repeat(32))).toBe(false);
      expect((await users().findById(id))?.backupCodeHashes).toEqual([a, c]);
      expect(await users().spendBackupCode(generateId("usr"), a)).toBe(false);
    });

    it(`of ${RACERS} concurrent spendBackupCode calls with the same code, exactly one succeeds`, async () => {
      const [a, b] = ["e5".repeat(32), "f6".repeat(32)];
      const [user] = await ctx.createUsers(await newOrganizationId(), [{ backupCodeHashes: [a, b] }]);
      const id = (user as UserRecord).id;
      const results = await Promise.all(Array.from({ length: RACERS }, () => users().spendBackupCode(id, a)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await users().findById(id))?.backupCodeHashes).toEqual([b]);
    });
  });
}

async function createTotpUser(ctx: SuiteContext, lastUsedStep: number | null = null): Promise<UserRecord> {
  const organization = await ctx.newOrganization();
  const totp = { secretSealed: "v1:key:sealed", lastUsedStep, enrolledAt: new Date() };
  const [user] = await ctx.createUsers(organization.id, [{ totp }]);
  if (!user) throw new Error("createUsers returned no user");
  return user;
}

/** Follows `nextCursor` to the end; fails the test rather than loop forever on a cursor that never ends. */
async function walkUsers(
  ctx: SuiteContext,
  organizationId: string,
  limit: number,
): Promise<{ pages: number[]; emails: string[]; ids: string[] }> {
  const pages: number[] = [];
  const found: UserRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.store().users.list({ organizationId, limit, cursor });
    pages.push(page.items.length);
    found.push(...page.items);
    cursor = page.nextCursor;
    expect(pages.length, "list kept returning a next cursor").toBeLessThan(100);
  } while (cursor !== null);
  return { pages, emails: found.map((user) => user.email), ids: found.map((user) => user.id) };
}
