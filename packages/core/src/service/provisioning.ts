import { hashSecret } from "../crypto/passwords.js";
import { generateId, generateTemporaryPassword, generateToken, hashToken } from "../crypto/tokens.js";
import { GatehouseError, type Issue, ValidationError } from "../errors.js";
import type { MailMessage } from "../messages/messages.js";
import { normalizeEmail, parseInvitationAddresses } from "../policy/invitation.js";
import { checkPassword } from "../policy/password.js";
import { displayNameOf } from "../policy/person-name.js";
import { tokenExpiresAt } from "../policy/token.js";
import {
  newUserRecord,
  type OrganizationRecord,
  type TokenRecord,
  type UserRecord,
} from "../store/records.js";
import { type Actor, assertNoEscalation, type ResolvedActor, resolveActor } from "./actor.js";
import type { ServiceContext } from "./context.js";
import { mailedTo, mailedToCurrentAddress } from "./email-change.js";
import {
  assertMayProvision,
  assertNotSuperior,
  compileRoleIds,
  findOrganizationFor,
  findUserFor,
} from "./guards.js";
import type {
  ActivateAccountInput,
  AddUserInput,
  InviteUsersInput,
  ResendInvitationInput,
} from "./inputs.js";
import { throttleMessages } from "./rate-limits.js";
import { parseInput, schemas } from "./schemas.js";
import { toUser, type User } from "./views.js";

/** Whether each invited person's e-mail was accepted for delivery; a failed one can be resent. */
export interface Delivery {
  readonly email: string;
  readonly userId: string;
  readonly delivered: boolean;
}

/** The result of adding users: who was created and whether their e-mails went out. */
export interface ProvisionResult {
  readonly users: readonly User[];
  readonly deliveries: readonly Delivery[];
}

interface NewUser {
  readonly email: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly phone: string | null;
}

/**
 * Invites one or more people from one field of addresses (commas, semicolons, spaces or new lines), all with
 * the same roles. All or nothing: one invalid, duplicate or registered address rejects the batch with a reason
 * per address, and nothing is created or sent.
 */
export async function inviteUsers(
  ctx: ServiceContext,
  actor: Actor,
  input: InviteUsersInput,
): Promise<ProvisionResult> {
  const { organizationId, emails, roles } = parseInput(schemas.inviteUsers, input);
  const addresses = parseInvitationAddresses(emails);
  return provision(
    ctx,
    actor,
    organizationId,
    roles,
    addresses.map((email) => ({ email, givenName: null, familyName: null, phone: null })),
  );
}

/** Adds one user by name and contact details (the team flow): they get an activation e-mail with a link. */
export async function addUser(
  ctx: ServiceContext,
  actor: Actor,
  input: AddUserInput,
): Promise<ProvisionResult> {
  const parsed = parseInput(schemas.addUser, input);
  const [email] = parseInvitationAddresses(parsed.email, { maxAddresses: 1 });
  const roles = parsed.roles ?? defaultRoles(ctx);
  return provision(ctx, actor, parsed.organizationId, roles, [
    {
      email: email as string,
      givenName: parsed.givenName ?? null,
      familyName: parsed.familyName ?? null,
      phone: parsed.phone ?? null,
    },
  ]);
}

