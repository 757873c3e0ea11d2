import type { Issue } from "../errors.js";
import { checkDuration, checkInteger, checkObject, throwIfConfigurationIssues } from "./config-issues.js";
import { ssoStateTtlMs } from "./sso.js";

/** What a one-time token or code is for. */
export type TokenKind =
  | "password-reset"
  | "invitation"
  | "activation"
  | "sms-code"
  | "phone-verification"
  | "sso-state";

/** Every token kind. */
export const tokenKinds: readonly TokenKind[] = Object.freeze([
  "password-reset",
  "invitation",
  "activation",
  "sms-code",
  "phone-verification",
  "sso-state",
]);

/** How long one-time tokens and codes live; see `presets.enterprise.tokens` for the seed's values. */
export interface TokenPolicy {
  /** Lifetime of a password-reset link. */
  passwordResetTtlMs: number;
  /** Lifetime of an invitation (its temporary password included). */
  invitationTtlMs: number;
  /** Lifetime of an activation link. */
  activationTtlMs: number;
  /** Lifetime of an SMS code, for sign-in and for verifying a new 2FA phone alike. */
  smsCodeTtlMs: number;
  /**
   * Wrong codes after which SMS codes are refused, at sign-in (`decideFactorAttempt`'s per-kind cap on the
   * user's second-factor counter) and when binding a new 2FA phone. The count is kept per user, not per code,
   * and is not reset by sending a new code (otherwise each resend buys fresh guesses); only a complete
   * sign-in resets it. Other kinds (a recovery code, an app) stay usable up to `mfa.maxFactorFailures`.
   */
  smsCodeMaxAttempts: number;
  /**
   * Messages carrying a secret (an SMS code, a reset link) sent to one recipient within `messageWindowMs`
   * before further requests are refused: bounds SMS cost and mailbox flooding.
   */
  messagesPerWindow: number;
  /** The window of `messagesPerWindow`, `smsPerUserPerWindow` and `smsPerOrganizationPerWindow`. */
  messageWindowMs: number;
  /**
   * SMS codes one user may have sent within `messageWindowMs`, whatever the numbers: a per-number limit alone
   * lets one account send to as many numbers as it likes (SMS pumping, toll fraud).
   */
  smsPerUserPerWindow: number;
  /** SMS codes the users of one organization may have sent together within `messageWindowMs`. */
  smsPerOrganizationPerWindow: number;
}

/** When a token of `kind` issued at `issuedAt` stops working. */
export function tokenExpiresAt(kind: TokenKind, policy: TokenPolicy, issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + tokenTtlMs(kind, policy));
}

/** Whether a token is still usable at `now`; a 30-minute link is dead at exactly 30:00. */
export function checkTokenExpiry(expiresAt: Date, now: Date): { kind: "valid" } | { kind: "expired" } {
  return now.getTime() < expiresAt.getTime() ? { kind: "valid" } : { kind: "expired" };
}

/** Every problem of a token policy, paths relative to the policy. */
export function tokenPolicyIssues(policy: TokenPolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  checkDuration(issues, ["passwordResetTtlMs"], policy.passwordResetTtlMs);
  checkDuration(issues, ["invitationTtlMs"], policy.invitationTtlMs);
  checkDuration(issues, ["activationTtlMs"], policy.activationTtlMs);
  checkDuration(issues, ["smsCodeTtlMs"], policy.smsCodeTtlMs);
  checkInteger(issues, ["smsCodeMaxAttempts"], policy.smsCodeMaxAttempts, 1);
  checkInteger(issues, ["messagesPerWindow"], policy.messagesPerWindow, 1);
  checkDuration(issues, ["messageWindowMs"], policy.messageWindowMs);
  checkInteger(issues, ["smsPerUserPerWindow"], policy.smsPerUserPerWindow, 1);
  checkInteger(issues, ["smsPerOrganizationPerWindow"], policy.smsPerOrganizationPerWindow, 1);
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of a token policy. */
export function validateTokenPolicy(policy: TokenPolicy): void {
  throwIfConfigurationIssues("token policy", tokenPolicyIssues(policy));
}

/** The lifetime of one kind; a code to verify a new 2FA phone is an SMS code like any other. */
function tokenTtlMs(kind: TokenKind, policy: TokenPolicy): number {
  switch (kind) {
    case "password-reset":
      return policy.passwordResetTtlMs;
    case "invitation":
      return policy.invitationTtlMs;
    case "activation":
      return policy.activationTtlMs;
    case "sms-code":
    case "phone-verification":
      return policy.smsCodeTtlMs;
    case "sso-state":
      return ssoStateTtlMs;
  }
}
