import { verifySecret } from "../crypto/passwords.js";
import { GatehouseError } from "../errors.js";
import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import { normalizeEmail } from "../policy/invitation.js";
import { nextLoginStage } from "../policy/mfa.js";
import { effectiveMfaRequirement } from "../policy/organization-settings.js";
import type { SessionStage } from "../policy/session.js";
import { passwordMfaRequirement } from "../policy/sso.js";
import type { AuditActor, AuditRecord, OrganizationRecord, UserRecord } from "../store/records.js";
import type { PreparedSignInCommit, SignInCommit, Store } from "../store/store.js";
import {
  type AttemptGate,
  attemptGate,
  invalidCredentials,
  lockedError,
  loginAttemptKey,
} from "./attempts.js";
import type { AuditEntryInput, ServiceContext } from "./context.js";
import { factorCounter, secondFactorLocked } from "./factors/counter.js";
import { enrolledFactors, type SecondFactorMethod, secondFactorOf } from "./factors/index.js";
import type { LoginInput, VerifySecondFactorInput } from "./inputs.js";
import { auditLoginLater } from "./login-audit.js";
import { type LoginResult, toLoginResult } from "./login-result.js";
import { parseInput, schemas } from "./schemas.js";
import {
  type IssuedSession,
  issueSession,
  type LoadedSession,
  type PreparedSession,
  prepareSession,
  requireSession,
  storeSession,
} from "./sessions.js";
import { passwordAllowedFor } from "./sso/emergency.js";

export type { LoginResult } from "./login-result.js";

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
export async function login(ctx: ServiceContext, input: LoginInput): Promise<LoginResult> {
  const { email, password } = parseInput(schemas.login, input);
  const address = normalizeEmail(email);
  const lockout = ctx.policy.lockout;
  const gate = attemptGate(ctx, loginAttemptKey(address), lockout);
  // Independent round trips run side by side (the user with their organization, one query where the store
  // joins them, and the reservation); the password is still checked only after the reservation. The read is
  // sent first: it is the longer of the two, and the hash starts with its answer.
  const [found, reserved] = await Promise.allSettled([
    findUserWithOrganization(ctx, address),
    gate.reserve(),
  ]);
  if (reserved.status === "rejected") throw reserved.reason;
  const reservation = reserved.value;
  if (found.status === "rejected") {
    if (reservation.kind === "verify") await gate.release();
    throw found.reason;
  }
  const user = found.value?.user ?? null;
  if (reservation.kind === "refused") {
    if (user) await auditLoginLater(ctx, user, ["login.refused", { reason: reservation.error.code }]);
    throw reservation.error;
  }

  let verified: boolean;
  let success: PreparedSignIn | null;
  try {
    // While the hash runs on libuv's pool, the answer to a right password is prepared (the stage, the token,
    // the record), so only the writes are left once it is known; after a wrong one it is dropped unseen.
    const checking = verifyLoginPassword(ctx, user, password);
    [success, verified] = await Promise.all([
      organizationOf(ctx, found.value).then((organization) =>
        user && organization ? prepareSignIn(ctx, user, organization) : null,
      ),
      checking,
    ]);
    // An organization that signs in through SSO has no password to accept, whatever the hash says, except
    // from the emergency administrators staff designated (looked up only once the password was right).
    if (verified && user && success) verified = await passwordAllowedFor(ctx, success.organization, user);
  } catch (error) {
    await gate.release();
    throw error;
  }
  if (!verified || !user || !success) {
    const lockedUntil = await gate.fail();
    // The gate audits a lock itself; the failure's own entry is written after the answer.
    if (user) auditLoginLater(ctx, user, ["login.failed", { factor: "password" }]);
    throw lockedUntil ? lockedError(lockedUntil, lockout, "max-failures") : invalidCredentials();
  }

  const session = await commitSignIn(ctx, gate, success);
  return toLoginResult(session, user, success.policy);
}

/**
 * The writes a right password leads to: the attempt settled, the session stored, its audit entry durable
 * before the answer (in the fast store's outbox where there is one). One atomic store call where the store
 * offers a {@link SignInCommit} and nobody wrote the attempt state since the reservation; else three calls
 * side by side.
 */
