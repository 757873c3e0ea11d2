import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type AttemptState,
  decideEmailChange,
  decideLoginAttempt,
  emptyAttemptState,
  mergeAttemptStates,
  presets,
  tokenKinds,
} from "../../src/policy/index.js";
import { at, login, logins, minute, second } from "./lockout-helpers.js";

const enterprise = presets.enterprise.lockout;
const team = presets.team.lockout;

describe("decideEmailChange", () => {
  test("the team preset forbids it (delete and add again)", () => {
    expect(decideEmailChange(presets.team.emailChange, { self: false })).toEqual({
      kind: "refuse",
      reason: "forbidden",
    });
  });

  test("one's own change confirms the password; every change voids every token and the temporary password", () => {
    const own = decideEmailChange("relogin", { self: true });
    const other = decideEmailChange("relogin", { self: false });
    expect(own).toMatchObject({ kind: "change", confirmPassword: true, clearTemporaryPassword: true });
    expect(other).toMatchObject({ kind: "change", confirmPassword: false, clearTemporaryPassword: true });
    expect(own.kind === "change" && [...own.revokeTokens].sort()).toEqual([...tokenKinds].sort());
  });
});

describe("mergeAttemptStates: the lock follows the person", () => {
  test("a locked old address keeps its lock and counter on a fresh new one", () => {
    const locked = logins(emptyAttemptState(), enterprise, [
      [0, "wrong"],
      [5 * second, "wrong"],
      [10 * second, "wrong"],
    ]).state;
    const merged = mergeAttemptStates(emptyAttemptState(), locked, enterprise);
    expect(merged).toMatchObject({ failures: 3, lockedUntil: at(10 * second + 30 * minute), locks: 1 });
    expect(merged.lastFailureAt).toEqual(at(10 * second));
    // The lock ends on time, and the very next failure locks again.
    const after = login(merged, enterprise, at(10 * second + 30 * minute), "wrong");
    expect(after.outcome).toBe("failed and locked");
  });

  test("the later lock, the higher counter and the later last failure win, whichever side holds them", () => {
    const older: AttemptState = {
      ...emptyAttemptState(),
      failures: 5,
      lastFailureAt: at(0),
      lockedUntil: at(30 * minute),
      locks: 2,
    };
    const newer: AttemptState = { ...emptyAttemptState(), failures: 1, lastFailureAt: at(minute) };
    expect(mergeAttemptStates(newer, older, enterprise)).toMatchObject({
      failures: 5,
      lastFailureAt: at(minute),
      lockedUntil: at(30 * minute),
      locks: 2,
    });
  });

  test("merging an empty state, or the same state twice, changes nothing (the same object: no write)", () => {
    const state = logins(emptyAttemptState(), enterprise, [[0, "wrong"]]).state;
    expect(mergeAttemptStates(state, emptyAttemptState(), enterprise)).toBe(state);
    const once = mergeAttemptStates(emptyAttemptState(), state, enterprise);
    expect(mergeAttemptStates(once, state, enterprise)).toBe(once);
  });

  const attempts = fc.array(
    fc.tuple(fc.integer({ min: 0, max: 3 * 60 * minute }), fc.constantFrom("right", "wrong", "wrong")),
    { maxLength: 12 },
  );
  for (const [name, policy] of [
    ["enterprise", enterprise],
    ["team", team],
  ] as const) {
    test(`never lets an attempt through that either address would refuse as locked (${name}, fast-check)`, () => {
      fc.assert(
        fc.property(attempts, attempts, fc.integer({ min: 0, max: 4 * 60 * minute }), (a, b, probe) => {
          const sorted = (list: typeof a) => [...list].sort(([x], [y]) => x - y);
          const into = logins(emptyAttemptState(), policy, sorted(a)).state;
          const from = logins(emptyAttemptState(), policy, sorted(b)).state;
          const merged = mergeAttemptStates(into, from, policy);
          expect(merged.failures).toBeGreaterThanOrEqual(Math.max(into.failures, from.failures));
          expect(merged.lockedUntil?.getTime() ?? 0).toBeGreaterThanOrEqual(
            Math.max(into.lockedUntil?.getTime() ?? 0, from.lockedUntil?.getTime() ?? 0),
          );
          const now = at(probe);
          const lockedAt = (state: AttemptState) => {
            const decision = decideLoginAttempt(state, policy, now);
            return decision.kind === "refuse" && decision.reason === "locked";
          };
          if (lockedAt(into) || lockedAt(from)) expect(lockedAt(merged)).toBe(true);
          expect(mergeAttemptStates(merged, from, policy)).toBe(merged);
        }),
      );
    });
  }
});
