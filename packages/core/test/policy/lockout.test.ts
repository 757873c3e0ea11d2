import { describe, expect, test } from "vitest";
import {
  decideLoginAttempt,
  emptyAttemptState,
  presets,
  recordFailedAttempt,
  recordSuccessfulLogin,
  releaseAttempt,
  unlockAttempts,
} from "../../src/policy/index.js";
import { at, day, login, logins, minute, second } from "./lockout-helpers.js";

const policy = presets.enterprise.lockout;

describe("enterprise lockout (seed 000)", () => {
  test("three failures within 15 minutes lock the account for 30 minutes", () => {
    const { state, outcomes } = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [5 * minute, "wrong"],
      [14 * minute, "wrong"],
    ]);
    expect(outcomes).toEqual(["failed", "failed", "failed and locked"]);
    expect(state.lockedUntil).toEqual(at(44 * minute));
    expect(state.locks).toBe(1);
  });

  test("three failures spread over days lock the account", () => {
    const { state, outcomes } = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [3 * day, "wrong"],
      [40 * day, "wrong"],
    ]);
    expect(outcomes).toEqual(["failed", "failed", "failed and locked"]);
    expect(state.failures).toBe(3);
  });

  test("a retry within 3 s of a failure locks the account without checking it", () => {
    const first = login(emptyAttemptState(), policy, at(0), "wrong");
    const retry = decideLoginAttempt(first.state, policy, at(2999));
    expect(retry).toMatchObject({ kind: "refuse", reason: "locked", lockedUntil: at(2999 + 30 * minute) });
    // Not checked, so not a failure either: the counter stays at one.
    expect(retry.next.failures).toBe(1);
    expect(retry.next.inFlight).toEqual([]);
  });

  test("an attempt 3 s or more after a failure is checked", () => {
    const first = login(emptyAttemptState(), policy, at(0), "wrong");
    expect(decideLoginAttempt(first.state, policy, at(3 * second)).kind).toBe("verify");
  });

  test("while locked every attempt is refused and the lock is not extended", () => {
    const locked = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [minute, "wrong"],
      [2 * minute, "wrong"],
    ]).state;
    for (const ms of [2 * minute + 1, 10 * minute, 31 * minute, 32 * minute - 1]) {
      const decision = decideLoginAttempt(locked, policy, at(ms));
      expect(decision).toEqual({
        kind: "refuse",
        reason: "locked",
        lockedUntil: at(32 * minute),
        next: locked,
      });
    }
  });

  test("the lock ends exactly 30 minutes after it began", () => {
    const locked = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [minute, "wrong"],
      [2 * minute, "wrong"],
    ]).state;
    expect(decideLoginAttempt(locked, policy, at(32 * minute - 1)).kind).toBe("refuse");
    expect(decideLoginAttempt(locked, policy, at(32 * minute)).kind).toBe("verify");
  });

  test("after a lock ends one more failure locks again", () => {
    const { state, outcomes } = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [minute, "wrong"],
      [2 * minute, "wrong"],
      [40 * minute, "wrong"],
    ]);
    expect(outcomes.at(-1)).toBe("failed and locked");
    expect(state.lockedUntil).toEqual(at(70 * minute));
    expect(state.locks).toBe(2);
  });

  test("a success resets the counter", () => {
    const { state, outcomes } = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [minute, "wrong"],
      [2 * minute, "right"],
      [3 * minute, "wrong"],
      [4 * minute, "wrong"],
    ]);
    expect(outcomes).toEqual(["failed", "failed", "succeeded", "failed", "failed"]);
    expect(state.failures).toBe(2);
    expect(state.lockedUntil).toBeNull();
  });

  test("a success does not lift a lock", () => {
    // A right password's check is under way when another attempt fails and a quick retry locks.
    const right = decideLoginAttempt(emptyAttemptState(), policy, at(0));
    const wrong = decideLoginAttempt(right.next, policy, at(100));
    const failed = recordFailedAttempt(wrong.next, policy, at(200));
    const retry = decideLoginAttempt(failed.next, policy, at(1000));
    expect(retry).toMatchObject({ kind: "refuse", reason: "locked", lockedUntil: at(1000 + 30 * minute) });
    const succeeded = recordSuccessfulLogin(retry.next, policy, at(1500));
    expect(succeeded.failures).toBe(0);
    expect(succeeded.lockedUntil).toEqual(at(1000 + 30 * minute));
    expect(decideLoginAttempt(succeeded, policy, at(2000)).kind).toBe("refuse");
  });

  test("an administrator cannot lift an enterprise lock", () => {
    const locked = logins(emptyAttemptState(), policy, [
      [0, "wrong"],
      [minute, "wrong"],
      [2 * minute, "wrong"],
    ]).state;
    expect(unlockAttempts(locked, policy, at(3 * minute))).toEqual({ kind: "refuse", reason: "not-allowed" });
  });

  test("a double-submitted correct login is not locked", () => {
    const first = decideLoginAttempt(emptyAttemptState(), policy, at(0));
    const second = decideLoginAttempt(first.next, policy, at(100));
    expect([first.kind, second.kind]).toEqual(["verify", "verify"]);
    const settled = recordSuccessfulLogin(
      recordSuccessfulLogin(second.next, policy, at(200)),
      policy,
      at(300),
    );
    expect(settled).toEqual(emptyAttemptState());
  });

  test("a wrong second-factor code counts as a failure", () => {
    // The password was right: the reservation is released and the code's check takes its own.
    const password = decideLoginAttempt(emptyAttemptState(), policy, at(0));
    const released = releaseAttempt(password.next, at(500));
    const code = decideLoginAttempt(released, policy, at(20 * second));
    expect(code.kind).toBe("verify");
    const failed = recordFailedAttempt(code.next, policy, at(21 * second));
    expect(failed.next).toMatchObject({ failures: 1, lastFailureAt: at(21 * second), inFlight: [] });
  });
});
