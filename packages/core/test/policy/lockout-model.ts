import { expect } from "vitest";
import {
  type AttemptState,
  decideLoginAttempt,
  emptyAttemptState,
  type LockoutPolicy,
  recordFailedAttempt,
  recordSuccessfulLogin,
  releaseAttempt,
  unlockAttempts,
} from "../../src/policy/index.js";
import { at } from "./lockout-helpers.js";

/**
 * A scenario for the property tests: attempts whose check ends right, wrong, with the second factor still
 * pending (release) or never (a crashed process); settlements of pending checks, in any order; time; and
 * administrator unlocks. Checks run concurrently: an attempt's reservation and its settlement are apart.
 */
export type Event =
  | { type: "attempt"; outcome: "right" | "wrong" | "crash" | "release" }
  | { type: "settle"; pick: number }
  | { type: "advance"; ms: number }
  | { type: "advance-to-lock-end"; offsetMs: -1 | 0 }
  | { type: "unlock" };

interface Reservation {
  outcome: "right" | "wrong" | "release" | "crash";
  expiresAt: number;
}

/** The failures that count at `t`, computed independently of the code under test. */
function counted(state: AttemptState, policy: LockoutPolicy, t: number): number {
  const windowMs = policy.failureWindowMs;
  return windowMs === null
    ? state.failures
    : state.failureAts.filter((f) => t - f.getTime() < windowMs).length;
}

/**
 * Runs a scenario and checks after every event:
 * 1. no more than `maxFailures` checks end in failure between two resets (a success, a lock's start, an
 *    unlock), counting with a sliding window only the failures inside it;
 * 2. a lock lasts exactly `lockDurationMs` and is never moved while it holds (only an allowed unlock ends it);
 * 3. `failures` never goes down but by a success or an unlock (time never lowers it);
 * 4. no check starts while locked;
 * 5. the live reservations never exceed the allowance `max(1, maxFailures - counted)`, and every check
 *    still under way (crashed ones too, until they expire) is counted among them.
 */
export function runScenario(
  policy: LockoutPolicy,
  events: readonly Event[],
  start: { state: AttemptState; now: number } = { state: emptyAttemptState(), now: at(0).getTime() },
): { state: AttemptState; now: number } {
  let { state, now } = start;
  let reservations: Reservation[] = [];
  let periodFailures: number[] = [];

  const apply = (next: AttemptState, reset: "success" | "unlock" | null): void => {
    const prev = state;
    if (reset === null) expect(next.failures).toBeGreaterThanOrEqual(prev.failures);
    const lockMoved = next.lockedUntil?.getTime() !== prev.lockedUntil?.getTime();
    if (lockMoved && next.lockedUntil !== null) {
      expect(prev.lockedUntil === null || prev.lockedUntil.getTime() <= now).toBe(true);
      expect(next.lockedUntil.getTime() - now).toBe(policy.lockDurationMs);
      periodFailures = [];
    } else if (lockMoved) {
      expect(reset).toBe("unlock");
    }
    state = next;
    expect(state.failureAts.length).toBeLessThanOrEqual(policy.maxFailures);
    const live = state.inFlight.filter((e) => e.getTime() > now).length;
    expect(live).toBeLessThanOrEqual(Math.max(1, policy.maxFailures - counted(state, policy, now)));
    expect(live).toBeGreaterThanOrEqual(reservations.filter((r) => r.expiresAt > now).length);
  };

  for (const event of events) {
    if (event.type === "advance") {
      now += event.ms;
    } else if (event.type === "advance-to-lock-end") {
      // Lands on the last locked millisecond or the first free one, where an off-by-one would show.
      now = Math.max(now, (state.lockedUntil?.getTime() ?? now) + event.offsetMs);
    } else if (event.type === "attempt") {
      const decision = decideLoginAttempt(state, policy, new Date(now));
      const wasLocked = state.lockedUntil !== null && now < state.lockedUntil.getTime();
      if (wasLocked) expect(decision).toMatchObject({ kind: "refuse", reason: "locked", next: state });
      if (!wasLocked && decision.kind === "refuse" && decision.reason === "locked") {
        expect(decision.lockedUntil.getTime() - now).toBe(policy.lockDurationMs);
      }
      if (decision.kind === "verify") {
        reservations.push({ outcome: event.outcome, expiresAt: now + policy.reservationTtlMs });
      }
      apply(decision.next, null);
    } else if (event.type === "settle") {
      // A check that outlives its reservation is a crashed process: it is never settled.
      const settleable = reservations.filter((r) => r.outcome !== "crash" && r.expiresAt > now);
      const settled = settleable[event.pick % Math.max(1, settleable.length)];
      reservations = reservations.filter((r) => r !== settled);
      if (settled === undefined) continue;
      if (settled.outcome === "right") {
        apply(recordSuccessfulLogin(state, policy, new Date(now)), "success");
        periodFailures = [];
      } else if (settled.outcome === "release") {
        apply(releaseAttempt(state, new Date(now)), null);
      } else if (settled.outcome === "wrong") {
        periodFailures.push(now);
        const windowMs = policy.failureWindowMs ?? Infinity;
        const recent = periodFailures.filter((f) => now - f < windowMs);
        expect(recent.length).toBeLessThanOrEqual(policy.maxFailures);
        apply(recordFailedAttempt(state, policy, new Date(now)).next, null);
      }
    } else if (event.type === "unlock") {
      const result = unlockAttempts(state, policy, new Date(now));
      expect(result.kind).toBe(policy.adminUnlock ? "unlocked" : "refuse");
      if (result.kind === "unlocked") {
        apply(result.next, "unlock");
        periodFailures = [];
      }
    }
  }
  return { state, now };
}
