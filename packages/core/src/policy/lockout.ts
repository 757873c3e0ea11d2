import { type AttemptState, countFailures, isLocked, type LockoutPolicy } from "./lockout-policy.js";

export type { AttemptState, LockoutPolicy } from "./lockout-policy.js";
export { emptyAttemptState, validateLockoutPolicy } from "./lockout-policy.js";

/**
 * What to do with a sign-in attempt. On `verify` the caller MUST store `next` (compare-and-set) before it
 * checks the password or code, then settle with exactly one of `recordFailedAttempt`,
 * `recordSuccessfulLogin` or `releaseAttempt`. On `refuse` it stores `next` and checks nothing.
 */
export type AttemptDecision =
  | { kind: "verify"; next: AttemptState }
  | { kind: "refuse"; reason: "locked"; lockedUntil: Date; next: AttemptState }
  | { kind: "refuse"; reason: "delayed" | "busy"; retryAt: Date; next: AttemptState };

/**
 * Decides whether a sign-in attempt may be checked, and reserves it if so.
 * @example
 * const decision = decideLoginAttempt(state, presets.enterprise.lockout, clock.now());
 * if (decision.kind === "verify") { await attempts.compareAndSet(key, state, decision.next); … }
 */
export function decideLoginAttempt(state: AttemptState, policy: LockoutPolicy, now: Date): AttemptDecision {
  // A locked key changes nothing, not even its pruning: a lock that attempts could extend would let anyone
  // keep an account locked forever, and an unchanged state lets the store skip the write.
  if (state.lockedUntil !== null && isLocked(state, now)) {
    return { kind: "refuse", reason: "locked", lockedUntil: state.lockedUntil, next: state };
  }
  const t = now.getTime();
  const pruned: AttemptState = { ...state, inFlight: state.inFlight.filter((at) => at.getTime() > t) };

  // A retry this soon after a failure is a script, not a person: the seed locks on it without checking
  // the password. Only a recorded failure arms it, so a double-clicked correct login never trips it.
  const last = state.lastFailureAt;
  if (policy.quickRetryMs > 0 && last !== null && t - last.getTime() < policy.quickRetryMs) {
    const lockedUntil = new Date(t + policy.lockDurationMs);
    return {
      kind: "refuse",
      reason: "locked",
      lockedUntil,
      next: { ...pruned, lockedUntil, locks: state.locks + 1 },
    };
  }

  const counted = countFailures(pruned, policy, now);
  const delay = policy.progressiveDelay;
  if (delay !== null && counted > 0 && last !== null) {
    const waitMs = Math.min(delay.baseMs * delay.factor ** (counted - 1), delay.maxMs);
    if (t < last.getTime() + waitMs) {
      return { kind: "refuse", reason: "delayed", retryAt: new Date(last.getTime() + waitMs), next: pruned };
    }
  }

  // Every reservation may end in a failure, so failures plus reservations never exceed the limit. Once the
  // counter has reached it (a lock just ended), exactly one attempt is let through: its failure locks again.
  const allowance = Math.max(1, policy.maxFailures - counted);
  if (pruned.inFlight.length >= allowance) {
    const earliest = Math.min(...pruned.inFlight.map((at) => at.getTime()));
    return { kind: "refuse", reason: "busy", retryAt: new Date(earliest), next: pruned };
  }
  const reservation = new Date(t + policy.reservationTtlMs);
  return { kind: "verify", next: { ...pruned, inFlight: [...pruned.inFlight, reservation] } };
}

/**
 * Settles a reservation whose password or second-factor code was wrong, and locks the key if the failure
 * reaches the limit; `lockedUntil` is the new lock's end, or `null` if it did not lock.
 */
export function recordFailedAttempt(
  state: AttemptState,
  policy: LockoutPolicy,
  now: Date,
): { next: AttemptState; lockedUntil: Date | null } {
  const failed: AttemptState = {
    ...state,
    failures: state.failures + 1,
    failureAts: [...state.failureAts, now].slice(-policy.maxFailures),
    lastFailureAt: now,
    inFlight: settleOne(state.inFlight),
  };
  // A failure landing during a lock (its check began before the lock) must not extend that lock.
  if (countFailures(failed, policy, now) < policy.maxFailures || isLocked(state, now)) {
    return { next: failed, lockedUntil: null };
  }
  const lockedUntil = new Date(now.getTime() + policy.lockDurationMs);
  return { next: { ...failed, lockedUntil, locks: state.locks + 1 }, lockedUntil };
}

/**
 * Settles a reservation whose credentials were right, and resets the failure counter. It keeps
 * `lockedUntil`: a success whose check began before a lock does not lift that lock.
 */
export function recordSuccessfulLogin(state: AttemptState, _policy: LockoutPolicy, _now: Date): AttemptState {
  return {
    ...state,
    failures: 0,
    failureAts: [],
    lastFailureAt: null,
    locks: 0,
    inFlight: settleOne(state.inFlight),
  };
}

/**
 * Settles a reservation with no outcome, e.g. the password was right and the second factor is still to
 * come (the code's check takes a reservation of its own).
 */
export function releaseAttempt(state: AttemptState, _now: Date): AttemptState {
  return { ...state, inFlight: settleOne(state.inFlight) };
}

/**
 * Lifts a lock and resets the failure counter, when the policy lets an administrator do so (the enterprise
 * preset does not); the caller checks that the actor may manage the user.
 */
export function unlockAttempts(
  state: AttemptState,
  policy: LockoutPolicy,
  _now: Date,
): { kind: "unlocked"; next: AttemptState } | { kind: "refuse"; reason: "not-allowed" } {
  if (!policy.adminUnlock) return { kind: "refuse", reason: "not-allowed" };
  // The counter goes too: with it left at the limit, the user's next typo would lock the account again.
  const next = { ...state, failures: 0, failureAts: [], lastFailureAt: null, lockedUntil: null, locks: 0 };
  return { kind: "unlocked", next };
}

/**
 * Removes the earliest reservation. Settlements do not say which reservation is theirs; dropping the
 * earliest (possibly an expired one) keeps the newer, live ones counting, which errs on the safe side.
 */
function settleOne(inFlight: readonly Date[]): Date[] {
  if (inFlight.length === 0) return [];
  let earliest = 0;
  inFlight.forEach((at, i) => {
    if (at.getTime() < (inFlight[earliest]?.getTime() ?? Infinity)) earliest = i;
  });
  return inFlight.filter((_, i) => i !== earliest);
}
