import type { Issue } from "../errors.js";
import {
  checkBoolean,
  checkDuration,
  checkInteger,
  checkNumber,
  checkObject,
  throwIfConfigurationIssues,
} from "./config-issues.js";

/** How failed sign-in attempts lock an account; see `presets.enterprise.lockout` for the seed's values. */
export interface LockoutPolicy {
  /** Failures that lock the account, counted since the last success (or within `failureWindowMs`). */
  maxFailures: number;
  /** How long a lock lasts; it MUST NOT be extended by attempts made while it holds. */
  lockDurationMs: number;
  /** An attempt less than this after the last failed attempt locks at once, unchecked; 0 disables the rule. */
  quickRetryMs: number;
  /** `null`: failures never decay, only a success resets them; else failures older than this drop out. */
  failureWindowMs: number | null;
  /** Whether an administrator may lift a lock before it ends. */
  adminUnlock: boolean;
  /** After the n-th failure the next attempt waits `baseMs * factor^(n-1)`, capped at `maxMs`; `null` disables. */
  progressiveDelay: { baseMs: number; factor: number; maxMs: number } | null;
  /**
   * A reservation never settled (its process crashed) stops counting after this; it MUST exceed the
   * slowest password or code check, since a settlement after it may release another caller's reservation.
   * @default 60_000
   */
  reservationTtlMs: number;
  /** Whether a refused attempt tells the caller the account is locked (else it reads as a wrong password). */
  revealLocked: boolean;
}

/**
 * The attempt state of one sign-in key (the normalised e-mail address). JSON-serialisable apart from its
 * Dates; a store persists it whole with compare-and-set, so every function here returns a new object.
 */
export interface AttemptState {
  /** Failures since the last success; it never decays with time. */
  failures: number;
  /** Times of the most recent failures, at most `maxFailures` of them (what the sliding window counts). */
  failureAts: Date[];
  /** When the last failure was recorded, or `null` since the last success. */
  lastFailureAt: Date | null;
  /** When the current or last lock ends; only time or an allowed administrator unlock clears it. */
  lockedUntil: Date | null;
  /** Locks taken since the last success. */
  locks: number;
  /** Expiry instants of reservations taken by `decideLoginAttempt` and not yet settled. */
  inFlight: Date[];
}

/** The attempt state of a key that has never been tried. */
export const emptyAttemptState = (): AttemptState => ({
  failures: 0,
  failureAts: [],
  lastFailureAt: null,
  lockedUntil: null,
  locks: 0,
  inFlight: [],
});

/** The failures that count towards a lock at `now`: all of them, or those inside the sliding window. */
export function countFailures(state: AttemptState, policy: LockoutPolicy, now: Date): number {
  const windowMs = policy.failureWindowMs;
  if (windowMs === null) return state.failures;
  return state.failureAts.filter((at) => now.getTime() - at.getTime() < windowMs).length;
}

/** True while a lock holds at `now`. */
export function isLocked(state: AttemptState, now: Date): boolean {
  return state.lockedUntil !== null && now.getTime() < state.lockedUntil.getTime();
}

/** Every problem of a lockout policy, paths relative to the policy. */
export function lockoutPolicyIssues(policy: LockoutPolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  checkInteger(issues, ["maxFailures"], policy.maxFailures, 1);
  checkDuration(issues, ["lockDurationMs"], policy.lockDurationMs);
  checkDuration(issues, ["quickRetryMs"], policy.quickRetryMs, true);
  if (policy.failureWindowMs !== null) checkDuration(issues, ["failureWindowMs"], policy.failureWindowMs);
  checkBoolean(issues, ["adminUnlock"], policy.adminUnlock);
  checkDuration(issues, ["reservationTtlMs"], policy.reservationTtlMs);
  checkBoolean(issues, ["revealLocked"], policy.revealLocked);
  const delay = policy.progressiveDelay;
  if (delay !== null && checkObject(issues, ["progressiveDelay"], delay)) {
    checkDuration(issues, ["progressiveDelay", "baseMs"], delay.baseMs);
    checkNumber(issues, ["progressiveDelay", "factor"], delay.factor, 1);
    checkDuration(issues, ["progressiveDelay", "maxMs"], delay.maxMs);
    if (delay.maxMs < delay.baseMs) {
      const message = "progressiveDelay.maxMs must be at least progressiveDelay.baseMs.";
      issues.push({ path: ["progressiveDelay", "maxMs"], reason: "invalid", message });
    }
  }
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of a lockout policy (e.g. `maxFailures` below 1). */
export function validateLockoutPolicy(policy: LockoutPolicy): void {
  throwIfConfigurationIssues("lockout policy", lockoutPolicyIssues(policy));
}
