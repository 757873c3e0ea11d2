import { generateId } from "../../crypto/tokens.js";
import { GatehouseError } from "../../errors.js";
import { normalizeEmail } from "../../policy/invitation.js";
import { decideSsoIdentity, type SsoRefusal } from "../../policy/sso.js";
import type { VerifiedIdentity } from "../../store/identity-provider.js";
import {
  type AuditActor,
  type IdentityLinkRecord,
  newUserRecord,
  type OrganizationRecord,
  type SsoConnectionRecord,
  type UserRecord,
} from "../../store/records.js";
import type { DurableRepositories } from "../../store/store.js";
import type { ServiceContext } from "../context.js";
import { emailAddress, schemas } from "../schemas.js";

/** The user an SSO sign-in signs in, or why there is none. */
export type ResolvedSsoUser =
  | { readonly kind: "user"; readonly user: UserRecord }
  | { readonly kind: "refused"; readonly reason: SsoRefusal; readonly message: string };

const messages: Partial<Record<SsoRefusal, string>> = {
  "connection-mismatch": "This person belongs to another organization.",
  "email-missing": "The identity provider sent no e-mail address.",
  "email-unverified": "The identity provider has not verified this e-mail address.",
  "domain-not-allowed": "This e-mail address is not at a domain of the organization.",
  "email-registered-elsewhere": "This e-mail address belongs to another organization.",
  "identity-conflict": "This account is already linked to another person at the identity provider.",
  "user-removed": "This person was removed from the organization.",
  "not-provisioned": "This person has not been added to the organization.",
};

/**
 * Finds the user of a verified identity by its link, or links the user of a verified address, or creates them,
 * as `decideSsoIdentity` decides. Links and new users are written in one transaction with their audit entries.
 */
export async function resolveSsoUser(
  ctx: ServiceContext,
  organization: OrganizationRecord,
  connection: SsoConnectionRecord,
  identity: VerifiedIdentity,
): Promise<ResolvedSsoUser> {
  const { users, identityLinks } = ctx.store;
  const link = await identityLinks.find(identity.issuer, identity.subject);
  const linked = link ? await users.findById(link.userId) : null;
  // A linked person never needs their address looked at: the link alone decides.
  const email = linked ? null : addressOf(identity);
  const byEmail = email ? await users.findByEmail(email) : null;
  const linkedIssuers = byEmail ? (await identityLinks.listByUser(byEmail.id)).map((l) => l.issuer) : [];
  const decision = decideSsoIdentity({
    organizationId: organization.id,
    issuer: identity.issuer,
    email: linked ? identity.email : email,
    emailVerified: identity.emailVerified,
    allowedDomains: connection.domains,
    provisioning: organization.settings.provisioning,
    jitProvisioning: connection.jitProvisioning,
    link: link ? { userId: link.userId, userOrganizationId: linked?.organizationId ?? null } : null,
    userByEmail: byEmail ? { id: byEmail.id, organizationId: byEmail.organizationId, linkedIssuers } : null,
  });
  switch (decision.kind) {
    case "refuse":
      return { kind: "refused", reason: decision.reason, message: messages[decision.reason] ?? "Refused." };
    case "sign-in":
      return { kind: "user", user: linked as UserRecord };
    case "link":
      return { kind: "user", user: await linkUser(ctx, byEmail as UserRecord, identity, link) };
    case "create":
      return { kind: "user", user: await createUser(ctx, organization, connection, identity, email, link) };
  }
}

async function linkUser(
  ctx: ServiceContext,
  user: UserRecord,
  identity: VerifiedIdentity,
  previous: IdentityLinkRecord | null,
): Promise<UserRecord> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    await writeLink(tx, linkOf(identity, user, now), previous);
    // An invitee who arrives through the identity provider has no password to set: they are active.
    const updated =
      user.status === "invited"
        ? await tx.users.update(user.id, {
            status: "active",
            temporaryPasswordHash: null,
            temporaryPasswordExpiresAt: null,
            passwordChangeRequired: false,
            updatedAt: now,
          })
        : user;
    if (!updated) throw new GatehouseError("NOT_FOUND", "No such user.");
    await ctx.audit(tx, [
      {
        organizationId: user.organizationId,
        action: "sso.linked",
        actor: actorOf(user),
        subjectUserId: user.id,
        subjectEmail: user.email,
        details: {
          issuer: identity.issuer,
          subject: identity.subject,
          previousUserId: previous?.userId ?? null,
        },
      },
    ]);
    return updated;
  });
}

async function createUser(
  ctx: ServiceContext,
  organization: OrganizationRecord,
  connection: SsoConnectionRecord,
  identity: VerifiedIdentity,
  email: string | null,
  previous: IdentityLinkRecord | null,
): Promise<UserRecord> {
  const now = ctx.clock.now();
  const custom = await ctx.store.roles.list(organization.id);
  // A default role deleted since the connection was saved is dropped rather than failing every sign-in.
  const roles = connection.defaultRoles.filter(
    (id) => Boolean(ctx.matrix.findRole(id)) || custom.some((role) => role.id === id),
  );
  const user: UserRecord = newUserRecord({
    id: generateId("usr"),
    organizationId: organization.id,
    email: email as string,
    givenName: nameOf(identity.givenName),
    familyName: nameOf(identity.familyName),
    phone: null,
    status: "active",
    roles,
    createdAt: now,
  });
  const via = { issuer: identity.issuer, subject: identity.subject };
  await ctx.store.transaction(async (tx) => {
    await tx.organizations.lock(organization.id);
    await tx.users.createMany([user]);
    await writeLink(tx, linkOf(identity, user, now), previous);
    const actor = actorOf(user);
    const subject = { subjectUserId: user.id, subjectEmail: user.email };
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: "user.provisioned",
        actor,
        ...subject,
        details: { via: "sso", ...via, roles },
      },
      ...(previous
        ? [
            {
              organizationId: organization.id,
              action: "sso.user-recreated",
              actor,
              ...subject,
              details: { ...via, previousUserId: previous.userId },
            },
          ]
        : []),
    ]);
  });
  return user;
}

async function writeLink(
  tx: DurableRepositories,
  link: IdentityLinkRecord,
  previous: IdentityLinkRecord | null,
): Promise<void> {
  if (!previous) return tx.identityLinks.create(link);
  if (!(await tx.identityLinks.relink(link.issuer, link.subject, previous.userId, link))) {
    throw new GatehouseError("CONFLICT", "This person was linked meanwhile: sign in again.", {
      issues: [{ path: ["subject"], reason: "already-linked", message: "Linked meanwhile." }],
    });
  }
}

function linkOf(identity: VerifiedIdentity, user: UserRecord, now: Date): IdentityLinkRecord {
  return {
    issuer: identity.issuer,
    subject: identity.subject,
    userId: user.id,
    organizationId: user.organizationId,
    createdAt: now,
  };
}

const actorOf = (user: UserRecord): AuditActor => ({ kind: "member", id: user.id, email: user.email });

const address = emailAddress();

/** The identity's address normalised, or `null` when it has none or not a valid one. */
function addressOf(identity: VerifiedIdentity): string | null {
  if (!identity.email || !address.safeParse(identity.email).success) return null;
  return normalizeEmail(identity.email);
}

/** A name from the identity provider under the rules of a typed one; one that breaks them is dropped. */
function nameOf(value: string | null): string | null {
  const parsed = schemas.addUser.shape.givenName.safeParse(value);
  return parsed.success ? (parsed.data ?? null) : null;
}
