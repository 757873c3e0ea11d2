import { describe, expect, it } from "vitest";
import type { SuiteContext } from "../context.js";
import { makeSession } from "../fixtures.js";

// The contract `validateSession` relies on to answer from the principal a session carries: the session and
// its organization's authorization version read together, a version that changes at every bump and never
// comes back, a snapshot that sticks to its session but never brings a deleted one back.

/** Checks that `findCurrent` returns the live session and a version that stays put until a bump. */
export async function checkFindCurrentReadsSessionAndVersion(ctx: SuiteContext): Promise<void> {
  const sessions = ctx.store().sessions;
  const owner = await ctx.newOwner();
  const session = makeSession(owner);
  await sessions.create(session);
  const first = await sessions.findCurrent(session.tokenHash, owner.organizationId, session.createdAt);
  expect(first?.session).toEqual(session);
  expect(
    typeof first?.version === "string" && first.version.length > 0,
    "a version is a non-empty string",
  ).toBe(true);
  const again = await sessions.findCurrent(session.tokenHash, owner.organizationId, session.createdAt);
  expect(again?.version, "the version changed without a bump").toBe(first?.version);
  expect(await sessions.findCurrent(session.tokenHash, owner.organizationId, session.expiresAt)).toBeNull();
  await sessions.delete(session.tokenHash);
  expect(await sessions.findCurrent(session.tokenHash, owner.organizationId, session.createdAt)).toBeNull();
}

/**
 * Checks that every bump gives a version never seen before (neither this organization's earlier ones nor
 * another's), and that a bump moves only its own organization.
 */
export async function checkBumpGivesNewVersions(ctx: SuiteContext): Promise<void> {
  const sessions = ctx.store().sessions;
  const owner = await ctx.newOwner();
  const other = await ctx.newOwner();
  const mine = makeSession(owner);
  const theirs = makeSession(other);
  await sessions.create(mine);
  await sessions.create(theirs);
  const read = async (session = mine) =>
    (await sessions.findCurrent(session.tokenHash, session.organizationId, session.createdAt))?.version;
  const theirsBefore = await read(theirs);
  const seen = [await read(), theirsBefore];
  for (let i = 0; i < 3; i++) {
    await sessions.bumpVersion(owner.organizationId);
    const version = await read();
    expect(seen, `bump ${i + 1} gave a version handed out before`).not.toContain(version);
    seen.push(version);
  }
  expect(await read(theirs), "a bump of one organization moved another's version").toBe(theirsBefore);
}

/**
 * Checks that a missing version is never one handed out before: two organizations that never had one get
 * distinct versions (a store minting a constant, "0" or "1", would let a snapshot taken before the version
 * key was lost pass for current after it is minted again).
 */
export async function checkMissingVersionIsFresh(ctx: SuiteContext): Promise<void> {
  const sessions = ctx.store().sessions;
  const versions = new Set<string | undefined>();
  for (let i = 0; i < 3; i++) {
    const owner = await ctx.newOwner();
    const session = makeSession(owner);
    await sessions.create(session);
    const found = await sessions.findCurrent(session.tokenHash, owner.organizationId, session.createdAt);
    versions.add(found?.version);
  }
  expect(versions.size, "organizations without a version were given the same one").toBe(3);
}

/** Checks that `savePrincipal` sticks to the session, and never brings back a deleted one. */
export async function checkSavePrincipal(ctx: SuiteContext): Promise<void> {
  const sessions = ctx.store().sessions;
  const owner = await ctx.newOwner();
  const session = makeSession(owner);
  await sessions.create(session);
  const principal = JSON.stringify({ v: "x", user: { id: owner.id, name: "Zoë \u{1F600}" } });
  await sessions.savePrincipal(session.tokenHash, principal);
  const found = await sessions.findCurrent(session.tokenHash, owner.organizationId, session.createdAt);
  expect(found?.session).toEqual({ ...session, principal });
  expect(await sessions.find(session.tokenHash, session.createdAt)).toEqual({ ...session, principal });
  const touchedAt = new Date(session.createdAt.getTime() + 60_000);
  await sessions.touch(session.tokenHash, touchedAt, session.expiresAt);
  expect(
    (await sessions.find(session.tokenHash, touchedAt))?.principal,
    "a touch dropped the principal",
  ).toBe(principal);
  await sessions.delete(session.tokenHash);
  await sessions.savePrincipal(session.tokenHash, principal);
  expect(
    await sessions.find(session.tokenHash, session.createdAt),
    "savePrincipal brought a session back",
  ).toBeNull();
}

/** The authorization-version cases of `SessionRepository`. */
export function describeAuthorizationVersions(ctx: SuiteContext): void {
  describe("sessions: authorization versions", () => {
    it("findCurrent reads the live session and its organization's version, which stays put until a bump", () =>
      checkFindCurrentReadsSessionAndVersion(ctx));
    it("every bump gives a version never handed out before, and moves only its organization", () =>
      checkBumpGivesNewVersions(ctx));
    it("a missing version is minted fresh, never a constant an old snapshot could match", () =>
      checkMissingVersionIsFresh(ctx));
    it("savePrincipal sticks to the session through a touch, and never brings a deleted session back", () =>
      checkSavePrincipal(ctx));
  });
}
