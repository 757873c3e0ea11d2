import { describe, expect, test } from "vitest";
import {
  decideLoginAttempt,
  emptyAttemptState,
  type LockoutPolicy,
  presets,
  recordFailedAttempt,
  unlockAttempts,
  validateLockoutPolicy,
} from "../../src/policy/index.js";
import { at, logins, minute, second } from "./lockout-helpers.js";

const enterprise = presets.enterprise.lockout;
const team = presets.team.lockout;
const noDelay: LockoutPolicy = { ...team, progressiveDelay: null };

describe("lockout options beyond the enterprise seed", () => {
  test("the sliding window forgets old failures", () => {
    const wrongs = [0, 1, 2, 3].map((m) => [m * minute, "wrong"] as const);
    const { state, outcomes } = logins(emptyAttemptState(), noDelay, [...wrongs, [20 * minute, "wrong"]]);
    expect(outcomes).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    // Five failures since the last success, but only one inside the last 15 minutes.
    expect(state.failures).toBe(5);
    expect(state.lockedUntil).toBeNull();
  });

  test("five failures inside the sliding window lock the account", () => {
    const wrongs = [0, 1, 2, 3, 4].map((m) => [m * minute, "wrong"] as const);
    const { state, outcomes } = logins(emptyAttemptState(), noDelay, wrongs);
    expect(outcomes.at(-1)).toBe("failed and locked");
    expect(state.lockedUntil).toEqual(at(4 * minute + 15 * minute));
  });

  test("progressive delay refuses an attempt before base * factor^(n-1) has passed, without locking", () => {
    const { state } = logins(emptyAttemptState(), team, [
      [0, "wrong"],
      [5 * second, "wrong"],
      [10 * second, "wrong"],
    ]);
    // Third failure at 10 s: the next attempt waits 1 s * 2^2 = 4 s.
    const early = decideLoginAttempt(state, team, at(13_999));
    expect(early).toMatchObject({ kind: "refuse", reason: "delayed", retryAt: at(14 * second) });
    expect(early.next.lockedUntil).toBeNull();
    expect(early.next.failures).toBe(3);
    expect(decideLoginAttempt(state, team, at(14 * second)).kind).toBe("verify");
  });

  test("progressive delay is capped at maxMs", () => {
    const state = {
      ...emptyAttemptState(),
      failures: 4,
      failureAts: [0, 1, 2, 3].map(at),
      lastFailureAt: at(3),
    };
    const policy: LockoutPolicy = {
      ...team,
      maxFailures: 50,
      progressiveDelay: { baseMs: 1000, factor: 10, maxMs: 5000 },
    };
    expect(decideLoginAttempt(state, policy, at(3))).toMatchObject({ reason: "delayed", retryAt: at(5003) });
  });

  test("concurrent checks beyond the failures left are refused as busy", () => {
    const twoFailures = logins(emptyAttemptState(), enterprise, [
      [0, "wrong"],
      [minute, "wrong"],
    ]).state;
    const first = decideLoginAttempt(twoFailures, enterprise, at(2 * minute));
    expect(first.kind).toBe("verify");
    const second = decideLoginAttempt(first.next, enterprise, at(2 * minute + 10));
    expect(second).toMatchObject({ kind: "refuse", reason: "busy", retryAt: at(3 * minute) });
  });

  test("an unsettled reservation expires", () => {
    const twoFailures = logins(emptyAttemptState(), enterprise, [
      [0, "wrong"],
      [minute, "wrong"],
    ]).state;
    // This process crashes after reserving: its reservation blocks others only until its TTL.
    const crashed = decideLoginAttempt(twoFailures, enterprise, at(2 * minute)).next;
    expect(decideLoginAttempt(crashed, enterprise, at(3 * minute - 1)).kind).toBe("refuse");
    const later = decideLoginAttempt(crashed, enterprise, at(3 * minute));
    expect(later.kind).toBe("verify");
    expect(later.next.inFlight).toEqual([at(4 * minute)]);
  });

  test("a failure settled during a lock does not extend it", () => {
    const state = {
      ...emptyAttemptState(),
      failures: 3,
      lockedUntil: at(10 * minute),
      inFlight: [at(minute)],
    };
    const failed = recordFailedAttempt(state, enterprise, at(30 * second));
    expect(failed.lockedUntil).toBeNull();
    expect(failed.next.lockedUntil).toEqual(at(10 * minute));
  });

  test("an administrator may lift a lock when the policy allows it, and the counter with it", () => {
    const locked = logins(
      emptyAttemptState(),
      noDelay,
      [0, 1, 2, 3, 4].map((m) => [m * minute, "wrong"] as const),
    );
    const unlocked = unlockAttempts(locked.state, team, at(5 * minute));
    expect(unlocked).toMatchObject({ kind: "unlocked", next: { lockedUntil: null, failures: 0, locks: 0 } });
  });
});

describe("validateLockoutPolicy", () => {
  test("accepts both presets", () => {
    expect(() => validateLockoutPolicy(enterprise)).not.toThrow();
    expect(() => validateLockoutPolicy(team)).not.toThrow();
  });

  test.each<[string, Partial<LockoutPolicy>]>([
    ["maxFailures below 1", { maxFailures: 0 }],
    ["a fractional maxFailures", { maxFailures: 2.5 }],
    ["a negative lock duration", { lockDurationMs: -1 }],
    ["an infinite lock duration", { lockDurationMs: Infinity }],
    ["a negative quick-retry interval", { quickRetryMs: -1 }],
    ["a zero failure window", { failureWindowMs: 0 }],
    ["a zero reservation TTL", { reservationTtlMs: 0 }],
    ["a shrinking progressive delay", { progressiveDelay: { baseMs: 1000, factor: 0.5, maxMs: 2000 } }],
    ["a delay cap below its base", { progressiveDelay: { baseMs: 1000, factor: 2, maxMs: 500 } }],
  ])("refuses %s with a CONFIGURATION error", (_, change) => {
    expect(() => validateLockoutPolicy({ ...enterprise, ...change })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});
