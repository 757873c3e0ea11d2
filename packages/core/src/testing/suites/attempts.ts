import { describe, expect, it } from "vitest";
import {
  type AttemptState,
  decideLoginAttempt,
  emptyAttemptState,
  recordFailedAttempt,
} from "../../policy/lockout.js";
import { presets } from "../../policy/presets.js";
import { updateAttemptState } from "../../service/attempts.js";
import { DAY_MS, RACERS, type SuiteContext } from "../context.js";
import { createTestClock, uniqueEmail } from "../fixtures.js";
import { type CorruptAttempt, describeDamagedAttempts } from "./damaged-attempts.js";

/** A key no other run uses, shaped like the service's (the normalised address). */
const newKey = () => `login:${uniqueEmail()}`;

/** A day from the real current time: a native TTL never drops the state during a test. */
const farExpiry = () => new Date(Date.now() + DAY_MS);

/** The `AttemptRepository` cases, and the lockout they make race-free. */
export function describeAttempts(ctx: SuiteContext, corruptAttempt?: CorruptAttempt): void {
  const attempts = () => ctx.store().attempts;

  describe("attempts", () => {
    it("get of an unknown key is the empty state at version 0", async () => {
      expect(await attempts().get(newKey())).toEqual({ state: emptyAttemptState(), version: 0 });
    });

    it("compareAndSet with the stored version stores the state and moves the version", async () => {
      const key = newKey();
      const first: AttemptState = { ...emptyAttemptState(), failures: 1, lastFailureAt: new Date() };
      expect(await attempts().compareAndSet(key, 0, first, farExpiry())).toBe(true);
      const stored = await attempts().get(key);
      expect(stored.state).toEqual(first);
      expect(stored.version).not.toBe(0);

      const second: AttemptState = { ...first, failures: 2 };
      expect(await attempts().compareAndSet(key, stored.version, second, farExpiry())).toBe(true);
      const again = await attempts().get(key);
      expect(again.state).toEqual(second);
      expect(again.version).not.toBe(stored.version);
    });

    it("compareAndSet with a stale version fails and changes nothing", async () => {
      const key = newKey();
      const first: AttemptState = { ...emptyAttemptState(), failures: 1 };
      await attempts().compareAndSet(key, 0, first, farExpiry());
      const current = await attempts().get(key);
      const stale: AttemptState = { ...emptyAttemptState(), failures: 9 };
      expect(await attempts().compareAndSet(key, 0, stale, farExpiry())).toBe(false);
      expect(await attempts().compareAndSet(key, current.version + 1000, stale, farExpiry())).toBe(false);
      expect(await attempts().get(key)).toEqual(current);
    });

    it("the Dates of a state come back as Dates of the same instants", async () => {
      const key = newKey();
      const t = Date.UTC(2025, 0, 6, 9, 0, 0, 250);
      const state: AttemptState = {
        failures: 3,
        failureAts: [new Date(t), new Date(t + 1000), new Date(t + 2000)],
        lastFailureAt: new Date(t + 2000),
        lockedUntil: new Date(t + 1_802_000),
        locks: 1,
        inFlight: [new Date(t + 60_000)],
      };
      await attempts().compareAndSet(key, 0, state, farExpiry());
      const stored = (await attempts().get(key)).state;
      expect(stored).toEqual(state);
      for (const at of [...stored.failureAts, stored.lastFailureAt, stored.lockedUntil, ...stored.inFlight]) {
        expect(at).toBeInstanceOf(Date);
      }
    });

    it("delete forgets the state", async () => {
      const key = newKey();
      await attempts().compareAndSet(key, 0, { ...emptyAttemptState(), failures: 2 }, farExpiry());
      await attempts().delete(key);
      expect(await attempts().get(key)).toEqual({ state: emptyAttemptState(), version: 0 });
    });

    it(`of ${RACERS} concurrent compareAndSet calls with the same version, exactly one succeeds`, async () => {
      const key = newKey();
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          attempts().compareAndSet(key, 0, { ...emptyAttemptState(), failures: i + 1 }, farExpiry()),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await attempts().get(key)).state.failures).toBe(winner + 1);
    });

    it(`${RACERS} concurrent wrong passwords verify at most maxFailures (3) and leave the account locked`, async () => {
      const policy = presets.enterprise.lockout;
      const clock = createTestClock();
      const key = newKey();
      let verified = 0;
      const attempt = async (): Promise<void> => {
        // Reserve before verifying, as the service does: the reservation is what bounds the verifications.
        const decision = await updateAttemptState(attempts(), key, farExpiry, (state) => {
          const decided = decideLoginAttempt(state, policy, clock.now());
          return { next: decided.next, result: decided.kind };
        });
        if (decision !== "verify") return;
        verified += 1;
        await updateAttemptState(attempts(), key, farExpiry, (state) => {
          const { next, lockedUntil } = recordFailedAttempt(state, policy, clock.now());
          return { next, result: lockedUntil };
        });
      };
      await Promise.all(Array.from({ length: RACERS }, attempt));
      expect(verified).toBeGreaterThanOrEqual(1);
      expect(verified).toBeLessThanOrEqual(policy.maxFailures);
      const { state } = await attempts().get(key);
      expect(state.lockedUntil?.getTime() ?? 0).toBeGreaterThan(clock.now().getTime());
      expect(decideLoginAttempt(state, policy, clock.now()).kind).toBe("refuse");
    });

    describeDamagedAttempts(ctx, corruptAttempt);
  });
}
