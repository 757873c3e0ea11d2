import { GatehouseError } from "../errors.js";
import type { Grants } from "../matrix/compile-grants.js";
import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import type { SessionStage } from "../policy/session.js";
import { evaluateSession, sessionExpiresAt } from "../policy/session.js";
import type { OrganizationRecord, SessionRecord, UserRecord } from "../store/records.js";
import { generateSessionToken, parseSessionToken, sessionKey } from "../store/session-key.js";
import { compileUserGrants } from "./actor.js";
import type { ServiceContext } from "./context.js";
import type { LogoutInput, ValidateSessionInput } from "./inputs.js";
import { buildPrincipal, decodePrincipal, encodePrincipal, type Principal } from "./principal.js";
import { parseInput, schemas } from "./schemas.js";
import type { Organization, User } from "./views.js";

/** A session handed to the caller: the token goes to the browser; only its hash is stored. */
export interface IssuedSession {
  /** 256 random bits, base64url: the cookie value. Shown once. */
  readonly token: string;
  readonly stage: SessionStage;
  readonly expiresAt: Date;
}

/** A session as the service describes it to a binding: its stage and times, never its token or hash. */
export interface SessionView {
  /** `authenticated`, or a pending step of signing in (`mfa`, `mfa-enrollment`, `password-change`). */
  readonly stage: SessionStage;
  /** Whether a second factor was verified in this session. */
  readonly secondFactorVerified: boolean;
  /** When the user signed in (the absolute lifetime counts from here). */
  readonly createdAt: Date;
  /** The last activity the store recorded (activity is written back at most once per interval). */
  readonly lastActiveAt: Date;
  /** When the session ends without further activity, after this request's: for a cookie's Max-Age. */
  readonly expiresAt: Date;
}

/** What {@link Gatehouse.validateSession} answers for a live session: its user, organization and grants. */
export interface ValidSession {
  /** The session's user, as the service hands users out: no credential, no secret. */
  readonly user: User;
  readonly organization: Organization;
  readonly session: SessionView;
  /** The policy of the user's organization (which second factors it offers, its session lifetimes, …). */
  readonly policy: GatehousePolicy;
  /** The user's compiled grants; only meaningful when the stage is `authenticated`. */
  readonly grants: Grants;
  /**
   * True when this request moved the session's deadline (the service wrote the activity back): a binding
   * sends the cookie again with the new Max-Age. False when the deadline stands as the cookie already has it.
   */
  readonly refreshed: boolean;
}

/** A live session with the records behind it, for the use cases (never handed out). */
export interface LoadedSession {
  readonly session: SessionRecord;
  readonly user: UserRecord;
  readonly organization: OrganizationRecord;
  readonly policy: GatehousePolicy;
  readonly grants: Grants;
  /** The deadline after this request's activity. */
  readonly expiresAt: Date;
}

/**
 * Creates a session with a fresh token. A stage change passes the session it replaces: that one is deleted
 * (a new token at every stage change, so no token survives a privilege change: no fixation), and the
 * sign-in time carries over so the absolute lifetime counts from the sign-in. The session starts without a
 * principal: its first validation loads it (a sign-in costs no authorization-version read).
 */
export async function issueSession(
  ctx: ServiceContext,
  user: UserRecord,
  policy: GatehousePolicy,
  stage: SessionStage,
  options: { secondFactorVerified: boolean; replaces?: SessionRecord },
): Promise<IssuedSession> {
  return storeSession(ctx, prepareSession(ctx, user, policy, stage, options), options.replaces);
}

/** A session ready to be stored: its record, and the token only its holder will ever see. */
export interface PreparedSession {
  readonly issued: IssuedSession;
  readonly record: SessionRecord;
}

/**
 * The first half of {@link issueSession}, with no I/O: a fresh token and the record, at the clock's now. A
 * sign-in prepares it while the password hash runs, and stores it only once the password was right.
 */
export function prepareSession(
  ctx: ServiceContext,
  user: UserRecord,
  policy: GatehousePolicy,
  stage: SessionStage,
  options: { secondFactorVerified: boolean; replaces?: SessionRecord },
): PreparedSession {
  const now = ctx.clock.now();
  const token = generateSessionToken(user.organizationId);
  const createdAt = options.replaces?.createdAt ?? now;
  const expiresAt = sessionExpiresAt({ stage, createdAt, lastActiveAt: now }, policy.session);
  const record: SessionRecord = {
    tokenHash: sessionKey(user.organizationId, token),
    userId: user.id,
    organizationId: user.organizationId,
    stage,
    secondFactorVerified: options.secondFactorVerified,
    createdAt,
    lastActiveAt: now,
    expiresAt,
    principal: null,
  };
  return { issued: { token, stage, expiresAt }, record };
}

/** The second half of {@link issueSession}: stores the prepared session, then deletes the one it replaces. */
export async function storeSession(
  ctx: ServiceContext,
  prepared: PreparedSession,
  replaces?: SessionRecord,
): Promise<IssuedSession> {
  await ctx.store.sessions.create(prepared.record);
  if (replaces) await ctx.store.sessions.delete(replaces.tokenHash);
  return prepared.issued;
}

