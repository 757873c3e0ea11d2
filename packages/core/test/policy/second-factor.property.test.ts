import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type AttemptState,
  decideFactorAttempt,
  emptyAttemptState,
  presets,
  recordFactorFailure,
  recordFactorSuccess,
  releaseFactorAttempt,
  resetFactorFailures,
  validateMfaPolicy,
} from "../../src/policy/index.js";

const TTL = 60_000;

type Op =
  | { type: "reserve" }
  | { type: "settle"; outcome: "wrong" | "right" | "release" }
  | { type: "advance"; ms: number }
  | { type: "reset" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ type: "reserve" as const }) },
  {
    weight: 5,
    arbitrary: fc
      .constantFrom("wrong", "wrong", "wrong", "right", "release")
      .map((outcome) => ({ type: "settle" as const, outcome: outcome as "wrong" | "right" | "release" })),
  },
  // Below the reservation's lifetime: every check settles (crashed checks are the lockout model's business).
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: TTL / 100 }).map((ms) => ({ type: "advance" as const, ms })),
  },
  { weight: 1, arbitrary: fc.constant({ type: "reset" as const }) },
);

describe("second-factor counter invariants (fast-check)", () => {
  test("the counter never decreases but at a complete sign-in or a reset; never more than the cap checks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
        fc.array(op, { maxLength: 120 }),
        (maxFailures, kindMaxFailures, ops) => {
          const limits = { maxFailures, kindMaxFailures };
          const cap = Math.min(maxFailures, kindMaxFailures ?? maxFailures);
          let state: AttemptState = emptyAttemptState();
          let now = 0;
          let open = 0; // checks reserved and not settled
          let checkedWrongSinceReset = 0;
          let locks = 0;
          for (const step of ops) {
            const before = state.failures;
            if (step.type === "reserve") {
              const decision = decideFactorAttempt(state, limits, TTL, new Date(now));
              state = decision.next;
              if (decision.kind === "verify") open++;
              else expect(decision.next.failures).toBe(before);
              // Failures plus checks in flight never exceed the cap: no more than `cap` codes are checked.
              expect(checkedWrongSinceReset + open).toBeLessThanOrEqual(cap);
              if (before >= maxFailures) expect(decision.kind).toBe("refuse");
            } else if (step.type === "settle" && open > 0) {
              open--;
              if (step.outcome === "wrong") {
                const { next, locked } = recordFactorFailure(state, limits, new Date(now));
                state = next;
                checkedWrongSinceReset++;
                if (locked) locks++;
                expect(state.failures).toBe(before + 1);
              } else if (step.outcome === "right") {
                state = recordFactorSuccess(state, new Date(now));
                checkedWrongSinceReset = 0;
                locks = 0;
              } else {
                state = releaseFactorAttempt(state, new Date(now));
                expect(state.failures).toBe(before);
              }
            } else if (step.type === "advance") {
              now += step.ms;
              expect(state.failures).toBe(before);
            } else if (step.type === "reset") {
              state = resetFactorFailures(state, new Date(now));
              checkedWrongSinceReset = 0;
              locks = 0;
            }
            // The lock is announced once per run up to the cap, never again until a reset or success.
            expect(locks).toBeLessThanOrEqual(1);
            expect(state.failures).toBeLessThanOrEqual(cap);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("decideFactorAttempt", () => {
  const limits = { maxFailures: 10, kindMaxFailures: 5 };
  const at = (failures: number): AttemptState => ({ ...emptyAttemptState(), failures });

  test("a weaker kind stops at its own cap, the user's cap stops every kind", () => {
    expect(decideFactorAttempt(at(4), limits, TTL, new Date(0)).kind).toBe("verify");
    expect(decideFactorAttempt(at(5), limits, TTL, new Date(0))).toMatchObject({ reason: "kind-exhausted" });
    const anyKind = { maxFailures: 10, kindMaxFailures: null };
    expect(decideFactorAttempt(at(9), anyKind, TTL, new Date(0)).kind).toBe("verify");
    expect(decideFactorAttempt(at(10), anyKind, TTL, new Date(0))).toMatchObject({ reason: "locked" });
  });

  test("time does not lower the counter: a year later the lock still holds", () => {
    const yearMs = 365 * 24 * 3_600_000;
    const decision = decideFactorAttempt(at(10), limits, TTL, new Date(yearMs));
    expect(decision).toMatchObject({ kind: "refuse", reason: "locked" });
  });

  test("the failure that reaches the cap reports the lock, once", () => {
    expect(recordFactorFailure(at(8), limits, new Date(0)).locked).toBe(false);
    expect(recordFactorFailure(at(9), limits, new Date(0)).locked).toBe(true);
    expect(recordFactorFailure(at(10), limits, new Date(0)).locked).toBe(false);
  });

  test("both presets cap at 10, and a cap above NIST's 100 is a configuration error", () => {
    expect(presets.enterprise.mfa.maxFactorFailures).toBe(10);
    expect(presets.team.mfa.maxFactorFailures).toBe(10);
    expect(() => validateMfaPolicy({ ...presets.enterprise.mfa, maxFactorFailures: 101 })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
    expect(() => validateMfaPolicy({ ...presets.enterprise.mfa, maxFactorFailures: 0 })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});
