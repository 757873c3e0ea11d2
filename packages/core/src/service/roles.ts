import { generateId } from "../crypto/tokens.js";
import { GatehouseError } from "../errors.js";
import { compileGrants, type Grants } from "../matrix/compile-grants.js";
import type { RoleRecord } from "../store/records.js";
import { type Actor, assertNoEscalation, authorize, type ResolvedActor, resolveActor } from "./actor.js";
import type { ServiceContext } from "./context.js";
import { assertKeepsAnAdministrator, findOrganizationFor } from "./guards.js";
import type { CreateRoleInput, DeleteRoleInput, ListRolesInput, UpdateRoleInput } from "./inputs.js";
import { parseInput, schemas } from "./schemas.js";
import { type RoleView, toRoleView } from "./views.js";

type PermissionList = ReadonlyArray<{ readonly page: string; readonly action: string }>;

/** The default roles of the matrix and the organization's custom roles. */
export async function listRoles(
  ctx: ServiceContext,
  actor: Actor,
  input: ListRolesInput,
): Promise<RoleView[]> {
  const { organizationId } = parseInput(schemas.listRoles, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  authorize(resolved, organization.id, ctx.permissions.viewRoles);
  const defaults: RoleView[] = ctx.matrix.roles.map((role) => ({
    id: role.id,
    kind: "default",
    name: `${ctx.matrix.components.find((c) => c.id === role.component)?.label ?? role.component} ${role.label}`,
    description: "",
    permissions: [...role.grants.entries()].flatMap(([page, grant]) =>
      grant.actions.map((action) => ({ page, action })),
    ),
  }));
  const custom = await ctx.store.roles.list(organization.id);
  return [...defaults, ...custom.map(toRoleView)];
}

/** Creates a custom role holding any `(page, action)` pairs the actor holds themselves. */
export async function createRole(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateRoleInput,
): Promise<RoleView> {
  const { organizationId, name, description, permissions } = parseInput(schemas.createRole, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  authorize(resolved, organization.id, ctx.permissions.createRoles);
  assertNoEscalation(resolved, compileCustom(ctx, permissions), "create this role");
  const now = ctx.clock.now();
  const role = {
    id: generateId("rol"),
    organizationId: organization.id,
    name,
    description: description ?? "",
    permissions: dedupe(permissions),
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.roles.create(role);
    await ctx.audit(tx, [
      {
        organizationId: organization.id,
        action: "role.created",
        actor: resolved.audit,
        details: { roleId: role.id, name, permissions: role.permissions },
      },
    ]);
  });
  return toRoleView(role);
}

/**
 * Edits a custom role (default roles are the matrix's and cannot change). The actor must hold every permission
 * the role holds before and after, and the organization must keep someone who can manage users.
 */
export async function updateRole(
  ctx: ServiceContext,
  actor: Actor,
  input: UpdateRoleInput,
): Promise<RoleView> {
  const { organizationId, roleId, ...changes } = parseInput(schemas.updateRole, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const role = await findCustomRole(ctx, resolved, organizationId, roleId);
  authorize(resolved, role.organizationId, ctx.permissions.editRoles);
  assertNoEscalation(resolved, compileCustom(ctx, role.permissions), "edit this role");
  const permissions = changes.permissions ? dedupe(changes.permissions) : undefined;
  const grants = permissions ? compileCustom(ctx, permissions) : null;
  if (grants) assertNoEscalation(resolved, grants, "give this role these permissions");
  const updated = await ctx.store.transaction(async (tx) => {
    if (grants) {
      await tx.organizations.lock(role.organizationId);
      await assertKeepsAnAdministrator(ctx, tx, role.organizationId, {
        roleOverride: { id: role.id, grants },
      });
    }
    const result = await tx.roles.update(role.organizationId, role.id, {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(permissions && { permissions }),
      updatedAt: ctx.clock.now(),
    });
    if (!result) throw new GatehouseError("NOT_FOUND", "No such role.");
    await ctx.audit(tx, [
      {
        organizationId: role.organizationId,
        action: "role.changed",
        actor: resolved.audit,
        details: { roleId: role.id, changes },
      },
    ]);
    return result;
  });
  return toRoleView(updated);
}

/** Deletes a custom role and takes it from every user who held it. */
export async function deleteRole(ctx: ServiceContext, actor: Actor, input: DeleteRoleInput): Promise<void> {
  const { organizationId, roleId } = parseInput(schemas.deleteRole, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const role = await findCustomRole(ctx, resolved, organizationId, roleId);
  authorize(resolved, role.organizationId, ctx.permissions.deleteRoles);
  assertNoEscalation(resolved, compileCustom(ctx, role.permissions), "delete this role");
  await ctx.store.transaction(async (tx) => {
    await tx.organizations.lock(role.organizationId);
    await assertKeepsAnAdministrator(ctx, tx, role.organizationId, {
      roleOverride: { id: role.id, grants: null },
    });
    await tx.users.removeRole(role.organizationId, role.id);
    await tx.roles.delete(role.organizationId, role.id);
    await ctx.audit(tx, [
      {
        organizationId: role.organizationId,
        action: "role.deleted",
        actor: resolved.audit,
        details: { roleId: role.id, name: role.name },
      },
    ]);
  });
}

async function findCustomRole(
  ctx: ServiceContext,
  resolved: ResolvedActor,
  organizationId: string,
  roleId: string,
): Promise<RoleRecord> {
  const organization = await findOrganizationFor(ctx, resolved, organizationId);
  if (ctx.matrix.findRole(roleId)) {
    throw new GatehouseError(
      "NOT_SUPPORTED",
      "Default roles come from the permission matrix and cannot be changed.",
    );
  }
  const role = await ctx.store.roles.findById(organization.id, roleId);
  if (!role) throw new GatehouseError("NOT_FOUND", "No such role.");
  return role;
}

function compileCustom(ctx: ServiceContext, permissions: PermissionList): Grants {
  return compileGrants(ctx.matrix as never, [{ id: "custom", permissions }]);
}

function dedupe(permissions: PermissionList): Array<{ page: string; action: string }> {
  const seen = new Set<string>();
  return permissions
    .filter(({ page, action }) => {
      const key = `${page}\u0000${action}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ page, action }) => ({ page, action }));
}
