import { generateId } from "../../crypto/tokens.js";
import { GatehouseError, ValidationError } from "../../errors.js";
import type { OrganizationRecord, SsoConnectionRecord } from "../../store/records.js";
import { type Actor, assertNoEscalation, authorize, type ResolvedActor, resolveActor } from "../actor.js";
import type { ServiceContext } from "../context.js";
import { compileRoleIds, findOrganizationFor } from "../guards.js";
import type {
  DeleteSsoConnectionInput,
  GetSsoConnectionInput,
  SetSsoEmergencyAdministratorsInput,
  UpsertSsoConnectionInput,
} from "../inputs.js";
import { parseInput, schemas } from "../schemas.js";

/** An SSO connection as the service hands it out: everything but the client secret, which is never returned. */
export type SsoConnectionView = Omit<SsoConnectionRecord, "clientSecretSealed">;

/** The associated data that binds a sealed client secret to its organization: it cannot be moved to another. */
export const clientSecretContext = (organizationId: string): string => `sso-client-secret:${organizationId}`;

/**
 * Creates or replaces an organization's connection to its identity provider. A setting reserved for staff
 * unless `sso.managedBy` is `"organization"`; the client secret is sealed with the key ring and never returned;
 * a domain another organization claims is a CONFLICT; audited (without the secret).
 */
export async function upsertSsoConnection(
  ctx: ServiceContext,
  actor: Actor,
  input: UpsertSsoConnectionInput,
): Promise<SsoConnectionView> {
  const parsed = parseInput(schemas.upsertSsoConnection, input);
  const { resolved, organization } = await managerOf(ctx, actor, parsed.organizationId);
  const existing = await ctx.store.ssoConnections.findByOrganization(organization.id);
  if (!existing && parsed.clientSecret === undefined) {
    const message = "A new connection needs the client secret.";
    throw new ValidationError(message, [{ path: ["clientSecret"], reason: "required", message }]);
  }
  const defaultRoles = parsed.defaultRoles ?? [...(existing?.defaultRoles ?? [])];
  if (defaultRoles.length > 0) {
    const grants = await compileRoleIds(ctx, ctx.store, organization.id, defaultRoles);
    assertNoEscalation(resolved, grants, "give these roles to people created by SSO");
  }
  const scopes = parsed.scopes ?? existing?.scopes ?? ["openid", "email", "profile"];
  const now = ctx.clock.now();
  const connection: SsoConnectionRecord = {
    id: existing?.id ?? generateId("sso"),
    organizationId: organization.id,
    issuer: parsed.issuer,
    clientId: parsed.clientId,
    clientSecretSealed:
      parsed.clientSecret === undefined
        ? (existing as SsoConnectionRecord).clientSecretSealed
        : ctx.box.seal(parsed.clientSecret, clientSecretContext(organization.id)),
    // Without `openid` there is no ID token, and nothing to verify.
    scopes: [...new Set(["openid", ...scopes])],
    domains: [...new Set(parsed.domains)],
    jitProvisioning: parsed.jitProvisioning ?? existing?.jitProvisioning ?? false,
    defaultRoles,
    secondFactor: parsed.secondFactor ?? existing?.secondFactor ?? "gatehouse",
    emergencyAdministratorIds: existing?.emergencyAdministratorIds ?? [],
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const view = toSsoConnectionView(connection);
  await ctx.store.transaction(async (tx) => {
    await tx.ssoConnections.save(connection);
    const { emergencyAdministratorIds: _, ...settings } = view;
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: existing ? "sso.connection-changed" : "sso.connection-created",
        actor: resolved.audit,
        details: { ...settings, clientSecretChanged: parsed.clientSecret !== undefined },
      },
    ]);
  });
  return view;
}

/** The organization's connection, without its secret; `null` when it has none. */
export async function getSsoConnection(
  ctx: ServiceContext,
  actor: Actor,
  input: GetSsoConnectionInput,
): Promise<SsoConnectionView | null> {
  const { organizationId } = parseInput(schemas.getSsoConnection, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  authorize(resolved, organization.id, ctx.permissions.configureOrganization);
  const connection = await ctx.store.ssoConnections.findByOrganization(organization.id);
  return connection ? toSsoConnectionView(connection) : null;
}

/** Deletes the organization's connection (its domains are freed); audited. */
export async function deleteSsoConnection(
  ctx: ServiceContext,
  actor: Actor,
  input: DeleteSsoConnectionInput,
): Promise<void> {
  const { organizationId } = parseInput(schemas.deleteSsoConnection, input);
  const { resolved, organization } = await managerOf(ctx, actor, organizationId);
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.ssoConnections.delete(organization.id)))
      throw new GatehouseError("NOT_FOUND", "This organization has no SSO connection.");
    await ctx.audit(tx, [
      { organizationId: organization.id, action: "sso.connection-deleted", actor: resolved.audit },
    ]);
  });
}

/**
 * Designates the users who keep a password (with a second factor) in an SSO organization, so a broken identity
 * provider locks nobody out. Staff or the system only, whatever `sso.managedBy` says: an administrator who could
 * name themselves would step around the organization's SSO.
 */
export async function setSsoEmergencyAdministrators(
  ctx: ServiceContext,
  actor: Actor,
  input: SetSsoEmergencyAdministratorsInput,
): Promise<SsoConnectionView> {
  const parsed = parseInput(schemas.setSsoEmergencyAdministrators, input);
  if (actor.kind === "member") throw staffOnly("Emergency administrators are designated by platform staff.");
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, parsed.organizationId);
  const connection = await ctx.store.ssoConnections.findByOrganization(organization.id);
  if (!connection) throw new GatehouseError("NOT_FOUND", "This organization has no SSO connection.");
  const userIds = [...new Set(parsed.userIds)];
  const users = await Promise.all(userIds.map((id) => ctx.store.users.findById(id)));
  const issues = userIds.flatMap((id, i) =>
    users[i]?.organizationId === organization.id
      ? []
      : [{ path: ["userIds", i], reason: "unknown-user", message: `No user ${id} in this organization.` }],
  );
  if (issues.length > 0) throw new ValidationError("Some users are not in this organization.", issues);
  const next = { ...connection, emergencyAdministratorIds: userIds, updatedAt: ctx.clock.now() };
  await ctx.store.transaction(async (tx) => {
    await tx.ssoConnections.save(next);
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: "sso.emergency-administrators-changed",
        actor: resolved.audit,
        details: { from: connection.emergencyAdministratorIds, to: userIds },
      },
    ]);
  });
  return toSsoConnectionView(next);
}

/** The public view of a connection. */
export function toSsoConnectionView(connection: SsoConnectionRecord): SsoConnectionView {
  const { clientSecretSealed: _, ...view } = connection;
  return { ...view, scopes: [...view.scopes], domains: [...view.domains] };
}

async function managerOf(
  ctx: ServiceContext,
  actor: Actor,
  organizationId: string,
): Promise<{ resolved: ResolvedActor; organization: OrganizationRecord }> {
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  authorize(resolved, organization.id, ctx.permissions.configureOrganization);
  if (actor.kind === "member" && ctx.sso?.managedBy !== "organization")
    throw staffOnly("The SSO connection is set by platform staff.");
  return { resolved, organization };
}

function staffOnly(message: string): GatehouseError {
  return new GatehouseError("FORBIDDEN", message, {
    issues: [{ path: ["sso"], reason: "staff-only", message }],
  });
}
