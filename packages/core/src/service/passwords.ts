import { generateToken, hashToken } from "../crypto/tokens.js";
import { GatehouseError } from "../errors.js";
import { normalizeEmail } from "../policy/invitation.js";
import { nextLoginStage } from "../policy/mfa.js";
import { effectiveMfaRequirement } from "../policy/organization-settings.js";
import { passwordMfaRequirement } from "../policy/sso.js";
import { tokenExpiresAt } from "../policy/token.js";
import type { AuditActor, OrganizationRecord, UserRecord } from "../store/records.js";
import { type Actor, authorize, resolveActor } from "./actor.js";
import type { ServiceContext } from "./context.js";
import { mailedTo, mailedToCurrentAddress } from "./email-change.js";
import { assertNotSuperior, findUserFor } from "./guards.js";
import type {
  ChangePasswordInput,
  IssuePasswordResetInput,
  RequestPasswordResetInput,
  ResetPasswordInput,
} from "./inputs.js";
import { auditLogin, selfActor } from "./login.js";
import { confirmPassword } from "./mfa.js";
import { assertPasswordAllowed } from "./provisioning.js";
import { throttleMessages } from "./rate-limits.js";
import { parseInput, schemas } from "./schemas.js";
import { type IssuedSession, issueSession, requireSession } from "./sessions.js";
import { passwordAllowedFor } from "./sso/emergency.js";
import { enrolledFactors } from "./views.js";

/**
 * Sets a new password from a session: at the `password-change` stage (the temporary password of an
 * invitation) or signed in (the current password is asked again). Every other session of the user ends; this
 * one continues under a new token.
 */
export async function changePassword(
  ctx: ServiceContext,
  input: ChangePasswordInput,
): Promise<IssuedSession> {
  const { sessionToken, currentPassword, newPassword } = parseInput(schemas.changePassword, input);
  const valid = await requireSession(ctx, sessionToken, ["password-change", "authenticated"]);
  const { user, organization, policy } = valid;
  if (valid.session.stage === "authenticated") await confirmPassword(ctx, user, currentPassword);
  assertPasswordAllowed(policy.password, newPassword, user);
  const now = ctx.clock.now();
  const updated = await ctx.store.users.update(user.id, {
    passwordHash: await ctx.hasher.hash(newPassword),
    temporaryPasswordHash: null,
    temporaryPasswordExpiresAt: null,
    passwordChangeRequired: false,
    status: "active",
    updatedAt: now,
  });
  if (!updated) throw new GatehouseError("NOT_FOUND", "No such user.");
  await ctx.store.sessions.deleteByUser(user.id);
  if (user.status === "invited") await auditLogin(ctx, updated, "user.activated", {});
  await auditLogin(ctx, updated, "password.changed", {});
  const stage = nextLoginStage({
    passwordChangeRequired: false,
    requirement: passwordMfaRequirement(
      organization.settings.authMode,
      effectiveMfaRequirement(organization.settings, policy),
    ),
    enrolledFactors: enrolledFactors(updated),
    secondFactorVerified: valid.session.secondFactorVerified,
  });
  return issueSession(ctx, updated, policy, stage, {
    secondFactorVerified: valid.session.secondFactorVerified,
  });
}

/**
 * "Forgot password": e-mails a reset link when the address belongs to a user of a password organization, and
 * answers the same whatever the address, in the same time: once the input is checked the call answers, and
 * the lookup, the new link, its audit entry and the mail happen afterwards (`Gatehouse.flush` awaits them).
 * A failure there goes to `onDeliveryError` (the mail) or `onBackgroundError` (the rest), never to the caller.
 */
export async function requestPasswordReset(
  ctx: ServiceContext,
  input: RequestPasswordResetInput,
): Promise<void> {
  const { email } = parseInput(schemas.requestPasswordReset, input);
  await ctx.defer("password-reset.request", () => sendResetLinkIfRegistered(ctx, normalizeEmail(email)));
}

