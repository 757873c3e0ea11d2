import { GatehouseError } from "../errors.js";
import { normalizeEmail } from "../policy/invitation.js";
import { unlockAttempts } from "../policy/lockout.js";
import type { AuditActor, Page, UserPatch, UserRecord } from "../store/records.js";
import { type Actor, assertNoEscalation, authorize, holds, resolveActor } from "./actor.js";
import { loginAttemptKey, updateAttemptState } from "./attempts.js";
import type { AuditEntryInput, ServiceContext } from "./context.js";
import {
  beginEmailChange,
  completeEmailChange,
  type EmailChange,
  emailChangedEntry,
  emailChangePatch,
  planEmailChange,
} from "./email-change.js";
import { assertKeepsAnAdministrator, assertNotSuperior, compileRoleIds, findUserFor } from "./guards.js";
import type {
  GetUserInput,
  ListUsersInput,
  RemoveUserInput,
  RevokeSessionsInput,
  UnlockUserInput,
  UpdateUserInput,
} from "./inputs.js";
import { parseInput, schemas } from "./schemas.js";
import { toUser, type User } from "./views.js";

/** Lists an organization's users by e-mail, optionally searching prefixes of the e-mail, the given, family or whole name, a page at a time. */
export async function listUsers(
  ctx: ServiceContext,
  actor: Actor,
  input: ListUsersInput,
): Promise<Page<User>> {
  const query = parseInput(schemas.listUsers, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  authorize(resolved, query.organizationId, ctx.permissions.viewUsers);
  const page = await ctx.store.users.list({
    organizationId: query.organizationId,
    search: query.search ? query.search.toLowerCase() : undefined,
    cursor: query.cursor ?? null,
    limit: query.limit ?? 50,
  });
  return { items: page.items.map(toUser), nextCursor: page.nextCursor };
}

/** One user: a member sees users of their own organization with the view permission, and always themselves. */
export async function getUser(ctx: ServiceContext, actor: Actor, input: GetUserInput): Promise<User> {
  const { userId } = parseInput(schemas.getUser, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const user = await findUserFor(ctx.store, resolved, userId);
  if (resolved.user?.id !== user.id) authorize(resolved, user.organizationId, ctx.permissions.viewUsers);
  return toUser(user);
}

/**
 * Edits a user: given and family name and profile phone (a user may edit their own), e-mail (per the `emailChange` policy:
 * allowed with every session ended, or forbidden) and roles (never beyond what the actor holds, never leaving
 * the organization without someone who can manage users). An e-mail change voids everything mailed to the old
 * address (temporary password, links: an invited user needs `resendInvitation`), keeps the lock and failure
 * counter, and needs `currentPassword` when users change their own.
 */
export async function updateUser(ctx: ServiceContext, actor: Actor, input: UpdateUserInput): Promise<User> {
  const { userId, ...changes } = parseInput(schemas.updateUser, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const target = await findUserFor(ctx.store, resolved, userId);
  const organization = await ctx.store.organizations.findById(target.organizationId);
  if (!organization) throw new GatehouseError("NOT_FOUND", "No such user.");
  const policy = ctx.policyOf(organization);
  const self = resolved.user?.id === target.id;
  const profileOnly = changes.email === undefined && changes.roles === undefined;
  if (!(self && profileOnly)) authorize(resolved, target.organizationId, ctx.permissions.editUsers);
  const targetGrants = await assertNotSuperior(ctx, ctx.store, resolved, target);

  const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
  const changed: string[] = [];
  if (changes.givenName !== undefined && changes.givenName !== target.givenName) {
    patch.givenName = changes.givenName;
    changed.push("givenName");
  }
  if (changes.familyName !== undefined && changes.familyName !== target.familyName) {
    patch.familyName = changes.familyName;
    changed.push("familyName");
  }
  if (changes.phone !== undefined && changes.phone !== target.phone) {
    patch.phone = changes.phone;
    changed.push("phone");
  }
  const emailChange =
    changes.email === undefined ? null : await planEmailChange(ctx, target, policy, changes.email, self);
  if (emailChange) {
    Object.assign(patch, emailChangePatch(emailChange));
    changed.push("email");
  }
  let rolesChanged = false;
  if (changes.roles !== undefined && !sameSet(changes.roles, target.roles)) {
    const wanted = await compileRoleIds(ctx, ctx.store, target.organizationId, changes.roles);
    assertNoEscalation(resolved, wanted, "assign these roles");
    patch.roles = [...new Set(changes.roles)];
    rolesChanged = true;
    changed.push("roles");
  }
  if (changed.length === 0) return toUser(target);
  if (emailChange) await beginEmailChange(ctx, target, emailChange, changes.currentPassword);
  patch.updatedAt = ctx.clock.now();

  const updated = await ctx.store.transaction(async (tx) => {
    // Serialises with `resendInvitation`, so a new temporary password never goes to the address just replaced.
    if (emailChange) await tx.organizations.lock(target.organizationId);
    if (rolesChanged && holds(targetGrants, ctx.permissions.manageUsers)) {
      await tx.organizations.lock(target.organizationId);
      const after = await compileRoleIds(ctx, tx, target.organizationId, patch.roles as string[]);
      if (!holds(after, ctx.permissions.manageUsers)) {
        await assertKeepsAnAdministrator(ctx, tx, target.organizationId, { exceptUserId: target.id });
      }
    }
    const result = await tx.users.update(target.id, patch);
    if (!result) throw new GatehouseError("NOT_FOUND", "No such user.");
    await ctx.audit(tx, auditEntries(resolved.audit, target, changed, changes.roles, emailChange));
    return result;
  });
  // They must sign in again with the new address: every session ends, every link and code is revoked.
  if (emailChange) await completeEmailChange(ctx, resolved.audit, target, emailChange);
  return toUser(updated);
}

function auditEntries(
  actor: AuditActor,
  target: UserRecord,
  changed: string[],
  roles: string[] | undefined,
  emailChange: EmailChange | null,
): AuditEntryInput[] {
  const base = {
    organizationId: target.organizationId,
    actor,
    subjectUserId: target.id,
    subjectEmail: target.email,
  };
  const entries: AuditEntryInput[] = [{ ...base, action: "user.updated", details: { fields: changed } }];
  if (emailChange) entries.push(emailChangedEntry(actor, target, emailChange));
  if (changed.includes("roles"))
    entries.push({ ...base, action: "user.roles-changed", details: { from: target.roles, to: roles } });
  return entries;
}

/**
 * Removes a user (enterprise "delete", team "remove"): their sessions and tokens end, the address can be
 * added again, and the audit log keeps who removed whom and when.
 */
export async function removeUser(ctx: ServiceContext, actor: Actor, input: RemoveUserInput): Promise<void> {
  const { userId } = parseInput(schemas.removeUser, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const target = await findUserFor(ctx.store, resolved, userId);
  authorize(resolved, target.organizationId, ctx.permissions.removeUsers);
  const targetGrants = await assertNotSuperior(ctx, ctx.store, resolved, target);
  await ctx.store.transaction(async (tx) => {
    if (holds(targetGrants, ctx.permissions.manageUsers)) {
      await tx.organizations.lock(target.organizationId);
      await assertKeepsAnAdministrator(ctx, tx, target.organizationId, { exceptUserId: target.id });
    }
    if (!(await tx.users.delete(target.id))) throw new GatehouseError("NOT_FOUND", "No such user.");
    await ctx.audit(tx, [
      {
        organizationId: target.organizationId,
        action: "user.removed",
        actor: resolved.audit,
        subjectUserId: target.id,
        subjectEmail: target.email,
        details: { email: target.email, givenName: target.givenName, familyName: target.familyName },
      },
    ]);
  });
  // After the durable delete: a session that outlived this cleanup still dies, since its user is gone.
  await ctx.store.sessions.deleteByUser(target.id);
  for (const kind of [
    "password-reset",
    "invitation",
    "activation",
    "sms-code",
    "phone-verification",
  ] as const) {
    await ctx.store.tokens.deleteByUser(target.id, kind);
  }
}

/** Ends every session of a user (themselves, or a user they may edit). */
export async function revokeSessions(
  ctx: ServiceContext,
  actor: Actor,
  input: RevokeSessionsInput,
): Promise<number> {
  const { userId } = parseInput(schemas.revokeSessions, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const target = await findUserFor(ctx.store, resolved, userId);
  if (resolved.user?.id !== target.id) {
    authorize(resolved, target.organizationId, ctx.permissions.editUsers);
    await assertNotSuperior(ctx, ctx.store, resolved, target);
  }
  const ended = await ctx.store.sessions.deleteByUser(target.id);
  await ctx.audit(ctx.store, [
    {
      organizationId: target.organizationId,
      action: "sessions.revoked",
      actor: resolved.audit,
      subjectUserId: target.id,
      subjectEmail: target.email,
      details: { count: ended },
    },
  ]);
  return ended;
}

/** Lifts a lockout, where the lockout policy allows an administrator to (the enterprise preset does not). */
export async function unlockUser(ctx: ServiceContext, actor: Actor, input: UnlockUserInput): Promise<void> {
  const { userId } = parseInput(schemas.unlockUser, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const target = await findUserFor(ctx.store, resolved, userId);
  authorize(resolved, target.organizationId, ctx.permissions.unlockUsers);
  const policy = ctx.policy.lockout;
  const key = loginAttemptKey(normalizeEmail(target.email));
  const expiresAt = () => new Date(ctx.clock.now().getTime() + ctx.attemptRetentionMs);
  await updateAttemptState(ctx.store.attempts, key, expiresAt, (state) => {
    const decision = unlockAttempts(state, policy, ctx.clock.now());
    if (decision.kind === "refuse") {
      throw new GatehouseError(
        "NOT_SUPPORTED",
        "A lock cannot be lifted: it ends by itself when its time is up.",
      );
    }
    return { next: decision.next, result: undefined };
  });
  await ctx.audit(ctx.store, [
    {
      organizationId: target.organizationId,
      action: "account.unlocked",
      actor: resolved.audit,
      subjectUserId: target.id,
      subjectEmail: target.email,
    },
  ]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}
