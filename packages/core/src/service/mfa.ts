import { GatehouseError } from "../errors.js";
import type { LockoutPolicy } from "../policy/lockout.js";
import { nextLoginStage } from "../policy/mfa.js";
import { effectiveMfaRequirement } from "../policy/organization-settings.js";
import type { UserPatch, UserRecord } from "../store/records.js";
import { attemptGate, invalidCredentials, lockedError, loginAttemptKey } from "./attempts.js";
import type { ServiceContext } from "./context.js";
import { factorCounter } from "./factors/counter.js";
import { enrolledFactors, type SecondFactorKind } from "./factors/index.js";
import { issueRecovery, openRecoveryCode } from "./factors/recovery.js";
import { smsFactor } from "./factors/sms.js";
import { type TotpEnrollment, totpFactor } from "./factors/totp.js";
import type {
  BeginTotpEnrollmentInput,
  CompleteTotpEnrollmentInput,
  ConfirmMfaPhoneInput,
  RevealRecoveryCodeInput,
  SendSignInCodeInput,
  StartMfaPhoneChangeInput,
} from "./inputs.js";
import { auditLogin } from "./login.js";
import { type LoginResult, toLoginResult } from "./login-result.js";
import { parseInput, schemas } from "./schemas.js";
import { issueSession, type LoadedSession, requireSession } from "./sessions.js";

export type { TotpEnrollment } from "./factors/totp.js";

/** The result of completing an enrolment: the session moves on; backup codes are shown once, if any. */
export type EnrollmentResult = LoginResult & { readonly backupCodes: readonly string[] | null };

/**
 * Starts TOTP enrolment: a new secret, sealed and kept pending until a code proves the app has it. From a
 * signed-in session (adding or replacing an authenticator) the password is asked again.
 */
