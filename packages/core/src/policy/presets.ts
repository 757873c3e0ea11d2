import type { Issue } from "../errors.js";
import { throwIfConfigurationIssues } from "./config-issues.js";
import {
  type DeepPartial,
  deepFreeze,
  type GatehousePolicy,
  mergePolicy,
  policyIssues,
} from "./gatehouse-policy.js";
import { defaultMaxFactorFailures } from "./second-factor.js";

export type { DeepPartial, GatehousePolicy } from "./gatehouse-policy.js";
export { validatePolicy } from "./gatehouse-policy.js";

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Enterprise (seed 000, "User management" of a contact-center platform); quotes are the seed's words. */
const enterprise: GatehousePolicy = {
  lockout: {
    maxFailures: 3, // "Three failed login attempts are made within 15 minutes."
    lockDurationMs: 30 * minute, // "…will cause a user account to be locked out for 30 minutes"
    quickRetryMs: 3 * second, // "A new attempted login occurs within three seconds of the last failed attempt."
    failureWindowMs: null, // "the count of login attempts does not reset based on a timer"
    adminUnlock: false, // "there is no way to lift the 30-minute lock-out period"
    progressiveDelay: null, // not in the seed: the lock is its only throttle
    reservationTtlMs: minute, // not in the seed: far above the slowest argon2id check
    revealLocked: true, // "After being locked out, a user must wait 30 minutes" (so the user is told)
  },
  session: {
    idleTimeoutMs: 15 * minute, // "Users are automatically logged out after 15 minutes of inactivity."
    absoluteLifetimeMs: 12 * hour, // not in the seed: 12 h, within NIST AAL2's 24 h
    pendingStageLifetimeMs: 10 * minute, // not in the seed: a sign-in step, not a working session
    activityWriteIntervalMs: minute, // not in the seed: throttles activity writes to one a minute
  },
  tokens: {
    passwordResetTtlMs: 30 * minute, // not in seed 000: the same 30 minutes as seed 003
    invitationTtlMs: 7 * day, // "send a registration email with a temporary password" (lifetime not stated)
    activationTtlMs: 7 * day, // not in the seed: enterprise onboards with a temporary password
    smsCodeTtlMs: 5 * minute, // not in the seed: enterprise uses "an authenticator app"
    smsCodeMaxAttempts: 5, // not in the seed: as above
    messagesPerWindow: 5, // not in the seed: at most five reset links or codes per recipient an hour
    messageWindowMs: 60 * minute,
    smsPerUserPerWindow: 10, // not in the seed: one account cannot pump SMS to many numbers
    smsPerOrganizationPerWindow: 1000, // not in the seed: nor can many accounts of one organization
  },
  password: {
    minLength: 12, // not in the seed: 12 for administrators of a contact center (NIST: at least 8)
    maxLength: 128, // not in the seed: bounds the hashing work
    rejectCommon: true, // not in the seed: NIST SP 800-63B blocklist
    rejectContainsEmail: true, // "users log in with a combination of email address and password"
  },
  mfa: {
    factors: ["totp"], // "a one-time passcode from an authenticator app"
    recovery: "single-code", // "to view their personal MFA recovery code at any time"
    backupCodeCount: 10, // unused with a single recovery code
    whoSetsRequirement: "staff", // "A Mindful super admin can enable MFA for your organization"
    defaultRequirement: "off", // "can enable MFA" (off until enabled)
    maxFactorFailures: defaultMaxFactorFailures, // not in the seed: NIST allows 100; see second-factor.ts
  },
  emailChange: "relogin", // "they will have to log in again with the new email address"
  removal: "delete", // "click Delete … to permanently remove"; "only … by users with Administrator access"
  onboarding: "temporary-password", // "send a registration email with a temporary password"
  provisioning: "invite", // "click Invite Users"
  authMode: "password", // "users log in with a combination of email address and password"
};