async function provision(
  ctx: ServiceContext,
  actor: Actor,
  organizationId: string,
  roles: string[],
  people: NewUser[],
): Promise<ProvisionResult> {
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  assertMayProvision(ctx, resolved, organization);
  assertNoEscalation(
    resolved,
    await compileRoleIds(ctx, ctx.store, organization.id, roles),
    "assign these roles",
  );
  const policy = ctx.policyOf(organization);
  const now = ctx.clock.now();
  const linkFlow = policy.onboarding === "activation-link";
  const secrets = people.map(() => (linkFlow ? generateToken() : generateTemporaryPassword()));
  const records: UserRecord[] = people.map((person, i) =>
    newUserRecord({
      id: generateId("usr"),
      organizationId: organization.id,
      email: person.email,
      givenName: person.givenName,
      familyName: person.familyName,
      phone: person.phone,
      status: "invited",
      roles,
      temporaryPasswordHash: linkFlow ? null : hashSecret(secrets[i] as string),
      temporaryPasswordExpiresAt: linkFlow ? null : tokenExpiresAt("invitation", policy.tokens, now),
      passwordChangeRequired: !linkFlow,
      createdAt: now,
    }),
  );
  await assertAddressesFree(
    ctx,
    organization,
    records.map((r) => r.email),
  );
  // The expiring secrets first: if the durable commit fails they simply expire unused.
  if (linkFlow) {
    for (const [i, record] of records.entries()) {
      await ctx.store.tokens.create(activationToken(ctx, record, secrets[i] as string, policy.tokens));
    }
  }
  await ctx.store.transaction(async (tx) => {
    await tx.organizations.lock(organization.id);
    await tx.users.createMany(records);
    await ctx.audit(
      tx,
      records.map((r) => ({
        organizationId: organization.id,
        action: "user.invited",
        actor: resolved.audit,
        subjectUserId: r.id,
        subjectEmail: r.email,
        details: { roles: r.roles, onboarding: policy.onboarding },
      })),
    );
  });
  const deliveries = await Promise.all(
    records.map(async (record, i) => ({
      email: record.email,
      userId: record.id,
      delivered: await ctx.sendMail(welcomeMessage(ctx, organization, record, secrets[i] as string)),
    })),
  );
  return { users: records.map(toUser), deliveries };
}

/**
 * Sends a new invitation (a new temporary password or link; the old one stops working) to a user who has not
 * signed in yet, at their current address: after an e-mail change this is how the invitation reaches it.
 * Throttled per recipient like every message carrying a secret, and refused for a user who holds permissions
 * the actor does not (as every other edit of a user is).
 */
export async function resendInvitation(
  ctx: ServiceContext,
  actor: Actor,
  input: ResendInvitationInput,
): Promise<Delivery> {
  const { userId } = parseInput(schemas.resendInvitation, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const found = await findUserFor(ctx.store, resolved, userId);
  const organization = await findOrganizationFor(ctx, resolved, found.organizationId);
  assertMayProvision(ctx, resolved, organization);
  await assertNotSuperior(ctx, ctx.store, resolved, found);
  assertInvited(found);
  const policy = ctx.policyOf(organization);
  await throttleMessages(ctx, `invitation:${found.id}`, policy.tokens);
  const now = ctx.clock.now();
  let secret: string;
  let user = found;
  if (policy.onboarding === "activation-link") {
    secret = generateToken();
    await ctx.store.tokens.deleteByUser(user.id, "activation");
    await ctx.store.tokens.create(activationToken(ctx, user, secret, policy.tokens));
  } else {
    secret = generateTemporaryPassword();
    // Under the organization's lock, as an e-mail change is: the password is mailed to the address stored with
    // it, never to one an administrator replaced meanwhile.
    user = await ctx.store.transaction(async (tx) => {
      await tx.organizations.lock(found.organizationId);
      const current = await tx.users.findById(found.id);
      if (!current) throw new GatehouseError("NOT_FOUND", "No such user.");
      assertInvited(current);
      const updated = await tx.users.update(current.id, {
        temporaryPasswordHash: hashSecret(secret),
        temporaryPasswordExpiresAt: tokenExpiresAt("invitation", policy.tokens, now),
        updatedAt: now,
      });
      return updated ?? current;
    });
  }
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action: "user.invitation-resent",
      actor: resolved.audit,
      subjectUserId: user.id,
      subjectEmail: user.email,
    },
  ]);
  return {
    email: user.email,
    userId: user.id,
    delivered: await ctx.sendMail(welcomeMessage(ctx, organization, user, secret)),
  };
}

