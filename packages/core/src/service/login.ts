import { verifySecret } from "../crypto/passwords.js";
import {
  generateRecoveryCode,
  hashToken,
  normalizeRecoveryCode,
  timingSafeEqualString,
} from "../crypto/tokens.js";
import { verifyTotpCode } from "../crypto/totp.js";
import { GatehouseError } from "../errors.js";
import { normalizeEmail } from "../policy/invitation.js";
import { nextLoginStage } from "../policy/mfa.js";
import type { AuditActor, OrganizationRecord, UserRecord } from "../store/records.js";
import { attemptGate, invalidCredentials, lockedError, loginAttemptKey } from "./attempts.js";
import type { ServiceContext } from "./context.js";
import { auditLoginLater } from "./login-audit.js";
import { parseInput, schemas } from "./schemas.js";
import { type IssuedSession, issueSession, requireSession } from "./sessions.js";
import { enrolledFactors, toUser, type User } from "./views.js";

/** The outcome of a sign-in step: a session at its next stage. */
export interface LoginResult extends IssuedSession {
  readonly user: User;
  /** The second factors the user may answer with at the `mfa` stage. */
  readonly factors: ReadonlyArray<"totp" | "sms" | "recovery">;
}

/** The audit actor of a user acting on their own account. */
export const selfActor = (user: UserRecord): AuditActor => ({
  kind: "member",
  id: user.id,
  email: user.email,
});

/**
 * Signs in with an e-mail address and a password. The attempt is reserved in the store before the password is
 * checked, so parallel guesses never verify more passwords than the lockout policy allows; an unknown address
 * costs one dummy argon2id verification and answers exactly like a wrong password.
 */
export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string },
): Promise<LoginResult> {
  const { email, password } = parseInput(schemas.login, input);
  const address = normalizeEmail(email);
  const lockout = ctx.policy.lockout;
  const gate = attemptGate(ctx, loginAttemptKey(address), lockout);
  // Independent round trips run side by side; the password is still checked only after the reservation.
  const [reserved, found] = await Promise.allSettled([gate.reserve(), ctx.store.users.findByEmail(address)]);
  if (reserved.status === "rejected") throw reserved.reason;
  const reservation = reserved.value;
  if (found.status === "rejected") {
    if (reservation.kind === "verify") await gate.release();
    throw found.reason;
  }
  const user = found.value;
  if (reservation.kind === "refused") {
    if (user) await auditLoginLater(ctx, user, ["login.refused", { reason: reservation.error.code }]);
    throw reservation.error;
  }

  let verified: boolean;
  let organization: OrganizationRecord | null;
  try {
    [organization, verified] = await Promise.all([
      user ? ctx.store.organizations.findById(user.organizationId) : null,
      verifyLoginPassword(ctx, user, password),
    ]);
  } catch (error) {
    await gate.release();
    throw error;
  }
  // An organization that signs in through SSO has no password to accept, whatever the hash says.
  if (!verified || !user || organization?.settings.authMode !== "password") {
    const lockedUntil = await gate.fail();
    if (user) {
      await auditLoginLater(
        ctx,
        user,
        ["login.failed", { factor: "password" }],
        ...(lockedUntil ? [["account.locked", { lockedUntil: lockedUntil.toISOString() }] as const] : []),
      );
    }
    throw lockedUntil ? lockedError(lockedUntil, lockout) : invalidCredentials();
  }

  const policy = ctx.policyOf(organization);
  const stage = nextLoginStage({
    passwordChangeRequired: user.passwordChangeRequired,
    requirement: organization.settings.mfa,
    enrolledFactors: enrolledFactors(user),
    secondFactorVerified: false,
  });
  const [, session] = await Promise.all([
    // With a second factor still to come the sign-in has not succeeded yet: the counter stays as it is.
    stage === "mfa" ? gate.release() : gate.succeed(),
    issueSession(ctx, user, policy, stage, { secondFactorVerified: false }),
    auditLogin(ctx, user, stage === "mfa" ? "login.password-verified" : "login.succeeded", { stage }),
  ]);
  return { ...session, user: toUser(user), factors: factorsOf(user) };
}

async function verifyLoginPassword(
  ctx: ServiceContext,
  user: UserRecord | null,
  password: string,
): Promise<boolean> {
  if (!user) return ctx.hasher.verifyDummy(password);
  const now = ctx.clock.now();
  if (user.passwordHash) return ctx.hasher.verify(user.passwordHash, password);
  if (
    user.temporaryPasswordHash &&
    user.temporaryPasswordExpiresAt &&
    now < user.temporaryPasswordExpiresAt
  ) {
    // A temporary password is a random secret checked with SHA-256; the dummy verification keeps the time of
    // this answer the same as an argon2id one, so timing does not tell invited users from others.
    await ctx.hasher.verifyDummy(password);
    return verifySecret(user.temporaryPasswordHash, password);
  }
  return ctx.hasher.verifyDummy(password);
}

/**
 * Answers the second factor of a session at the `mfa` stage: a TOTP code, an SMS code or the recovery code.
 * Every answer is a sign-in attempt under the lockout policy: a wrong code counts as a failure.
 */