async function sendResetLinkIfRegistered(ctx: ServiceContext, address: string): Promise<void> {
  const user = await ctx.store.users.findByEmail(address);
  if (!user) return;
  const organization = await ctx.store.organizations.findById(user.organizationId);
  if (!organization || !(await passwordAllowedFor(ctx, organization, user))) return;
  try {
    await issueResetLink(ctx, user, organization, selfActor(user));
  } catch (error) {
    // Throttled is an expected outcome, not a failure to report: the recipient already has recent links.
    if (!(error instanceof GatehouseError && error.code === "RATE_LIMITED")) throw error;
  }
}

/** An administrator sends a user a reset link. SSO organizations have no password reset: a clear error. */
export async function issuePasswordReset(
  ctx: ServiceContext,
  actor: Actor,
  input: IssuePasswordResetInput,
): Promise<{ delivered: boolean }> {
  const { userId } = parseInput(schemas.issuePasswordReset, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const user = await findUserFor(ctx.store, resolved, userId);
  authorize(resolved, user.organizationId, ctx.permissions.resetPasswords);
  await assertNotSuperior(ctx, ctx.store, resolved, user);
  const organization = await ctx.store.organizations.findById(user.organizationId);
  if (!organization) throw new GatehouseError("NOT_FOUND", "No such user.");
  if (!(await passwordAllowedFor(ctx, organization, user))) {
    throw new GatehouseError(
      "NOT_SUPPORTED",
      "This organization signs in through SSO: passwords are reset by its identity provider.",
    );
  }
  return { delivered: await issueResetLink(ctx, user, organization, resolved.audit) };
}

async function issueResetLink(
  ctx: ServiceContext,
  user: UserRecord,
  organization: OrganizationRecord,
  actor: AuditActor,
): Promise<boolean> {
  const policy = ctx.policyOf(organization);
  const now = ctx.clock.now();
  await throttleMessages(ctx, `reset:${user.id}`, policy.tokens);
  const token = generateToken();
  const expiresAt = tokenExpiresAt("password-reset", policy.tokens, now);
  // Asking again sends a new link and the older ones stop working.
  await ctx.store.tokens.deleteByUser(user.id, "password-reset");
  await ctx.store.tokens.create({
    hash: hashToken(token),
    kind: "password-reset",
    userId: user.id,
    organizationId: user.organizationId,
    createdAt: now,
    expiresAt,
    data: mailedTo(user),
  });
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action: "password-reset.requested",
      actor,
      subjectUserId: user.id,
      subjectEmail: user.email,
    },
  ]);
  return ctx.sendMail({
    kind: "password-reset",
    to: user.email,
    resetUrl: ctx.links.passwordReset(token),
    expiresAt,
  });
}

/**
 * Sets a new password from a reset link (single use, 30 minutes in the presets). It ends every session, never
 * signs the user in (their second factor still stands at the next sign-in) and does not lift a lockout.
 */
export async function resetPassword(ctx: ServiceContext, input: ResetPasswordInput): Promise<void> {
  const { token, password } = parseInput(schemas.resetPassword, input);
  const now = ctx.clock.now();
  const hash = hashToken(token);
  const pending = await ctx.store.tokens.find(hash, "password-reset", now);
  const user = pending ? await ctx.store.users.findById(pending.userId) : null;
  const organization = user ? await ctx.store.organizations.findById(user.organizationId) : null;
  // A link mailed to an address the user no longer has is someone else's mailbox's, not theirs.
  if (!pending || !user || !organization || !mailedToCurrentAddress(pending, user)) throw invalidLink();
  assertPasswordAllowed(ctx.policyOf(organization).password, password, user);
  if (!(await ctx.store.tokens.consume(hash, "password-reset", now))) throw invalidLink();
  const updated = await ctx.store.users.update(user.id, {
    passwordHash: await ctx.hasher.hash(password),
    temporaryPasswordHash: null,
    temporaryPasswordExpiresAt: null,
    passwordChangeRequired: false,
    status: "active",
    updatedAt: now,
  });
  await ctx.store.sessions.deleteByUser(user.id);
  await auditLogin(ctx, updated ?? user, "password-reset.completed", {});
}

function invalidLink(): GatehouseError {
  return new GatehouseError(
    "TOKEN_INVALID",
    "This reset link is invalid, was already used or has expired: ask for a new one.",
  );
}