/** Activates an account from the activation link and sets its password; the user then signs in. */
export async function activateAccount(ctx: ServiceContext, input: ActivateAccountInput): Promise<User> {
  const { token, password } = parseInput(schemas.activateAccount, input);
  const now = ctx.clock.now();
  const hash = hashToken(token);
  const pending = await ctx.store.tokens.find(hash, "activation", now);
  const user = pending ? await ctx.store.users.findById(pending.userId) : null;
  // A link mailed to an address the user no longer has activates nothing.
  if (!pending || !user || !mailedToCurrentAddress(pending, user))
    throw new GatehouseError("TOKEN_INVALID", "This activation link is invalid or has expired.");
  const organization = await ctx.store.organizations.findById(user.organizationId);
  if (!organization)
    throw new GatehouseError("TOKEN_INVALID", "This activation link is invalid or has expired.");
  assertPasswordAllowed(ctx.policyOf(organization).password, password, user);
  // Checked before consuming, so a rejected password does not burn the link; the consume decides races.
  if (!(await ctx.store.tokens.consume(hash, "activation", now))) {
    throw new GatehouseError("TOKEN_INVALID", "This activation link is invalid or has expired.");
  }
  const updated = await ctx.store.users.update(user.id, {
    passwordHash: await ctx.hasher.hash(password),
    status: "active",
    passwordChangeRequired: false,
    updatedAt: now,
  });
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action: "user.activated",
      actor: { kind: "member", id: user.id, email: user.email },
      subjectUserId: user.id,
      subjectEmail: user.email,
    },
  ]);
  return toUser(updated ?? user);
}

/** Throws VALIDATION naming each rule the new password breaks. */
export function assertPasswordAllowed(
  policy: ServiceContext["policy"]["password"],
  password: string,
  user: Pick<UserRecord, "email" | "givenName" | "familyName">,
): void {
  const verdict = checkPassword(password, policy, {
    email: user.email,
    name: displayNameOf(user) ?? undefined,
  });
  if (!verdict.ok) {
    const issues: Issue[] = verdict.issues.map((issue) => ({ ...issue, path: ["password"] }));
    throw new ValidationError("The password does not meet the rules.", issues);
  }
}

async function assertAddressesFree(
  ctx: ServiceContext,
  organization: OrganizationRecord,
  emails: string[],
): Promise<void> {
  const taken = await ctx.store.users.findRegisteredEmails(emails);
  if (taken.length === 0) return;
  const issues: Issue[] = [];
  for (const email of taken) {
    const owner = await ctx.store.users.findByEmail(normalizeEmail(email));
    const inOrganization = owner?.organizationId === organization.id;
    issues.push({
      path: [email],
      reason: inOrganization ? "already-in-organization" : "already-registered",
      message: inOrganization
        ? `${email} is already a user of this organization.`
        : `${email} is already registered.`,
    });
  }
  throw new GatehouseError("CONFLICT", `Nothing was sent: ${taken.length} address(es) cannot be invited.`, {
    issues,
  });
}

function activationToken(
  ctx: ServiceContext,
  user: UserRecord,
  secret: string,
  tokens: ServiceContext["policy"]["tokens"],
): TokenRecord {
  const now = ctx.clock.now();
  return {
    hash: hashToken(secret),
    kind: "activation",
    userId: user.id,
    organizationId: user.organizationId,
    createdAt: now,
    expiresAt: tokenExpiresAt("activation", tokens, now),
    data: mailedTo(user),
  };
}

function assertInvited(user: UserRecord): void {
  if (user.status !== "invited") throw new GatehouseError("CONFLICT", "This user has already signed in.");
}

function welcomeMessage(
  ctx: ServiceContext,
  organization: OrganizationRecord,
  user: UserRecord,
  secret: string,
): MailMessage {
  const policy = ctx.policyOf(organization);
  const now = ctx.clock.now();
  if (policy.onboarding === "activation-link") {
    return {
      kind: "activation",
      to: user.email,
      name: displayNameOf(user) ?? user.email,
      organizationName: organization.name,
      activationUrl: ctx.links.activation(secret),
      expiresAt: tokenExpiresAt("activation", policy.tokens, now),
    };
  }
  return {
    kind: "invitation",
    to: user.email,
    organizationName: organization.name,
    temporaryPassword: secret,
    expiresAt: user.temporaryPasswordExpiresAt ?? tokenExpiresAt("invitation", policy.tokens, now),
    loginUrl: ctx.links.login(),
  };
}

function defaultRoles(ctx: ServiceContext): string[] {
  if (ctx.matrix.roles.length === 1) return [(ctx.matrix.roles[0] as { id: string }).id];
  throw new ValidationError("Choose at least one role.", [
    { path: ["roles"], reason: "required", message: "Choose at least one role." },
  ]);
}

export type { ResolvedActor };
