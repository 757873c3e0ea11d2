import {
  generateNumericCode,
  generateRecoveryCode,
  hashToken,
  normalizeRecoveryCode,
} from "../crypto/tokens.js";
import { encodeTotpSecret, generateTotpSecret, totpKeyUri, verifyTotpCode } from "../crypto/totp.js";
import { GatehouseError } from "../errors.js";
import type { LockoutPolicy } from "../policy/lockout.js";
import { nextLoginStage } from "../policy/mfa.js";
import { tokenExpiresAt } from "../policy/token.js";
import type { UserPatch, UserRecord } from "../store/records.js";
import { attemptGate, invalidCredentials, lockedError, loginAttemptKey } from "./attempts.js";
import type { ServiceContext } from "./context.js";
import { auditLogin, type LoginResult, smsCodeHash } from "./login.js";
import { throttleSms } from "./rate-limits.js";
import { parseInput, schemas } from "./schemas.js";
import { issueSession, requireSession, type ValidSession } from "./sessions.js";
import { enrolledFactors, toUser } from "./views.js";

/** What the enrolment page shows: the QR code's URI and the secret to type instead ("optional secret code"). */
export interface TotpEnrollment {
  readonly uri: string;
  readonly secret: string;
  readonly issuer: string;
  readonly accountName: string;
}

/** The result of completing an enrolment: the session moves on; backup codes are shown once, if any. */
export interface EnrollmentResult extends LoginResult {
  readonly backupCodes: readonly string[] | null;
}

/**
 * Starts TOTP enrolment: a new secret, sealed and kept pending until a code proves the app has it. From a
 * signed-in session (adding or replacing an authenticator) the password is asked again.
 */