export async function beginTotpEnrollment(
  ctx: ServiceContext,
  input: BeginTotpEnrollmentInput,
): Promise<TotpEnrollment> {
  const { sessionToken, password } = parseInput(schemas.beginTotpEnrollment, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  if (!policy.mfa.factors.includes("totp")) {
    throw new GatehouseError("NOT_SUPPORTED", "Authenticator apps are not offered to this organization.");
  }
  if (valid.session.stage === "authenticated") await confirmPassword(ctx, user, password);
  return totpFactor.enrol.begin(ctx, user);
}

/** Completes TOTP enrolment with a code from the app; the user is e-mailed that MFA was enabled. */
export async function completeTotpEnrollment(
  ctx: ServiceContext,
  input: CompleteTotpEnrollmentInput,
): Promise<EnrollmentResult> {
  const { sessionToken, code } = parseInput(schemas.completeTotpEnrollment, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user } = valid;
  if (!user.pendingTotpSealed) throw new GatehouseError("NOT_FOUND", "Start the enrolment first.");
  const patch = await totpFactor.enrol.complete(ctx, user, code);
  if (!patch) throw new GatehouseError("INVALID_CODE", "The code is not correct: try the next one.");
  return finishEnrollment(ctx, valid, "totp", patch);
}

/**
 * Binds a new 2FA phone (separate from the profile phone): the password again, then a code sent to the new
 * number. Nothing changes until `confirmMfaPhone` proves the number.
 */
export async function startMfaPhoneChange(
  ctx: ServiceContext,
  input: StartMfaPhoneChangeInput,
): Promise<{ expiresAt: Date }> {
  const { sessionToken, password, phone } = parseInput(schemas.startMfaPhoneChange, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  if (!policy.mfa.factors.includes("sms"))
    throw new GatehouseError("NOT_SUPPORTED", "Text-message codes are not offered.");
  await confirmPassword(ctx, user, password);
  return smsFactor.enrol.begin(ctx, user, policy, { phone });
}

/** Confirms the new 2FA phone with the code sent to it; the user is e-mailed about the change. */
export async function confirmMfaPhone(
  ctx: ServiceContext,
  input: ConfirmMfaPhoneInput,
): Promise<EnrollmentResult> {
  const { sessionToken, code } = parseInput(schemas.confirmMfaPhone, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  const gate = attemptGate(ctx, `sms-verify:${user.id}`, codeLockout(ctx, policy.tokens.smsCodeMaxAttempts));
  const reservation = await gate.reserve();
  if (reservation.kind === "refused") throw reservation.error;
  const patch = await smsFactor.enrol.complete(ctx, user, code);
  const phone = patch?.mfaPhone;
  if (!patch || !phone) {
    await gate.fail();
    throw new GatehouseError("INVALID_CODE", "The code is not correct, or has expired.");
  }
  await gate.succeed();
  const result = await finishEnrollment(ctx, valid, "sms", patch);
  await ctx.sendMail({ kind: "mfa-phone-changed", to: user.email, phoneLastDigits: phone.slice(-4) });
  return result;
}

/**
 * Sends a sign-in code to the 2FA phone of a session at the `mfa` stage. A new code voids the older ones but
 * never resets the failure count: the count belongs to the sign-in, not to the code.
 */
export async function sendSignInCode(
  ctx: ServiceContext,
  input: SendSignInCodeInput,
): Promise<{ expiresAt: Date }> {
  const { sessionToken } = parseInput(schemas.sendSignInCode, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa"]);
  const { user, policy } = valid;
  if (!user.mfaPhone) throw new GatehouseError("NOT_FOUND", "No 2FA phone is set for this account.");
  // A locked account gets no code: sending one would only hand a guesser more targets (or cost SMS for
  // codes that would be refused anyway).
  const [{ state }, allowed] = await Promise.all([
    ctx.store.attempts.get(loginAttemptKey(user.email)),
    factorCounter(ctx, user.id, policy, "sms").check(),
  ]);
  if (state.lockedUntil && ctx.clock.now() < state.lockedUntil)
    throw lockedError(state.lockedUntil, ctx.policy.lockout);
  if (allowed.kind === "refused") throw allowed.error;
  return smsFactor.challenge(ctx, user, policy);
}

/** Shows the personal recovery code after the password is confirmed ("Show Recovery Code"). */
export async function revealRecoveryCode(
  ctx: ServiceContext,
  input: RevealRecoveryCodeInput,
): Promise<{ code: string }> {
  const { sessionToken, password } = parseInput(schemas.revealRecoveryCode, input);
  const { user } = await requireSession(ctx, sessionToken, ["authenticated"]);
  if (!user.recoveryCodeSealed)
    throw new GatehouseError("NOT_FOUND", "There is no recovery code: enable MFA first.");
  await confirmPassword(ctx, user, password);
  const code = openRecoveryCode(ctx, user) ?? "";
  await auditLogin(ctx, user, "recovery-code.viewed", {});
  return { code };
}

/** Checks the user's password again, as a sign-in attempt under the lockout policy. */
export async function confirmPassword(
  ctx: ServiceContext,
  user: UserRecord,
  password: string | undefined,
): Promise<void> {
  if (password === undefined) {
    throw new GatehouseError("VALIDATION", "Confirm your password.", {
      issues: [{ path: ["password"], reason: "required", message: "Enter your password to confirm." }],
    });
  }
  const gate = attemptGate(ctx, loginAttemptKey(user.email), ctx.policy.lockout);
  const reservation = await gate.reserve();
  if (reservation.kind === "refused") throw reservation.error;
  const ok = user.passwordHash
    ? await ctx.hasher.verify(user.passwordHash, password)
    : await ctx.hasher.verifyDummy(password);
  if (ok) return gate.release();
  const lockedUntil = await gate.fail();
  await auditLogin(ctx, user, "password-confirmation.failed", {});
  throw lockedUntil ? lockedError(lockedUntil, ctx.policy.lockout, "max-failures") : invalidCredentials();
}

async function finishEnrollment(
  ctx: ServiceContext,
  valid: LoadedSession,
  method: SecondFactorKind,
  patch: UserPatch,
): Promise<EnrollmentResult> {
  const { user, organization, policy } = valid;
  const now = ctx.clock.now();
  // The first authenticator brings the way back in: a recovery code, or backup codes shown once.
  const recovery = issueRecovery(ctx, user, policy);
  const updated = await ctx.store.users.update(user.id, { ...patch, ...recovery.patch, updatedAt: now });
  if (!updated) throw new GatehouseError("NOT_FOUND", "No such user.");
  await auditLogin(ctx, updated, "mfa.enrolled", { method });
  if (method === "totp") await ctx.sendMail({ kind: "mfa-enabled", to: updated.email, method });
  const secondFactorVerified = true;
  const stage =
    valid.session.stage === "authenticated"
      ? "authenticated"
      : nextLoginStage({
          passwordChangeRequired: updated.passwordChangeRequired,
          requirement: effectiveMfaRequirement(organization.settings, policy),
          enrolledFactors: enrolledFactors(updated),
          secondFactorVerified,
        });
  const session = await issueSession(ctx, updated, policy, stage, {
    secondFactorVerified,
    replaces: valid.session,
  });
  return { ...toLoginResult(session, updated, policy), backupCodes: recovery.shown };
}

function codeLockout(ctx: ServiceContext, maxAttempts: number): LockoutPolicy {
  return {
    ...ctx.policy.lockout,
    maxFailures: maxAttempts,
    quickRetryMs: 0,
    failureWindowMs: null,
    progressiveDelay: null,
  };
}
