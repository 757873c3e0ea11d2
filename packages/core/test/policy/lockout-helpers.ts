import {
  type AttemptDecision,
  type AttemptState,
  decideLoginAttempt,
  type LockoutPolicy,
  recordFailedAttempt,
  recordSuccessfulLogin,
} from "../../src/policy/index.js";

export const second = 1000;
export const minute = 60 * second;
export const hour = 60 * minute;
export const day = 24 * hour;

const origin = Date.UTC(2025, 0, 6, 9, 0, 0);

/** The instant `ms` after a fixed origin (a Monday, 09:00 UTC). */
export function at(ms: number): Date {
  return new Date(origin + ms);
}

/** One whole attempt, decided and settled at once: `wrong` is a wrong password (or second-factor code). */
export function login(
  state: AttemptState,
  policy: LockoutPolicy,
  now: Date,
  password: "right" | "wrong",
): { state: AttemptState; decision: AttemptDecision; outcome: string } {
  const decision = decideLoginAttempt(state, policy, now);
  if (decision.kind === "refuse") return { state: decision.next, decision, outcome: decision.reason };
  if (password === "right") {
    return { state: recordSuccessfulLogin(decision.next, policy, now), decision, outcome: "succeeded" };
  }
  const failed = recordFailedAttempt(decision.next, policy, now);
  return { state: failed.next, decision, outcome: failed.lockedUntil ? "failed and locked" : "failed" };
}

/** Several whole attempts in a row; returns the final state and each outcome. */
export function logins(
  state: AttemptState,
  policy: LockoutPolicy,
  attempts: ReadonlyArray<readonly [ms: number, password: "right" | "wrong"]>,
): { state: AttemptState; outcomes: string[] } {
  const outcomes: string[] = [];
  let current = state;
  for (const [ms, password] of attempts) {
    const result = login(current, policy, at(ms), password);
    current = result.state;
    outcomes.push(result.outcome);
  }
  return { state: current, outcomes };
}
