import type { Issue } from "../errors.js";
import { checkInteger, checkObject, checkOneOf, throwIfConfigurationIssues } from "./config-issues.js";
import { nistMaxFactorFailures } from "./second-factor.js";
import { type SecondFactorKind, secondFactorKinds } from "./second-factor-kinds.js";
import type { SessionStage } from "./session.js";

// The kinds are declared once, by the table of second-factor modules; the policy only names them.
export { type SecondFactorKind, secondFactorKinds };

/** An organization's MFA setting: `required` sends users without a factor to enrolment at sign-in. */
export type MfaRequirement = "off" | "optional" | "required";

/** Every MFA requirement, weakest first. */
export const mfaRequirements: readonly MfaRequirement[] = Object.freeze(["off", "optional", "required"]);

/** How multi-factor authentication works; see `presets.enterprise.mfa` for the seed's values. */
export interface MfaPolicy {
  /** The factors users may enrol, in the order a sign-in page offers them. */
  factors: readonly SecondFactorKind[];
  /** One viewable recovery code (stored encrypted), N one-time backup codes (stored hashed), or none. */
  recovery: "single-code" | "backup-codes" | "none";
  /** How many backup codes are issued; used only when `recovery` is `backup-codes`. */
  backupCodeCount: number;
  /** Who may change an organization's requirement: platform staff, its own administrators, or nobody. */
  whoSetsRequirement: "staff" | "member-admin" | "nobody";
  /** The requirement of an organization that has not set one (the only one when nobody may set it). */
  defaultRequirement: MfaRequirement;
  /**
   * Consecutive wrong second-factor codes (any kind, counted per user, never decaying; only a complete
   * sign-in resets the count) after which the user's second factors are refused until an administrator
   * calls `resetSecondFactorLock`. At most 100 (NIST SP 800-63B §5.2.2).
   * @default 10, see `defaultMaxFactorFailures`
   */
  maxFactorFailures: number;
}

/** What the next sign-in stage depends on, once the password has been verified. */
export interface LoginStageInput {
  /** The user signed in with a temporary or administrator-set password that must be replaced. */
  passwordChangeRequired: boolean;
  /** The organization's MFA requirement at the time of this sign-in. */
  requirement: MfaRequirement;
  /** The factors the user has completed enrolment of. */
  enrolledFactors: readonly SecondFactorKind[];
  /** A second factor (or a recovery code) has been verified in this sign-in. */
  secondFactorVerified: boolean;
}

/**
 * The stage a sign-in moves to after the password (and, later, after each completed step): second factor,
 * then password change, then enrolment when MFA is required, then `authenticated`.
 */
export function nextLoginStage(input: LoginStageInput): SessionStage {
  const enrolled = input.enrolledFactors.length > 0;
  // The second factor comes before anything else: a temporary or reset password alone, in the wrong
  // hands, must not be enough to reach even the password-change page.
  if (enrolled && !input.secondFactorVerified) return "mfa";
  if (input.passwordChangeRequired) return "password-change";
  // Only at sign-in: sessions already open when MFA becomes required are not cut (DESIGN, MFA).
  if (input.requirement === "required" && !enrolled) return "mfa-enrollment";
  return "authenticated";
}

/** Every problem of an MFA policy, paths relative to the policy. */
export function mfaPolicyIssues(policy: MfaPolicy): Issue[] {
  const issues: Issue[] = [];
  if (!checkObject(issues, [], policy)) return issues;
  if (!Array.isArray(policy.factors)) {
    issues.push({ path: ["factors"], reason: "invalid", message: "factors must be an array." });
  } else {
    for (const [i, factor] of policy.factors.entries())
      checkOneOf(issues, ["factors", i], factor, secondFactorKinds);
    if (policy.factors.length === 0 && policy.defaultRequirement !== "off") {
      const message = "MFA cannot be optional or required with no factor to enrol.";
      issues.push({ path: ["factors"], reason: "invalid", message });
    }
  }
  checkOneOf(issues, ["recovery"], policy.recovery, ["single-code", "backup-codes", "none"]);
  checkInteger(
    issues,
    ["backupCodeCount"],
    policy.backupCodeCount,
    policy.recovery === "backup-codes" ? 1 : 0,
  );
  checkOneOf(issues, ["whoSetsRequirement"], policy.whoSetsRequirement, ["staff", "member-admin", "nobody"]);
  checkOneOf(issues, ["defaultRequirement"], policy.defaultRequirement, mfaRequirements);
  checkInteger(issues, ["maxFactorFailures"], policy.maxFactorFailures, 1);
  if (typeof policy.maxFactorFailures === "number" && policy.maxFactorFailures > nistMaxFactorFailures) {
    const message = `maxFactorFailures must be at most ${nistMaxFactorFailures} (NIST SP 800-63B).`;
    issues.push({ path: ["maxFactorFailures"], reason: "invalid", message });
  }
  return issues;
}

/** Throws a `CONFIGURATION` error listing every problem of an MFA policy. */
export function validateMfaPolicy(policy: MfaPolicy): void {
  throwIfConfigurationIssues("MFA policy", mfaPolicyIssues(policy));
}
