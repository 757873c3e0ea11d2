import { describe, expect, it } from "vitest";
import { decideLoginAttempt, emptyAttemptState } from "../../policy/lockout.js";
import { presets } from "../../policy/presets.js";
import { swapAttemptState, updateAttemptState } from "../../service/attempts.js";
import type { AttemptRepository } from "../../store/store.js";
import { DAY_MS, type SuiteContext } from "../context.js";
import { uniqueEmail } from "../fixtures.js";

/** Plants a raw attempt record past the adapter's codec (the `corruptAttempt` option of the suite). */
export type CorruptAttempt = (key: string, raw: unknown) => Promise<void>;

const lockedAt = Date.UTC(2025, 0, 6, 9, 0, 0);
const valid = {
  failures: 3,
  failureAts: [new Date(lockedAt - 2000).toISOString(), new Date(lockedAt).toISOString()],
  lastFailureAt: new Date(lockedAt).toISOString(),
  lockedUntil: new Date(lockedAt + 30 * 60_000).toISOString(),
  locks: 1,
  inFlight: [],
};
const { inFlight: _dropped, ...missingField } = valid;

/** Damaged attempt records, each with what is wrong with it: every one MUST fail closed. */
export const damagedAttemptStates: ReadonlyArray<readonly [string, unknown]> = [
  ["a counter stored as a string", { ...valid, failures: "3" }],
  ["a negative counter", { ...valid, failures: -1 }],
  ["a fractional lock count", { ...valid, locks: 0.5 }],
  ["an instant that is not a date", { ...valid, lockedUntil: "tomorrow" }],
  ["an instant stored as a number", { ...valid, lastFailureAt: lockedAt }],
  ["a list of instants that is not a list", { ...valid, inFlight: "none" }],
  ["an unknown field", { ...valid, unlockedBy: "admin" }],
  ["a missing field", missingField],
  ["an empty object", {}],
  ["a bare number", 3],
  ["null", null],
];

/**
 * Checks that an attempt repository refuses a damaged record under `key`: reading it fails with
 * STORAGE_UNAVAILABLE (never the empty state), and a sign-in reservation on it is refused, not verified.
 */
export async function expectDamagedAttemptRefused(
  attempts: AttemptRepository,
  corrupt: CorruptAttempt,
  raw: unknown,
): Promise<void> {
  const key = `login:${uniqueEmail()}`;
  const expiresAt = new Date(Date.now() + DAY_MS);
  expect(await attempts.compareAndSet(key, 0, { ...emptyAttemptState(), failures: 1 }, expiresAt)).toBe(true);
  await corrupt(key, raw);

  await expect(attempts.get(key), "get of a damaged record").rejects.toMatchObject({
    code: "STORAGE_UNAVAILABLE",
  });
  let verified = false;
  const reservation = updateAttemptState(
    attempts,
    key,
    () => expiresAt,
    (state) => {
      const decision = decideLoginAttempt(state, presets.enterprise.lockout, new Date(lockedAt));
      verified = decision.kind === "verify";
      return { next: decision.next, result: decision.kind };
    },
  );
  await expect(reservation, "a reservation on a damaged record").rejects.toMatchObject({
    code: "STORAGE_UNAVAILABLE",
  });
  expect(verified, "a password check was let through").toBe(false);

  // A sign-in reserves without a `get`: the damaged record comes back as compareAndSwap's conflict answer.
  const swapped = attempts.compareAndSwap(
    key,
    0,
    { ...emptyAttemptState(), inFlight: [new Date()] },
    expiresAt,
  );
  await expect(swapped, "compareAndSwap answering a damaged record").rejects.toMatchObject({
    code: "STORAGE_UNAVAILABLE",
  });
  const guessed = swapAttemptState(
    attempts,
    key,
    () => expiresAt,
    (state) => {
      const decision = decideLoginAttempt(state, presets.enterprise.lockout, new Date(lockedAt));
      return { next: decision.next, result: decision.kind };
    },
    { state: emptyAttemptState(), version: 0 },
  );
  await expect(guessed, "a reservation guessing nothing is stored").rejects.toMatchObject({
    code: "STORAGE_UNAVAILABLE",
  });
}

/** The damaged-record cases, declared only when the adapter can plant one. */
export function describeDamagedAttempts(ctx: SuiteContext, corrupt: CorruptAttempt | undefined): void {
  if (corrupt === undefined) return;
  describe("a damaged attempt record fails closed", () => {
    it.each(damagedAttemptStates)("%s: STORAGE_UNAVAILABLE, never read as no failures", async (_, raw) => {
      await expectDamagedAttemptRefused(ctx.store().attempts, corrupt, raw);
    });
  });
}