/**
 * Finds and judges the session of a token with the DURABLE records behind it (what a use case that writes
 * needs: the user's credentials and factors): idle and absolute expiry, the user and organization still
 * there. Activity is written back only when the throttle allows. Resolves `null` for anything not valid.
 */
export async function loadSession(ctx: ServiceContext, token: string): Promise<LoadedSession | null> {
  const parsed = parseSessionToken(token);
  if (!parsed) return null;
  const now = ctx.clock.now();
  const session = await ctx.store.sessions.find(parsed.tokenHash, now);
  if (!session || session.organizationId !== parsed.organizationId) return null;
  const [user, organization] = await Promise.all([
    ctx.store.users.findById(session.userId),
    ctx.store.organizations.findById(session.organizationId),
  ]);
  if (!user || !organization || user.organizationId !== organization.id) {
    await ctx.store.sessions.delete(session.tokenHash);
    return null;
  }
  const grants = await compileUserGrants(ctx, ctx.store, user);
  const policy = ctx.policyOf(organization);
  const expiresAt = await judgeSession(ctx, session, policy, now);
  if (expiresAt === null) return null;
  return { session, user, organization, policy, grants, expiresAt };
}

/**
 * Judges a found session by its organization's policy: deletes it and answers `null` once expired, else writes
 * the activity back when the throttle allows and answers its deadline.
 */
async function judgeSession(
  ctx: ServiceContext,
  session: SessionRecord,
  policy: GatehousePolicy,
  now: Date,
): Promise<Date | null> {
  const verdict = evaluateSession(session, policy.session, now);
  if (verdict.kind === "expired") {
    await ctx.store.sessions.delete(session.tokenHash);
    return null;
  }
  if (verdict.touch) await ctx.store.sessions.touch(session.tokenHash, now, verdict.expiresAt);
  return verdict.expiresAt;
}

/**
 * The principal of a live session, from the snapshot it carries when that was taken at the organization's
 * current authorization version, else from the durable store (then written back, tagged with the version
 * read BEFORE the durable reads: a change committed meanwhile has bumped past it, so the next request
 * reloads again rather than trusting what this one read). `null` when the user or organization is gone.
 */
async function currentPrincipal(
  ctx: ServiceContext,
  session: SessionRecord,
  version: string,
): Promise<Principal | null> {
  const carried = decodePrincipal(
    ctx.matrix,
    session.principal,
    version,
    session.userId,
    session.organizationId,
  );
  if (carried) return carried;
  const [user, organization] = await Promise.all([
    ctx.store.users.findById(session.userId),
    ctx.store.organizations.findById(session.organizationId),
  ]);
  if (!user || !organization || user.organizationId !== organization.id) return null;
  const principal = await buildPrincipal(ctx, user, organization);
  await ctx.store.sessions.savePrincipal(session.tokenHash, encodePrincipal(ctx.matrix, principal, version));
  return principal;
}

/** Loads a session that must be in one of `stages`, else UNAUTHENTICATED. */
export async function requireSession(
  ctx: ServiceContext,
  token: string,
  stages: readonly SessionStage[],
): Promise<LoadedSession> {
  const valid = await loadSession(ctx, token);
  if (!valid)
    throw new GatehouseError("UNAUTHENTICATED", "Sign in first: the session is missing or has expired.");
  if (!stages.includes(valid.session.stage)) {
    throw new GatehouseError(
      "UNAUTHENTICATED",
      `This step is not available at the "${valid.session.stage}" stage.`,
      {
        stage: valid.session.stage,
      },
    );
  }
  return valid;
}

/**
 * Validates a session token for a binding: the public view of its user, organization and session, the grants,
 * and whether the deadline moved; `null` for anything that is not a live session. The hot path: one read of
 * the session and its organization's authorization version, and no durable read while the principal the
 * session carries is current.
 */
export async function validateSession(
  ctx: ServiceContext,
  input: ValidateSessionInput,
): Promise<ValidSession | null> {
  const { sessionToken } = parseInput(schemas.validateSession, input);
  const parsed = parseSessionToken(sessionToken);
  if (!parsed) return null;
  const now = ctx.clock.now();
  const current = await ctx.store.sessions.findCurrent(parsed.tokenHash, parsed.organizationId, now);
  if (!current || current.session.organizationId !== parsed.organizationId) return null;
  const { session, version } = current;
  const principal = await currentPrincipal(ctx, session, version);
  if (!principal) {
    await ctx.store.sessions.delete(session.tokenHash);
    return null;
  }
  const { user, organization, grants } = principal;
  const policy = ctx.policyOf(organization);
  const expiresAt = await judgeSession(ctx, session, policy, now);
  if (expiresAt === null) return null;
  return {
    user,
    organization,
    session: {
      stage: session.stage,
      secondFactorVerified: session.secondFactorVerified,
      createdAt: session.createdAt,
      lastActiveAt: session.lastActiveAt,
      expiresAt,
    },
    policy,
    grants,
    refreshed: expiresAt.getTime() !== session.expiresAt.getTime(),
  };
}

/** Ends one session; a token that is no session ends nothing. */
export async function logout(ctx: ServiceContext, input: LogoutInput): Promise<void> {
  const { sessionToken } = parseInput(schemas.logout, input);
  const parsed = parseSessionToken(sessionToken);
  if (parsed) await ctx.store.sessions.delete(parsed.tokenHash);
}