export async function verifySecondFactor(
  ctx: ServiceContext,
  sessionToken: string,
  input: { method: "totp" | "sms" | "recovery"; code: string },
): Promise<LoginResult> {
  const { method, code } = parseInput(schemas.secondFactor, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa"]);
  const { user, organization, policy } = valid;
  const gate = attemptGate(ctx, loginAttemptKey(user.email), ctx.policy.lockout);
  const reservation = await gate.reserve();
  if (reservation.kind === "refused") {
    await auditLogin(ctx, user, "login.refused", { reason: reservation.error.code, factor: method });
    if (reservation.error.code === "INVALID_CREDENTIALS") {
      throw new GatehouseError("INVALID_CODE", "The code is not correct, or was already used.");
    }
    throw reservation.error;
  }
  let ok: boolean;
  try {
    ok = await checkSecondFactor(ctx, user, method, code);
  } catch (error) {
    await gate.release();
    throw error;
  }
  if (!ok) {
    const lockedUntil = await gate.fail();
    await auditLogin(ctx, user, "login.failed", { factor: method });
    if (lockedUntil)
      await auditLogin(ctx, user, "account.locked", { lockedUntil: lockedUntil.toISOString() });
    // Where the policy does not reveal locks, the locking answer reads exactly like any wrong code.
    if (lockedUntil && ctx.policy.lockout.revealLocked) throw lockedError(lockedUntil, ctx.policy.lockout);
    throw new GatehouseError("INVALID_CODE", "The code is not correct, or was already used.");
  }
  await gate.succeed();
  const fresh = (await ctx.store.users.findById(user.id)) ?? user;
  const stage = nextLoginStage({
    passwordChangeRequired: fresh.passwordChangeRequired,
    requirement: organization.settings.mfa,
    enrolledFactors: enrolledFactors(fresh),
    secondFactorVerified: true,
  });
  const session = await issueSession(ctx, fresh, policy, stage, {
    secondFactorVerified: true,
    replaces: valid.session,
  });
  await auditLogin(ctx, fresh, "login.succeeded", { factor: method, stage });
  return { ...session, user: toUser(fresh), factors: factorsOf(fresh) };
}

async function checkSecondFactor(
  ctx: ServiceContext,
  user: UserRecord,
  method: "totp" | "sms" | "recovery",
  code: string,
): Promise<boolean> {
  const now = ctx.clock.now();
  if (method === "totp") {
    if (!user.totp) return false;
    const secret = ctx.box.open(user.totp.secretSealed, `totp:${user.id}`);
    const result = verifyTotpCode(secret, code, now, user.totp.lastUsedStep);
    // The store's compare-and-set decides between two sign-ins racing with the same code: one wins.
    return result.kind === "valid" && (await ctx.store.users.advanceTotpStep(user.id, result.step));
  }
  if (method === "sms") {
    if (!user.mfaPhone) return false;
    const token = await ctx.store.tokens.consume(
      smsCodeHash(user.id, "sign-in", code.trim()),
      "sms-code",
      now,
    );
    return token !== null && token.userId === user.id;
  }
  return useRecoveryCode(ctx, user, code);
}

/** Checks the recovery code (or a backup code) and, when it matches, rotates or spends it. */
async function useRecoveryCode(ctx: ServiceContext, user: UserRecord, code: string): Promise<boolean> {
  const typed = normalizeRecoveryCode(code);
  if (user.recoveryCodeSealed) {
    const stored = ctx.box.openString(user.recoveryCodeSealed, `recovery:${user.id}`);
    if (!timingSafeEqualString(normalizeRecoveryCode(stored), typed)) return false;
    // Using it signs the user in and rotates it: the old code never works twice.
    const next = ctx.box.seal(generateRecoveryCode(), `recovery:${user.id}`);
    await ctx.store.users.update(user.id, { recoveryCodeSealed: next, updatedAt: ctx.clock.now() });
    await auditLogin(ctx, user, "recovery-code.used", {});
    return true;
  }
  const hash = hashToken(`backup:${typed}`);
  const match = user.backupCodeHashes.find((h) => timingSafeEqualString(h, hash));
  if (!match) return false;
  await ctx.store.users.update(user.id, {
    backupCodeHashes: user.backupCodeHashes.filter((h) => h !== match),
    updatedAt: ctx.clock.now(),
  });
  await auditLogin(ctx, user, "recovery-code.used", { kind: "backup-code" });
  return true;
}

/** The hash under which an SMS code is stored: bound to the user and its purpose. */
export function smsCodeHash(userId: string, purpose: "sign-in" | "phone-verification", code: string): string {
  return hashToken(`sms:${purpose}:${userId}:${code}`);
}

function factorsOf(user: UserRecord): Array<"totp" | "sms" | "recovery"> {
  const factors: Array<"totp" | "sms" | "recovery"> = enrolledFactors(user);
  if (user.recoveryCodeSealed || user.backupCodeHashes.length > 0) factors.push("recovery");
  return factors;
}

/** Appends one audit entry about a user's own sign-in or factor. */
export async function auditLogin(
  ctx: ServiceContext,
  user: UserRecord,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action,
      actor: selfActor(user),
      subjectUserId: user.id,
      subjectEmail: user.email,
      details,
    },
  ]);
}
