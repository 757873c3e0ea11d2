import { describe, expect, it } from "vitest";
import {
  type AttemptState,
  decideLoginAttempt,
  emptyAttemptState,
  recordFailedAttempt,
} from "../../policy/lockout.js";
import { presets } from "../../policy/presets.js";
import { swapAttemptState } from "../../service/attempts.js";
import type { VersionedAttemptState } from "../../store/store.js";
import { DAY_MS, RACERS, type SuiteContext } from "../context.js";
import { createTestClock, uniqueEmail } from "../fixtures.js";

const newKey = () => `login:${uniqueEmail()}`;
const farExpiry = () => new Date(Date.now() + DAY_MS);
const withFailures = (failures: number): AttemptState => ({ ...emptyAttemptState(), failures });
const NOTHING: VersionedAttemptState = { state: emptyAttemptState(), version: 0 };

/** A swap at the stored version stores the state and answers the version `get` then reads. */
export async function checkSwapStoresAndAnswersTheVersion(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const key = newKey();
  const first = await attempts.compareAndSwap(key, 0, withFailures(1), farExpiry());
  if (!first.swapped) throw new Error("a first swap at version 0 on a new key did not store");
  expect(first.version).not.toBe(0);
  expect(await attempts.get(key)).toEqual({ state: withFailures(1), version: first.version });

  const second = await attempts.compareAndSwap(key, first.version, withFailures(2), farExpiry());
  if (!second.swapped) throw new Error("a swap at the stored version did not store");
  expect(second.version).not.toBe(first.version);
  expect(await attempts.get(key)).toEqual({ state: withFailures(2), version: second.version });
}

/** A swap at another version changes nothing and answers the stored state and version. */
export async function checkSwapConflictAnswersTheStoredState(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const key = newKey();
  const stored = await attempts.compareAndSwap(key, 0, withFailures(3), farExpiry());
  if (!stored.swapped) throw new Error("a first swap at version 0 on a new key did not store");
  const current = { state: withFailures(3), version: stored.version };
  for (const stale of [0, stored.version + 1000]) {
    expect(await attempts.compareAndSwap(key, stale, withFailures(9), farExpiry()), `at ${stale}`).toEqual({
      swapped: false,
      current,
    });
    expect(await attempts.compareAndSwap(key, stale, null, farExpiry()), `removal at ${stale}`).toEqual({
      swapped: false,
      current,
    });
  }
  expect(await attempts.get(key)).toEqual(current);
  // Nothing stored: the conflict answers the empty state at version 0, and stores nothing.
  const absent = newKey();
  expect(await attempts.compareAndSwap(absent, 7, withFailures(1), farExpiry())).toEqual({
    swapped: false,
    current: NOTHING,
  });
  expect(await attempts.get(absent)).toEqual(NOTHING);
}

/**
 * A removal (`next === null`) at the stored version removes the state, answers version 0, and a caller still
 * holding the removed version can write nothing afterwards (no ABA through a removal).
 */
export async function checkSwapRemovesOnlyAtTheVersion(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const key = newKey();
  const stored = await attempts.compareAndSwap(key, 0, withFailures(1), farExpiry());
  if (!stored.swapped) throw new Error("a first swap at version 0 on a new key did not store");
  expect(await attempts.compareAndSwap(key, stored.version, null, farExpiry())).toEqual({
    swapped: true,
    version: 0,
  });
  expect(await attempts.get(key)).toEqual(NOTHING);
  // Removing what is not there, at version 0, is a removal too.
  expect(await attempts.compareAndSwap(key, 0, null, farExpiry())).toEqual({ swapped: true, version: 0 });

  const again = await attempts.compareAndSwap(key, 0, withFailures(2), farExpiry());
  if (!again.swapped) throw new Error("a swap at version 0 after a removal did not store");
  expect(again.version, "a version handed out before the removal").not.toBe(stored.version);
  const current = { state: withFailures(2), version: again.version };
  expect(await attempts.compareAndSwap(key, stored.version, withFailures(99), farExpiry())).toEqual({
    swapped: false,
    current,
  });
  expect(await attempts.compareAndSwap(key, stored.version, null, farExpiry())).toEqual({
    swapped: false,
    current,
  });
  expect(await attempts.get(key)).toEqual(current);
}

/**
 * Of RACERS concurrent swaps at the same version exactly one stores, and every other answers the winner's
 * state and version (nothing else writes meanwhile); the same again at the winner's version.
 */
export async function checkSwapRace(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const key = newKey();
  let expected = 0;
  for (const base of [0, 1000]) {
    const results = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        attempts.compareAndSwap(key, expected, withFailures(base + i + 1), farExpiry()),
      ),
    );
    const winners = results.flatMap((r, i) => (r.swapped ? [{ i, version: r.version }] : []));
    expect(winners, "swaps that stored").toHaveLength(1);
    const winner = winners[0] as { i: number; version: number };
    const current = { state: withFailures(base + winner.i + 1), version: winner.version };
    for (const result of results) if (!result.swapped) expect(result.current).toEqual(current);
    expect(await attempts.get(key)).toEqual(current);
    expected = winner.version;
  }
}

/**
 * RACERS concurrent wrong passwords, each reserving the way a sign-in does (guessing that nothing is stored,
 * one swap) and settling from the version its reservation stored, verify at most maxFailures (3) and leave
 * the account locked.
 */
export async function checkGuessedReservationsBoundGuesses(ctx: SuiteContext): Promise<void> {
  const attempts = ctx.store().attempts;
  const policy = presets.enterprise.lockout;
  const clock = createTestClock();
  const key = newKey();
  let verified = 0;
  const attempt = async (): Promise<void> => {
    const reserved = await swapAttemptState(
      attempts,
      key,
      farExpiry,
      (state) => {
        const decided = decideLoginAttempt(state, policy, clock.now());
        return { next: decided.next, result: decided.kind };
      },
      NOTHING,
    );
    if (reserved.result !== "verify") return;
    verified += 1;
    await swapAttemptState(
      attempts,
      key,
      farExpiry,
      (state) => {
        const { next, lockedUntil } = recordFailedAttempt(state, policy, clock.now());
        return { next, result: lockedUntil };
      },
      reserved.stored,
    );
  };
  await Promise.all(Array.from({ length: RACERS }, attempt));
  expect(verified).toBeGreaterThanOrEqual(1);
  expect(verified).toBeLessThanOrEqual(policy.maxFailures);
  const { state } = await attempts.get(key);
  expect(state.lockedUntil?.getTime() ?? 0).toBeGreaterThan(clock.now().getTime());
  expect(decideLoginAttempt(state, policy, clock.now()).kind).toBe("refuse");
}

/** The `compareAndSwap` cases: one round trip to reserve or settle a sign-in attempt. */
export function describeAttemptSwap(ctx: SuiteContext): void {
  describe("attempts.compareAndSwap", () => {
    it("at the stored version it stores the state and answers the version get then reads", () =>
      checkSwapStoresAndAnswersTheVersion(ctx));
    it("at another version it changes nothing and answers the stored state and version", () =>
      checkSwapConflictAnswersTheStoredState(ctx));
    it("a removal (next null) removes only at the stored version, and the removed version never writes again", () =>
      checkSwapRemovesOnlyAtTheVersion(ctx));
    it(`of ${RACERS} concurrent swaps at one version exactly one stores, the others answer its state`, () =>
      checkSwapRace(ctx));
    it(`${RACERS} concurrent wrong passwords reserving with one swap each verify at most maxFailures (3)`, () =>
      checkGuessedReservationsBoundGuesses(ctx));
  });
}
