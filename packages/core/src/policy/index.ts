/**
 * `@gatehousejs/core/policy`: the pure policies of Gatehouse (lockout, sessions, tokens, MFA stages, passwords,
 * invitation parsing) and the `enterprise` and `team` presets: functions of `(state, policy, now)` with no I/O
 * and no clock of their own, usable without the service and in a browser. Explicit named exports only.
 *
 * @module @gatehousejs/core/policy
 */

// The errors this entry throws, so that a host importing only it can tell them apart.
export {
  type ErrorCode,
  type ErrorDetails,
  GatehouseError,
  type Issue,
  isGatehouseError,
  ValidationError,
} from "../errors.js";
export { decideEmailChange, type EmailChangeDecision, mergeAttemptStates } from "./email-change.js";
export type { DeepPartial, GatehousePolicy } from "./gatehouse-policy.js";
export { type InvitationOptions, normalizeEmail, parseInvitationAddresses } from "./invitation.js";
export {
  type AttemptDecision,
  type AttemptState,
  decideLoginAttempt,
  emptyAttemptState,
  type LockoutPolicy,
  recordFailedAttempt,
  recordSuccessfulLogin,
  releaseAttempt,
  unlockAttempts,
  validateLockoutPolicy,
} from "./lockout.js";
export {
  type LoginStageInput,
  type MfaPolicy,
  type MfaRequirement,
  mfaRequirements,
  nextLoginStage,
  type SecondFactorKind,
  secondFactorKinds,
  validateMfaPolicy,
} from "./mfa.js";
export {
  type ChosenSettings,
  decideSettingsChange,
  effectiveMfaRequirement,
  organizationSettingsIssues,
  type SettingsDecision,
  type SettingsRequester,
} from "./organization-settings.js";
export {
  assertPassword,
  checkPassword,
  type PasswordContext,
  type PasswordPolicy,
  validatePasswordPolicy,
} from "./password.js";
export { displayNameOf, type PersonName } from "./person-name.js";
export { definePolicy, presets, validatePolicy } from "./presets.js";
export {
  decideFactorAttempt,
  defaultMaxFactorFailures,
  type FactorAttemptDecision,
  type FactorAttemptLimits,
  isFactorLocked,
  nistMaxFactorFailures,
  recordFactorFailure,
  recordFactorSuccess,
  releaseFactorAttempt,
  resetFactorFailures,
} from "./second-factor.js";
export {
  evaluateSession,
  type SessionEvaluation,
  type SessionPolicy,
  type SessionStage,
  type SessionTimes,
  sessionExpiresAt,
  sessionStages,
  validateSessionPolicy,
} from "./session.js";
export {
  decideSsoIdentity,
  emailDomainOf,
  isEmailAtDomains,
  isMultiFactorAmr,
  mayUsePassword,
  passwordMfaRequirement,
  type SsoIdentityDecision,
  type SsoIdentityFacts,
  type SsoRefusal,
  type SsoSecondFactor,
  type SsoStageInput,
  ssoLoginStage,
  ssoStateTtlMs,
} from "./sso.js";
export {
  checkTokenExpiry,
  type TokenKind,
  type TokenPolicy,
  tokenExpiresAt,
  tokenKinds,
  validateTokenPolicy,
} from "./token.js";
