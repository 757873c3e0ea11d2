import { describe, expect, it } from "vitest";
import { type AttemptState, emptyAttemptState } from "../../policy/lockout.js";
import type { AuditRecord, SessionRecord } from "../../store/records.js";
import type { SignInCommit, Store } from "../../store/store.js";
import { DAY_MS, expectConflict, RACERS, type SuiteContext } from "../context.js";
import { makeAuditRecord, makeSession, uniqueEmail } from "../fixtures.js";

const farExpiry = () => new Date(Date.now() + DAY_MS);
const reserved = (): AttemptState => ({ ...emptyAttemptState(), inFlight: [new Date()] });
const withFailures = (failures: number): AttemptState => ({ ...emptyAttemptState(), failures });

function commitOf(store: Store): SignInCommit {
  const commit = store.signInCommit;
  if (!commit) throw new Error("the store has no signInCommit");
  return commit;
}

/** A reserved attempt of a fresh key, the session and audit entry a right password would lead to. */
async function signInOf(ctx: SuiteContext) {
  const store = ctx.store();
  const key = `login:${uniqueEmail()}`;
  const reservation = await store.attempts.compareAndSwap(key, 0, reserved(), farExpiry());
  if (!reservation.swapped) throw new Error("a first swap at version 0 on a new key did not store");
  const owner = await ctx.newOwner();
  const session = makeSession(owner);
  const audit = [
    makeAuditRecord(owner.organizationId, {
      action: "login.succeeded",
      actor: { kind: "member", id: owner.id, email: "ann@example.test" },
      subjectUserId: owner.id,
      details: { stage: "authenticated" },
    }),
  ];
  // The commit of this sign-in's session and entries, settling the attempt at `expectedVersion` to `next`.
  const commit = (expectedVersion: number, next: AttemptState | null) =>
    commitOf(store).prepare(session, audit)({ key, expectedVersion, next, expiresAt: farExpiry() });
  return { store, key, version: reservation.version, session, audit, commit };
}

/** What the commit wrote, as the repositories read it back. */
async function written(store: Store, session: SessionRecord, audit: readonly AuditRecord[]) {
  const ids = new Set(audit.map((entry) => entry.id));
  const outbox = store.auditOutbox;
  if (!outbox) throw new Error("a store with a signInCommit must have an auditOutbox");
  const pending = (await outbox.pending(10_000)).filter((entry) => ids.has(entry.id));
  return {
    session: await store.sessions.find(session.tokenHash, session.lastActiveAt),
    listed: (await store.sessions.listByUser(session.userId, session.lastActiveAt)).map((s) => s.tokenHash),
    pending,
  };
}

/** A swap at the stored version stores the settlement, creates the session and pushes the entries. */
export async function checkCommitWritesAll(ctx: SuiteContext): Promise<void> {
  const { store, key, version, session, audit, commit } = await signInOf(ctx);
  const settled = { ...withFailures(0), lastFailureAt: new Date(Date.UTC(2025, 0, 6)) };
  const result = await commit(version, settled);
  if (!result.swapped) throw new Error("a commit at the stored version did not swap");
  expect(await store.attempts.get(key)).toEqual({ state: settled, version: result.version });
  expect(await written(store, session, audit)).toEqual({
    session,
    listed: [session.tokenHash],
    pending: audit,
  });
}

/** A removal (`next: null`) commits as `compareAndSwap` removes: the state reads empty at version 0. */
export async function checkCommitRemovesTheState(ctx: SuiteContext): Promise<void> {
  const { store, key, version, session, audit, commit } = await signInOf(ctx);
  const result = await commit(version, null);
  expect(result).toEqual({ swapped: true, version: 0 });
  expect(await store.attempts.get(key)).toEqual({ state: emptyAttemptState(), version: 0 });
  expect((await written(store, session, audit)).session).toEqual(session);
}

/** Another version stored: nothing at all is written, and the stored state is answered. */
export async function checkCommitAtAnotherVersionWritesNothing(ctx: SuiteContext): Promise<void> {
  const { store, key, version, session, audit, commit } = await signInOf(ctx);
  const result = await commit(version + 1000, null);
  expect(result.swapped).toBe(false);
  if (!result.swapped) expect(result.current.version).toBe(version);
  expect((await store.attempts.get(key)).version).toBe(version);
  expect(await written(store, session, audit)).toEqual({ session: null, listed: [], pending: [] });
}

/** A session hash already stored: CONFLICT on `tokenHash`, and neither the settlement nor the entries land. */
export async function checkCommitOnATakenHashWritesNothing(ctx: SuiteContext): Promise<void> {
  const { store, key, version, session, audit, commit } = await signInOf(ctx);
  const earlier = { ...session, stage: "mfa" as const };
  await store.sessions.create(earlier);
  const issues = await expectConflict(commit(version, null));
  expect(issues.map((issue) => issue.path)).toEqual([["tokenHash"]]);
  expect((await store.attempts.get(key)).version).toBe(version);
  const after = await written(store, session, audit);
  expect(after.session).toEqual(earlier);
  expect(after.pending).toEqual([]);
}

/** Of concurrent commits at one version exactly one swaps, and only its session and entries exist. */
export async function checkConcurrentCommitsOneWins(ctx: SuiteContext): Promise<void> {
  const { store, key, version } = await signInOf(ctx);
  const owner = await ctx.newOwner();
  const racers = Array.from({ length: RACERS }, () => ({
    session: makeSession(owner),
    audit: [makeAuditRecord(owner.organizationId, { action: "login.succeeded" })],
  }));
  const results = await Promise.all(
    racers.map(({ session, audit }) =>
      commitOf(store).prepare(
        session,
        audit,
      )({
        key,
        expectedVersion: version,
        next: withFailures(0),
        expiresAt: farExpiry(),
      }),
    ),
  );
  const winners = racers.filter((_, i) => results[i]?.swapped);
  expect(winners).toHaveLength(1);
  for (const [i, { session, audit }] of racers.entries()) {
    const found = await written(store, session, audit);
    const won = results[i]?.swapped === true;
    expect(found.session !== null, `racer ${i}'s session`).toBe(won);
    expect(found.pending.length, `racer ${i}'s entries`).toBe(won ? 1 : 0);
  }
}

/** The optional sign-in commit's cases, declared where the store lists `signInCommit`. */
export function describeSignInCommit(ctx: SuiteContext): void {
  describe("signInCommit (optional)", () => {
    it("names the store's own attempts, sessions and auditOutbox", () => {
      const store = ctx.store();
      const commit = commitOf(store);
      expect(commit.attempts).toBe(store.attempts);
      expect(commit.sessions).toBe(store.sessions);
      expect(commit.auditOutbox).toBe(store.auditOutbox);
    });
    it("at the stored version settles the attempt, creates the session and pushes the audit entries", () =>
      checkCommitWritesAll(ctx));
    it("a removal at the stored version leaves the state empty at version 0", () =>
      checkCommitRemovesTheState(ctx));
    it("at another version writes nothing and answers the stored state", () =>
      checkCommitAtAnotherVersionWritesNothing(ctx));
    it("on a taken session hash throws CONFLICT and writes nothing", () =>
      checkCommitOnATakenHashWritesNothing(ctx));
    it(`of ${RACERS} concurrent commits at one version exactly one writes`, () =>
      checkConcurrentCommitsOneWins(ctx));
  });
}
