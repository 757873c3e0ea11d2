import type { Issue } from "../errors.js";
import { checkDuration, checkObject, throwIfConfigurationIssues } from "./config-issues.js";

/** Where a session stands: fully signed in, or waiting for one more step; only `authenticated` passes. */
export type SessionStage = "authenticated" | "mfa" | "mfa-enrollment" | "password-change";

/** Every session stage, `authenticated` first. */
export const sessionStages: readonly SessionStage[] = Object.freeze([
  "authenticated",
  "mfa",
  "mfa-enrollment",
  "password-change",
]);

/** How long sessions live; see `presets.enterprise.session` for the seed's values. */
export interface SessionPolicy {
  /** Inactivity after which a session ends. */
  idleTimeoutMs: number;
  /**
   * Lifetime from sign-in after which a session ends whatever its activity (NIST AAL2: at most 24 h).
   * @default 43_200_000 (12 hours)
   */
  absoluteLifetimeMs: number;
  /** Lifetime of a session in a pending stage (second factor, enrolment, password change). */
  pendingStageLifetimeMs: number;
  /** Activity is written back at most this often; MUST be shorter than `idleTimeoutMs`. */
  activityWriteIntervalMs: number;
}

/** The stored times of a session that expiry depends on. */
export interface SessionTimes {
  /** The session's stage; a pending one gets `pendingStageLifetimeMs`. */
  stage: SessionStage;
  /** When the session (a new token: one per sign-in and per stage change) was created. */
  createdAt: Date;
  /** The last activity written to the store. */
  lastActiveAt: Date;
}

/** The verdict on a session presented at `now`. */
export type SessionEvaluation =
  | { kind: "valid"; idleExpiresAt: Date; absoluteExpiresAt: Date; touch: boolean; expiresAt: Date }
  | { kind: "expired"; reason: "idle" | "absolute" };

/**
 * Judges a session presented at `now`, which is itself activity. When `touch` is true the caller writes
 * `lastActiveAt = now`; `idleExpiresAt` and `expiresAt` already assume it (the deadlines for a cookie
 * or a store TTL), and when `touch` is false they are the stored deadlines, unchanged.
 */
export function evaluateSession(session: SessionTimes, policy: SessionPolicy, now: Date): SessionEvaluation {
  const t = now.getTime();
  const absoluteExpiresAt = absoluteDeadline(session, policy);
  // Absolute first: no amount of activity could have kept this session, so that is the truer reason.
  if (t >= absoluteExpiresAt.getTime()) return { kind: "expired", reason: "absolute" };
  const lastActive = session.lastActiveAt.getTime();
  if (t >= lastActive + policy.idleTimeoutMs) return { kind: "expired", reason: "idle" };
  // Writing on every request would make each page view a store write; the price is that the idle
  // deadline may fall up to one interval early, which errs on the side of ending the session.
  const touch = t - lastActive >= policy.activityWriteIntervalMs;
  const idleExpiresAt = new Date((touch ? t : lastActive) + policy.idleTimeoutMs);
  const expiresAt = idleExpiresAt < absoluteExpiresAt ? idleExpiresAt : absoluteExpiresAt;
  return { kind: "valid", idleExpiresAt, absoluteExpiresAt, touch, expiresAt };
}

/** When the session expires if no further activity is recorded: the earlier of its two deadlines. */
export function sessionExpiresAt(session: SessionTimes, policy: SessionPolicy): Date {
  const idle = session.lastActiveAt.getTime() + policy.idleTimeoutMs;
  return new Date(Math.min(idle, absoluteDeadline(session, policy).getTime()));
}

/** Every problem of a session policy, paths relative to the policy. */
export function sessionPolicyIssues(policy: SessionPolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  checkDuration(issues, ["idleTimeoutMs"], policy.idleTimeoutMs);
  checkDuration(issues, ["absoluteLifetimeMs"], policy.absoluteLifetimeMs);
  checkDuration(issues, ["pendingStageLifetimeMs"], policy.pendingStageLifetimeMs);
  checkDuration(issues, ["activityWriteIntervalMs"], policy.activityWriteIntervalMs, true);
  if (policy.activityWriteIntervalMs >= policy.idleTimeoutMs) {
    // Otherwise a session in steady use would never be written back and would expire as idle.
    const message = "activityWriteIntervalMs must be shorter than idleTimeoutMs.";
    issues.push({ path: ["activityWriteIntervalMs"], reason: "invalid", message });
  }
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of a session policy. */
export function validateSessionPolicy(policy: SessionPolicy): void {
  throwIfConfigurationIssues("session policy", sessionPolicyIssues(policy));
}

/** A pending stage is a step of signing in, not a working session: it gets the short lifetime. */
function absoluteDeadline(session: SessionTimes, policy: SessionPolicy): Date {
  const lifetimeMs =
    session.stage === "authenticated"
      ? policy.absoluteLifetimeMs
      : Math.min(policy.pendingStageLifetimeMs, policy.absoluteLifetimeMs);
  return new Date(session.createdAt.getTime() + lifetimeMs);
}
