import type { AttemptState } from "./lockout-policy.js";

/**
 * The default of `MfaPolicy.maxFactorFailures`: consecutive wrong second-factor codes before a user's second
 * factors are refused until an administrator resets the lock.
 *
 * NIST SP 800-63B §5.2.2 allows at most 100. We take 10: the guesser already holds the password, and each
 * guess at a 6-digit TOTP code hits with odds of about 3 in a million (±1 time step), so 10 guesses in the
 * account's whole life give odds of about 1 in 33,000 instead of 1 in 3,300 at 100; a person who mistypes
 * ten codes in a row without one success is rare, and a right code resets the count.
 */
export const defaultMaxFactorFailures = 10;

/** The hard ceiling NIST SP 800-63B §5.2.2 puts on consecutive failed authentication attempts. */
export const nistMaxFactorFailures = 100;

/** What the second-factor counter allows: the user's cap, and a lower one for the kind being answered. */
export interface FactorAttemptLimits {
  /** Consecutive failures after which every second factor of the user is refused. */
  maxFailures: number;
  /** A lower cap for this kind of code (`tokens.smsCodeMaxAttempts` for SMS), or `null`. */
  kindMaxFailures: number | null;
}

/**
 * What to do with one second-factor answer. On `verify` the caller MUST store `next` (compare-and-set) before
 * it checks the code, then settle with `recordFactorFailure`, `recordFactorSuccess` or `releaseFactorAttempt`.
 * On `refuse` nothing is checked and nothing changes.
 */
export type FactorAttemptDecision =
  | { kind: "verify"; next: AttemptState }
  | { kind: "refuse"; reason: "locked" | "kind-exhausted"; next: AttemptState }
  | { kind: "refuse"; reason: "busy"; retryAt: Date; next: AttemptState };

/**
 * Decides whether a second-factor code may be checked, and reserves the check if so. The counter is the
 * user's consecutive failures: it never decays with time, and every reservation may end in a failure, so
 * failures plus live reservations never exceed the cap (no more than `maxFailures` codes are ever checked
 * between two complete sign-ins, whatever the concurrency).
 * @example
 * const decision = decideFactorAttempt(state, { maxFailures: 10, kindMaxFailures: null }, 60_000, clock.now());
 */
export function decideFactorAttempt(
  state: AttemptState,
  limits: FactorAttemptLimits,
  reservationTtlMs: number,
  now: Date,
): FactorAttemptDecision {
  if (state.failures >= limits.maxFailures) return { kind: "refuse", reason: "locked", next: state };
  // A weaker kind (an SMS code can be phished or SIM-swapped) stops earlier; the others go on to the cap.
  const cap = capOf(limits);
  if (state.failures >= cap) return { kind: "refuse", reason: "kind-exhausted", next: state };
  const t = now.getTime();
  const live = state.inFlight.filter((at) => at.getTime() > t);
  if (state.failures + live.length >= cap) {
    const earliest = Math.min(...live.map((at) => at.getTime()));
    const pruned = live.length === state.inFlight.length ? state : { ...state, inFlight: live };
    return { kind: "refuse", reason: "busy", retryAt: new Date(earliest), next: pruned };
  }
  return { kind: "verify", next: { ...state, inFlight: [...live, new Date(t + reservationTtlMs)] } };
}

/**
 * Settles a reservation whose code was wrong. `locked` is true exactly when this failure brought the counter
 * to the user's cap, so the caller audits the lock once.
 */
export function recordFactorFailure(
  state: AttemptState,
  limits: FactorAttemptLimits,
  now: Date,
): { next: AttemptState; locked: boolean } {
  const failures = state.failures + 1;
  const next: AttemptState = {
    ...state,
    failures,
    lastFailureAt: now,
    inFlight: settleEarliest(state.inFlight),
  };
  return { next, locked: state.failures < limits.maxFailures && failures >= limits.maxFailures };
}

/**
 * Settles a reservation whose code was right, at a complete sign-in (password and second factor both
 * proved): the only event besides an administrator's reset that lowers the counter.
 */
export function recordFactorSuccess(state: AttemptState, _now: Date): AttemptState {
  return { ...state, failures: 0, lastFailureAt: null, inFlight: settleEarliest(state.inFlight) };
}

/** Settles a reservation with no outcome (the check itself failed, e.g. storage). */
export function releaseFactorAttempt(state: AttemptState, _now: Date): AttemptState {
  return { ...state, inFlight: settleEarliest(state.inFlight) };
}

/** An administrator's reset of a locked counter: the user's second factors are accepted again. */
export function resetFactorFailures(state: AttemptState, _now: Date): AttemptState {
  return { ...state, failures: 0, lastFailureAt: null };
}

/** Whether the user's second factors are refused at this counter: the cap is reached. */
export function isFactorLocked(state: AttemptState, maxFailures: number): boolean {
  return state.failures >= maxFailures;
}

function capOf(limits: FactorAttemptLimits): number {
  return limits.kindMaxFailures === null
    ? limits.maxFailures
    : Math.min(limits.maxFailures, limits.kindMaxFailures);
}

/** Drops the earliest reservation; which one is the caller's does not matter, as in the lockout policy. */
function settleEarliest(inFlight: readonly Date[]): Date[] {
  if (inFlight.length === 0) return [];
  let earliest = 0;
  inFlight.forEach((at, i) => {
    if (at.getTime() < (inFlight[earliest]?.getTime() ?? Infinity)) earliest = i;
  });
  return inFlight.filter((_, i) => i !== earliest);
}
