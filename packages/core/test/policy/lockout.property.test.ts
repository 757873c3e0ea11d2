import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type LockoutPolicy, presets } from "../../src/policy/index.js";
import { day, minute, second } from "./lockout-helpers.js";
import { type Event, runScenario } from "./lockout-model.js";

const event: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant("attempt"),
      outcome: fc.constantFrom("right", "wrong", "wrong", "crash", "release"),
    }),
  },
  { weight: 4, arbitrary: fc.record({ type: fc.constant("settle"), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("advance"),
      ms: fc.oneof(
        fc.constantFrom(0, 1, 2999, 3000),
        fc.integer({ min: 0, max: 4 * second }),
        fc.integer({ min: 0, max: 20 * minute }),
        fc.integer({ min: 0, max: 3 * day }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("advance-to-lock-end"), offsetMs: fc.constantFrom(-1, 0) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("unlock") }) },
) as fc.Arbitrary<Event>;

const events = fc.array(event, { maxLength: 80 });

const randomPolicy: fc.Arbitrary<LockoutPolicy> = fc.record({
  maxFailures: fc.integer({ min: 1, max: 6 }),
  lockDurationMs: fc.integer({ min: second, max: 2 * 60 * minute }),
  quickRetryMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * second })),
  failureWindowMs: fc.option(fc.integer({ min: second, max: 60 * minute }), { nil: null }),
  adminUnlock: fc.boolean(),
  progressiveDelay: fc.option(
    fc
      .record({
        baseMs: fc.integer({ min: 1, max: 5 * second }),
        factor: fc.double({ min: 1, max: 3, noNaN: true }),
        extraMs: fc.nat(60 * second),
      })
      .map(({ baseMs, factor, extraMs }) => ({ baseMs, factor, maxMs: baseMs + extraMs })),
    { nil: null },
  ),
  reservationTtlMs: fc.integer({ min: second, max: 2 * minute }),
  revealLocked: fc.boolean(),
});

describe("lockout invariants (fast-check)", () => {
  // Each scenario checks every invariant after every event; see lockout-model.ts for the list.
  test("hold for the enterprise policy under random attempts, settlements, crashes and time", () => {
    fc.assert(
      fc.property(events, (scenario) => {
        runScenario(presets.enterprise.lockout, scenario);
      }),
      { numRuns: 1000 },
    );
  });

  test("hold for random policies", () => {
    fc.assert(
      fc.property(randomPolicy, events, (policy, scenario) => {
        runScenario(policy, scenario);
      }),
      { numRuns: 2000 },
    );
  });

  test("time passing never lowers the counter when failures do not decay", () => {
    fc.assert(
      fc.property(events, fc.integer({ min: 0, max: 365 * day }), (scenario, laterMs) => {
        const { state, now } = runScenario(presets.enterprise.lockout, scenario);
        const result = runScenario(
          presets.enterprise.lockout,
          [
            { type: "advance", ms: laterMs },
            { type: "attempt", outcome: "crash" },
          ],
          { state, now },
        );
        expect(result.state.failures).toBeGreaterThanOrEqual(state.failures);
      }),
      { numRuns: 300 },
    );
  });
});