async function commitSignIn(
  ctx: ServiceContext,
  gate: AttemptGate,
  success: PreparedSignIn,
): Promise<IssuedSession> {
  // With a second factor still to come the sign-in has not succeeded yet: the counter stays as it is.
  const outcome = success.stage === "mfa" ? "release" : "succeed";
  const writeAlone = () => Promise.all([storeSession(ctx, success.session), ctx.auditSoon(success.audit)]);
  const { commit } = success;
  if (commit === null) {
    const [, [issued]] = await Promise.all([gate.settle(outcome), writeAlone()]);
    return issued;
  }
  if (await gate.settle(outcome, commit)) {
    await ctx.auditPushed();
    return success.session.issued;
  }
  // Another attempt wrote the state in between: the settlement went alone, on the state it found.
  const [issued] = await writeAlone();
  return issued;
}

/** The store's sign-in commit, only where it writes to the store's own attempts, sessions and outbox. */
function signInCommitOf(store: Store): SignInCommit | null {
  const commit = store.signInCommit;
  if (commit === undefined) return null;
  const own =
    commit.attempts === store.attempts &&
    commit.sessions === store.sessions &&
    commit.auditOutbox === store.auditOutbox;
  return own ? commit : null;
}

/**
 * What a right password leads to, prepared before it is known: the policy, the next stage, the session and
 * its audit entry (stamped at the sign-in's start).
 */
interface PreparedSignIn {
  readonly organization: OrganizationRecord;
  readonly policy: GatehousePolicy;
  readonly stage: SessionStage;
  readonly session: PreparedSession;
  readonly audit: readonly AuditRecord[];
  /** The store's one-step commit of the writes, prepared; `null` where the store has none. */
  readonly commit: PreparedSignInCommit | null;
}

function prepareSignIn(
  ctx: ServiceContext,
  user: UserRecord,
  organization: OrganizationRecord,
): PreparedSignIn {
  const policy = ctx.policyOf(organization);
  const stage = nextLoginStage({
    passwordChangeRequired: user.passwordChangeRequired,
    requirement: passwordMfaRequirement(
      organization.settings.authMode,
      effectiveMfaRequirement(organization.settings, policy),
    ),
    enrolledFactors: enrolledFactors(user),
    secondFactorVerified: false,
  });
  const session = prepareSession(ctx, user, policy, stage, { secondFactorVerified: false });
  // With a second factor still to come the sign-in has not succeeded yet: only the password is recorded.
  const action = stage === "mfa" ? "login.password-verified" : "login.succeeded";
  const audit = ctx.stampAudit([loginEntry(user, action, { stage })]);
  const commit = signInCommitOf(ctx.store)?.prepare(session.record, audit) ?? null;
  return { organization, policy, stage, session, audit, commit };
}

/**
 * The user of an address and, where the store reads both in one query, their organization; `organization`
 * is `undefined` when the store has no such query (the caller reads it beside the password check).
 */
async function findUserWithOrganization(
  ctx: ServiceContext,
  address: string,
): Promise<{ user: UserRecord; organization?: OrganizationRecord | null } | null> {
  const users = ctx.store.users;
  if (users.findByEmailWithOrganization) return users.findByEmailWithOrganization(address);
  const user = await users.findByEmail(address);
  return user === null ? null : { user };
}