export async function beginTotpEnrollment(
  ctx: ServiceContext,
  sessionToken: string,
  input: { password?: string } = {},
): Promise<TotpEnrollment> {
  const { password } = parseInput(schemas.totpEnrollment, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  if (!policy.mfa.factors.includes("totp")) {
    throw new GatehouseError("NOT_SUPPORTED", "Authenticator apps are not offered to this organization.");
  }
  if (valid.session.stage === "authenticated") await confirmPassword(ctx, user, password);
  const secret = generateTotpSecret();
  await ctx.store.users.update(user.id, {
    pendingTotpSealed: ctx.box.seal(secret, `totp:${user.id}`),
    updatedAt: ctx.clock.now(),
  });
  return {
    uri: totpKeyUri({ issuer: ctx.issuer, accountName: user.email, secret }),
    secret: encodeTotpSecret(secret),
    issuer: ctx.issuer,
    accountName: user.email,
  };
}

/** Completes TOTP enrolment with a code from the app; the user is e-mailed that MFA was enabled. */
export async function completeTotpEnrollment(
  ctx: ServiceContext,
  sessionToken: string,
  input: { code: string },
): Promise<EnrollmentResult> {
  const { code } = parseInput(schemas.code, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user } = valid;
  if (!user.pendingTotpSealed) throw new GatehouseError("NOT_FOUND", "Start the enrolment first.");
  const secret = ctx.box.open(user.pendingTotpSealed, `totp:${user.id}`);
  const result = verifyTotpCode(secret, code, ctx.clock.now(), null);
  if (result.kind !== "valid")
    throw new GatehouseError("INVALID_CODE", "The code is not correct: try the next one.");
  const now = ctx.clock.now();
  return finishEnrollment(ctx, valid, "totp", {
    totp: { secretSealed: user.pendingTotpSealed, lastUsedStep: result.step, enrolledAt: now },
    pendingTotpSealed: null,
  });
}

/**
 * Binds a new 2FA phone (separate from the profile phone): the password again, then a code sent to the new
 * number. Nothing changes until `confirmMfaPhone` proves the number.
 */
export async function startMfaPhoneChange(
  ctx: ServiceContext,
  sessionToken: string,
  input: { password: string; phone: string },
): Promise<{ expiresAt: Date }> {
  const { password, phone } = parseInput(schemas.mfaPhone, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  if (!policy.mfa.factors.includes("sms"))
    throw new GatehouseError("NOT_SUPPORTED", "Text-message codes are not offered.");
  await confirmPassword(ctx, user, password);
  return sendCode(ctx, user, "phone-verification", phone, policy.tokens);
}

/** Confirms the new 2FA phone with the code sent to it; the user is e-mailed about the change. */
export async function confirmMfaPhone(
  ctx: ServiceContext,
  sessionToken: string,
  input: { code: string },
): Promise<EnrollmentResult> {
  const { code } = parseInput(schemas.code, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa-enrollment", "authenticated"]);
  const { user, policy } = valid;
  const gate = attemptGate(ctx, `sms-verify:${user.id}`, codeLockout(ctx, policy.tokens.smsCodeMaxAttempts));
  const reservation = await gate.reserve();
  if (reservation.kind === "refused") throw reservation.error;
  const token = await ctx.store.tokens.consume(
    smsCodeHash(user.id, "phone-verification", code),
    "phone-verification",
    ctx.clock.now(),
  );
  const phone = token?.data.phone;
  if (!token || token.userId !== user.id || !phone) {
    await gate.fail();
    throw new GatehouseError("INVALID_CODE", "The code is not correct, or has expired.");
  }
  await gate.succeed();
  const result = await finishEnrollment(ctx, valid, "sms", { mfaPhone: phone });
  await ctx.sendMail({ kind: "mfa-phone-changed", to: user.email, phoneLastDigits: phone.slice(-4) });
  return result;
}

/**
 * Sends a sign-in code to the 2FA phone of a session at the `mfa` stage. A new code voids the older ones but
 * never resets the failure count: the count belongs to the sign-in, not to the code.
 */
export async function sendSignInCode(
  ctx: ServiceContext,
  sessionToken: string,
): Promise<{ expiresAt: Date }> {
  const valid = await requireSession(ctx, sessionToken, ["mfa"]);
  const { user, policy } = valid;
  if (!user.mfaPhone) throw new GatehouseError("NOT_FOUND", "No 2FA phone is set for this account.");
  // A locked account gets no code: sending one would only hand a guesser more targets.
  const { state } = await ctx.store.attempts.get(loginAttemptKey(user.email));
  if (state.lockedUntil && ctx.clock.now() < state.lockedUntil)
    throw lockedError(state.lockedUntil, ctx.policy.lockout);
  return sendCode(ctx, user, "sign-in", user.mfaPhone, policy.tokens);
}

/** Shows the personal recovery code after the password is confirmed ("Show Recovery Code"). */
export async function revealRecoveryCode(
  ctx: ServiceContext,
  sessionToken: string,
  input: { password: string },
): Promise<{ code: string }> {
  const { password } = parseInput(schemas.password, input);
  const { user } = await requireSession(ctx, sessionToken, ["authenticated"]);
  if (!user.recoveryCodeSealed)
    throw new GatehouseError("NOT_FOUND", "There is no recovery code: enable MFA first.");
  await confirmPassword(ctx, user, password);
  const code = ctx.box.openString(user.recoveryCodeSealed, `recovery:${user.id}`);
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
  throw lockedUntil ? lockedError(lockedUntil, ctx.policy.lockout) : invalidCredentials();
}

async function finishEnrollment(
  ctx: ServiceContext,
  valid: ValidSession,
  method: "totp" | "sms",
  patch: UserPatch,
): Promise<EnrollmentResult> {
  const { user, organization, policy } = valid;
  const now = ctx.clock.now();
  let backupCodes: string[] | null = null;
  const recovery: { recoveryCodeSealed?: string; backupCodeHashes?: string[] } = {};
  if (policy.mfa.recovery === "single-code" && !user.recoveryCodeSealed) {
    recovery.recoveryCodeSealed = ctx.box.seal(generateRecoveryCode(), `recovery:${user.id}`);
  } else if (policy.mfa.recovery === "backup-codes" && user.backupCodeHashes.length === 0) {
    backupCodes = Array.from({ length: policy.mfa.backupCodeCount }, () => generateRecoveryCode());
    recovery.backupCodeHashes = backupCodes.map((c) => hashToken(`backup:${normalizeRecoveryCode(c)}`));
  }
  const updated = await ctx.store.users.update(user.id, { ...patch, ...recovery, updatedAt: now });
  if (!updated) throw new GatehouseError("NOT_FOUND", "No such user.");
  await auditLogin(ctx, updated, "mfa.enrolled", { method });
  if (method === "totp") await ctx.sendMail({ kind: "mfa-enabled", to: updated.email, method });
  const secondFactorVerified = true;
  const stage =
    valid.session.stage === "authenticated"
      ? "authenticated"
      : nextLoginStage({
          passwordChangeRequired: updated.passwordChangeRequired,
          requirement: organization.settings.mfa,
          enrolledFactors: enrolledFactors(updated),
          secondFactorVerified,
        });
  const session = await issueSession(ctx, updated, policy, stage, {
    secondFactorVerified,
    replaces: valid.session,
  });
  return { ...session, user: toUser(updated), factors: enrolledFactors(updated), backupCodes };
}

async function sendCode(
  ctx: ServiceContext,
  user: UserRecord,
  purpose: "sign-in" | "phone-verification",
  phone: string,
  tokens: ServiceContext["policy"]["tokens"],
): Promise<{ expiresAt: Date }> {
  const kind = purpose === "sign-in" ? "sms-code" : "phone-verification";
  const now = ctx.clock.now();
  await throttleSms(ctx, user, phone, tokens);
  const code = generateNumericCode(6);
  const expiresAt = tokenExpiresAt("sms-code", tokens, now);
  // The expiring secret is written first: if the send fails it simply expires unused.
  await ctx.store.tokens.deleteByUser(user.id, kind);
  await ctx.store.tokens.create({
    hash: smsCodeHash(user.id, purpose, code),
    kind,
    userId: user.id,
    organizationId: user.organizationId,
    createdAt: now,
    expiresAt,
    data: purpose === "phone-verification" ? { phone } : {},
  });
  const sent = await ctx.sendSms({ kind: "sms-code", to: phone, code, purpose, expiresAt });
  if (!sent) throw new GatehouseError("DELIVERY_FAILED", "The code could not be sent: try again.");
  return { expiresAt };
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