/** Team (seed 003, "Manage your users" of a messaging platform); quotes are the seed's words. */
const team: GatehousePolicy = {
  lockout: {
    maxFailures: 5, // not in the seed: OWASP's usual 5 failures
    lockDurationMs: 15 * minute, // not in the seed: short, since anyone may trip it
    quickRetryMs: 0, // not in the seed: the seed has no quick-retry rule
    failureWindowMs: 15 * minute, // not in the seed: failures age out after 15 minutes
    adminUnlock: true, // inferred: "All users … are able to … reset passwords, and edit accounts"
    progressiveDelay: { baseMs: 1 * second, factor: 2, maxMs: 30 * second }, // not in the seed: slows guessing
    reservationTtlMs: minute, // not in the seed: far above the slowest argon2id check
    revealLocked: false, // not in the seed: a refused attempt reads as a wrong password
  },
  session: {
    idleTimeoutMs: 30 * minute, // not in the seed
    absoluteLifetimeMs: 12 * hour, // not in the seed: 12 h, within NIST AAL2's 24 h
    pendingStageLifetimeMs: 10 * minute, // not in the seed: a sign-in step, not a working session
    activityWriteIntervalMs: minute, // not in the seed: throttles activity writes to one a minute
  },
  tokens: {
    passwordResetTtlMs: 30 * minute, // "The user has 30 minutes to update their password."
    invitationTtlMs: 7 * day, // not in the seed: team users are added, not invited
    activationTtlMs: 7 * day, // "Attentive sends them an email to activate their account." (lifetime not stated)
    smsCodeTtlMs: 5 * minute, // not in the seed: a short-lived code
    smsCodeMaxAttempts: 5, // not in the seed: bounds guessing a 6-digit code
    messagesPerWindow: 5, // not in the seed: bounds SMS cost; five codes or links per recipient an hour
    messageWindowMs: 60 * minute,
    smsPerUserPerWindow: 10, // not in the seed: one account cannot pump SMS to many numbers
    smsPerOrganizationPerWindow: 1000, // not in the seed: nor can many accounts of one organization
  },
  password: {
    minLength: 8, // not in the seed: NIST SP 800-63B's minimum
    maxLength: 128, // not in the seed: bounds the hashing work
    rejectCommon: true, // not in the seed: NIST SP 800-63B blocklist
    rejectContainsEmail: true, // not in the seed
  },
  mfa: {
    factors: ["sms", "totp"], // "The phone number used for 2FA does not have to be the same as…"
    recovery: "backup-codes", // not in the seed: one-time codes shown once
    backupCodeCount: 10, // not in the seed
    whoSetsRequirement: "nobody", // "All users are required to use 2FA to access their account."
    defaultRequirement: "required", // "All users are required to use 2FA to access their account."
    maxFactorFailures: defaultMaxFactorFailures, // not in the seed: NIST allows 100; see second-factor.ts
  },
  emailChange: "forbidden", // "To change a user's email address, you must delete the account and then add a new one."
  removal: "remove", // "you can add them back"; "We keep an internal log of users who've been removed and by whom."
  onboarding: "activation-link", // "Attentive sends them an email to activate their account."
  provisioning: "members-only", // "Users can be added by someone at a customer account, only."
  authMode: "password", // "If you're using SSO, you will not see an option for password reset." (SSO is the exception)
};

/** The policies that reproduce the two seed products, deep-frozen: derive from them with `definePolicy`. */
export const presets: { readonly enterprise: GatehousePolicy; readonly team: GatehousePolicy } = deepFreeze({
  enterprise,
  team,
});

/**
 * A policy made of `base` with `overrides` merged in, validated and deep-frozen; throws a `CONFIGURATION`
 * error listing every bad or unknown value.
 * @example const policy = definePolicy(presets.enterprise, { lockout: { adminUnlock: true } });
 */
export function definePolicy(
  base: GatehousePolicy,
  overrides: DeepPartial<GatehousePolicy>,
): GatehousePolicy {
  const issues: Issue[] = [];
  const merged = mergePolicy(base, overrides, [], issues) as GatehousePolicy;
  issues.push(...policyIssues(merged));
  throwIfConfigurationIssues("Gatehouse policy", issues);
  return deepFreeze(merged);
}
