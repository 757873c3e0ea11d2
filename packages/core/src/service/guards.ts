import { GatehouseError, type Issue, ValidationError } from "../errors.js";
import {
  compileGrants,
  type Grants,
  grantsOf,
  missingPermissions,
  type RoleRef,
} from "../matrix/compile-grants.js";
import type { OrganizationRecord, UserRecord } from "../store/records.js";
import type { DurableRepositories } from "../store/store.js";
import { authorize, compileUserGrants, holds, notFound, type ResolvedActor } from "./actor.js";
import type { ServiceContext } from "./context.js";

/** The organization, if the actor may see it: another organization answers NOT_FOUND to a member. */
export async function findOrganizationFor(
  ctx: ServiceContext,
  resolved: ResolvedActor,
  organizationId: string,
): Promise<OrganizationRecord> {
  if (resolved.user && resolved.user.organizationId !== organizationId) throw notFound("organization");
  const organization = await ctx.store.organizations.findById(organizationId);
  if (!organization) throw notFound("organization");
  return organization;
}

/** The target user, if the actor may see it (same organization for a member). */
export async function findUserFor(
  repos: DurableRepositories,
  resolved: ResolvedActor,
  userId: string,
): Promise<UserRecord> {
  const user = await repos.users.findById(userId);
  if (!user || (resolved.user && resolved.user.organizationId !== user.organizationId)) throw notFound();
  return user;
}

/**
 * Who may add users, by the organization's provisioning mode: `invite`, members holding the invite permission
 * (or staff, or the system); `external`, only the system actor; `members-only`, only the organization's own
 * members, never staff or a partner acting on the account.
 */
export function assertMayProvision(
  ctx: ServiceContext,
  resolved: ResolvedActor,
  organization: OrganizationRecord,
): void {
  const mode = organization.settings.provisioning;
  if (mode === "external" && resolved.actor.kind !== "system") {
    throw new GatehouseError(
      "FORBIDDEN",
      "Users of this organization are added by its own provisioning, not here.",
      {
        reason: "provisioning-external",
      },
    );
  }
  if (mode === "members-only" && resolved.actor.kind === "staff") {
    throw new GatehouseError("FORBIDDEN", "Only someone at the customer account can add its users.", {
      reason: "provisioning-members-only",
    });
  }
  authorize(resolved, organization.id, ctx.permissions.inviteUsers);
}

/** Checks every role id (a default role of the matrix or a custom role of the organization) and compiles them. */
export async function compileRoleIds(
  ctx: ServiceContext,
  repos: DurableRepositories,
  organizationId: string,
  roleIds: readonly string[],
): Promise<Grants> {
  const custom = roleIds.some((id) => !ctx.matrix.findRole(id)) ? await repos.roles.list(organizationId) : [];
  const issues: Issue[] = [];
  const refs: RoleRef[] = [];
  roleIds.forEach((id, i) => {
    const role = custom.find((r) => r.id === id);
    if (ctx.matrix.findRole(id)) refs.push(id);
    else if (role) refs.push({ id: role.id, permissions: role.permissions });
    else
      issues.push({
        path: ["roles", i],
        reason: "unknown-role",
        message: `There is no role "${id}" in this organization.`,
      });
  });
  if (issues.length > 0) throw new ValidationError("Some roles do not exist.", issues);
  return compileGrants(ctx.matrix as never, refs);
}

/**
 * A member may only act on a user whose permissions they hold themselves: a Manager who could change an
 * Administrator's e-mail address could then reset its password and take the account over.
 */
export async function assertNotSuperior(
  ctx: ServiceContext,
  repos: DurableRepositories,
  resolved: ResolvedActor,
  target: UserRecord,
): Promise<Grants> {
  const targetGrants = await compileUserGrants(ctx, repos, target);
  if (
    resolved.user &&
    resolved.user.id !== target.id &&
    missingPermissions(resolved.grants, targetGrants).length > 0
  ) {
    throw new GatehouseError(
      "FORBIDDEN",
      "This user holds permissions you do not: ask someone who holds them all.",
      {
        reason: "target-holds-more",
      },
    );
  }
  return targetGrants;
}

/**
 * Refuses a change that would leave the organization without anyone who can manage users. MUST run inside a
 * transaction that has locked the organization, so that two administrators demoting each other at once
 * cannot both succeed.
 */
export async function assertKeepsAnAdministrator(
  ctx: ServiceContext,
  tx: DurableRepositories,
  organizationId: string,
  change: { exceptUserId?: string; roleOverride?: { id: string; grants: Grants | null } },
): Promise<void> {
  const adminRoles = ctx.matrix.roles.filter((role) => holdsBits(ctx, role.bits)).map((role) => role.id);
  for (const role of await tx.roles.list(organizationId)) {
    const grants =
      change.roleOverride?.id === role.id
        ? change.roleOverride.grants
        : compileGrants(ctx.matrix as never, [{ id: role.id, permissions: role.permissions }]);
    if (grants && holds(grants, ctx.permissions.manageUsers)) adminRoles.push(role.id);
  }
  const remaining = await tx.users.countWithAnyRole(organizationId, adminRoles, change.exceptUserId);
  if (remaining === 0) {
    throw new GatehouseError(
      "LAST_ADMINISTRATOR",
      "This is the last user who can manage users: give someone else that access first.",
    );
  }
}

function holdsBits(ctx: ServiceContext, bits: Uint32Array): boolean {
  return holds(grantsOf(ctx.matrix, bits), ctx.permissions.manageUsers);
}