/** The organization that came with the user, or read now (beside the password check). */
async function organizationOf(
  ctx: ServiceContext,
  found: { user: UserRecord; organization?: OrganizationRecord | null } | null,
): Promise<OrganizationRecord | null> {
  if (found === null) return null;
  if (found.organization !== undefined) return found.organization;
  return ctx.store.organizations.findById(found.user.organizationId);
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
 * Answers the second factor of a session at the `mfa` stage: a TOTP code, an SMS code or a recovery code.
 * Every answer is a sign-in attempt under the lockout policy (a wrong code counts as a failure) and a check
 * under the user's second-factor counter, which never decays: past its cap even the right code is refused
 * (`SECOND_FACTOR_LOCKED`) until an administrator resets it.
 */
export async function verifySecondFactor(
  ctx: ServiceContext,
  input: VerifySecondFactorInput,
): Promise<LoginResult> {
  const { sessionToken, method, code } = parseInput(schemas.verifySecondFactor, input);
  const valid = await requireSession(ctx, sessionToken, ["mfa"]);
  const { user, organization, policy } = valid;
  const gate = attemptGate(ctx, loginAttemptKey(user.email), ctx.policy.lockout);
  const counter = factorCounter(ctx, user.id, policy, method);
  const reservation = await gate.reserve();
  if (reservation.kind === "refused") {
    await auditLogin(ctx, user, "login.refused", { reason: reservation.error.code, factor: method });
    if (reservation.error.code === "INVALID_CREDENTIALS") throw invalidCode();
    throw reservation.error;
  }
  const held = await counter.reserve().catch(async (error: unknown) => {
    await gate.release();
    throw error;
  });
  if (held.kind === "refused") {
    await Promise.all([
      gate.release(),
      auditLogin(ctx, user, "login.refused", { reason: held.error.code, factor: method }),
    ]);
    throw held.error;
  }
  let ok: boolean;
  try {
    ok = await secondFactorOf(method).verify(ctx, user, code);
  } catch (error) {
    await Promise.all([gate.release(), counter.release()]);
    throw error;
  }
  if (!ok) return refuseWrongCode(ctx, valid, method, gate, counter);

  // Password and second factor both proved: the sign-in is complete, and both counters reset.
  await Promise.all([gate.succeed(), counter.succeed()]);
  const fresh = (await ctx.store.users.findById(user.id)) ?? user;
  const stage = nextLoginStage({
    passwordChangeRequired: fresh.passwordChangeRequired,
    requirement: effectiveMfaRequirement(organization.settings, policy),
    enrolledFactors: enrolledFactors(fresh),
    secondFactorVerified: true,
  });
  const session = await issueSession(ctx, fresh, policy, stage, {
    secondFactorVerified: true,
    replaces: valid.session,
  });
  await auditLoginSoon(ctx, fresh, "login.succeeded", { factor: method, stage });
  return toLoginResult(session, fresh, policy);
}

/** Settles a wrong code on both counters, audits, warns the user once per pending sign-in, and throws. */
async function refuseWrongCode(
  ctx: ServiceContext,
  valid: LoadedSession,
  method: SecondFactorMethod,
  gate: ReturnType<typeof attemptGate>,
  counter: ReturnType<typeof factorCounter>,
): Promise<never> {
  const { user } = valid;
  const [lockedUntil, factorLocked] = await Promise.all([gate.fail(), counter.fail()]);
  await auditLogin(ctx, user, "login.failed", { factor: method });
  if (factorLocked) await auditLogin(ctx, user, "mfa.factor-locked", { factor: method });
  await warnOnce(ctx, valid, method);
  if (factorLocked) throw secondFactorLocked();
  // Where the policy does not reveal locks, the locking answer reads exactly like any wrong code.
  if (lockedUntil && ctx.policy.lockout.revealLocked)
    throw lockedError(lockedUntil, ctx.policy.lockout, "max-failures");
  throw invalidCode();
}

/**
 * E-mails the user that their password was used with a wrong code: someone may hold their password. Once
 * per pending sign-in (a compare-and-set on a key of the session), so a guesser cannot flood the inbox; a
 * new sign-in needs the password again and is bounded by the lockout and the second-factor cap.
 */
async function warnOnce(
  ctx: ServiceContext,
  valid: LoadedSession,
  method: SecondFactorMethod,
): Promise<void> {
  const { session, user, policy } = valid;
  const end = new Date(session.createdAt.getTime() + policy.session.absoluteLifetimeMs);
  const first = await ctx.store.attempts.compareAndSet(
    `factor-alert:${session.tokenHash}`,
    0,
    {
      failures: 1,
      failureAts: [],
      lastFailureAt: ctx.clock.now(),
      lockedUntil: null,
      locks: 0,
      inFlight: [],
    },
    end,
  );
  if (first)
    await ctx.sendMail({ kind: "second-factor-failed", to: user.email, method, at: ctx.clock.now() });
}

function invalidCode(): GatehouseError {
  return new GatehouseError("INVALID_CODE", "The code is not correct, or was already used.");
}

/** One audit entry about a user's own sign-in or factor. */
function loginEntry(user: UserRecord, action: string, details: Record<string, unknown>): AuditEntryInput {
  return {
    organizationId: user.organizationId,
    action,
    actor: selfActor(user),
    subjectUserId: user.id,
    subjectEmail: user.email,
    details,
  };
}

/** {@link auditLogin} through the store's audit outbox where it has one (see `ServiceContext.auditSoon`). */
async function auditLoginSoon(
  ctx: ServiceContext,
  user: UserRecord,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await ctx.auditSoon(ctx.stampAudit([loginEntry(user, action, details)]));
}

/** Appends one audit entry about a user's own sign-in or factor. */
export async function auditLogin(
  ctx: ServiceContext,
  user: UserRecord,
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await ctx.audit(ctx.store, [loginEntry(user, action, details)]);
}
