import { z } from "zod";
import { GatehouseError } from "../errors.js";
import {
  compileGrants,
  compileStaffGrants,
  type Grants,
  missingPermissions,
  type RoleRef,
} from "../matrix/compile-grants.js";
import type { AuditActor, UserRecord } from "../store/records.js";
import type { DurableRepositories } from "../store/store.js";
import type { ServiceContext } from "./context.js";
import type { FlowPermission } from "./permissions.js";
import { parseInput, safeText } from "./schemas.js";

/**
 * Who performs a call. A `member` is a signed-in user of an organization (derive it from a validated session,
 * never from the request body): their roles decide. `staff` are the operator's own people (the "super admin");
 * `system` is a provisioning job or a migration.
 */
export type Actor =
  | { readonly kind: "member"; readonly userId: string }
  | { readonly kind: "staff"; readonly id: string; readonly email?: string }
  | { readonly kind: "system"; readonly name: string };

/** An actor with what the service learned about them. */
export interface ResolvedActor {
  readonly actor: Actor;
  /** The member's own record; `null` for staff and system. */
  readonly user: UserRecord | null;
  readonly grants: Grants;
  readonly audit: AuditActor;
}

// An actor comes from the host's code, not from a form, but it is still checked before anything reaches a store:
// a member id with a NUL would make PostgreSQL fail the query, and a control character in a staff id or job
// name would reach the audit log. Unknown fields are allowed (a host may pass its own richer object).
const actorId = safeText(z.string().min(1).max(200));
const actorSchema = z.object({
  actor: z.discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("member"), userId: actorId }),
      z.object({ kind: z.literal("staff"), id: actorId, email: safeText(z.string().max(320)).optional() }),
      z.object({ kind: z.literal("system"), name: actorId }),
    ],
    { error: "The actor must be a member, staff or system." },
  ),
});

/**
 * Checks an actor's shape (kind, a non-empty id of at most 200 characters without control characters), else
 * VALIDATION naming `actor.<field>`.
 */
export function checkActor(actor: unknown): asserts actor is Actor {
  parseInput(actorSchema, { actor });
}

/** Loads a member and compiles their grants (default roles and the organization's custom roles). */
export async function resolveActor(
  ctx: ServiceContext,
  repos: DurableRepositories,
  actor: Actor,
): Promise<ResolvedActor> {
  switch (actor.kind) {
    case "member": {
      const user = await repos.users.findById(actor.userId);
      if (!user) throw new GatehouseError("UNAUTHENTICATED", "The acting user no longer exists.");
      const grants = await compileUserGrants(ctx, repos, user);
      return { actor, user, grants, audit: { kind: "member", id: user.id, email: user.email } };
    }
    case "staff":
      return {
        actor,
        user: null,
        grants: compileStaffGrants(ctx.matrix as never),
        audit: { kind: "staff", id: actor.id, email: actor.email ?? null },
      };
    case "system":
      return {
        actor,
        user: null,
        grants: compileStaffGrants(ctx.matrix as never),
        audit: { kind: "system", id: actor.name, email: null },
      };
    default:
      throw new GatehouseError("VALIDATION", "Unknown actor kind.", {
        issues: [
          {
            path: ["actor", "kind"],
            reason: "invalid",
            message: "The actor must be a member, staff or system.",
          },
        ],
      });
  }
}

/** A user's grants: their default roles from the matrix and their custom roles from the store. */
export async function compileUserGrants(
  ctx: ServiceContext,
  repos: DurableRepositories,
  user: UserRecord,
): Promise<Grants> {
  const custom = user.roles.some((id) => !ctx.matrix.findRole(id))
    ? await repos.roles.list(user.organizationId)
    : [];
  const refs = user.roles.flatMap((id): RoleRef[] => {
    if (ctx.matrix.findRole(id)) return [id];
    const role = custom.find((r) => r.id === id);
    // A role deleted or renamed in the matrix since it was assigned grants nothing rather than failing sign-in.
    return role ? [{ id: role.id, permissions: role.permissions }] : [];
  });
  return compileGrants(ctx.matrix as never, refs);
}

/** True when the grants hold a flow permission. */
export function holds(grants: Grants, [page, action]: FlowPermission): boolean {
  const handle = grants.matrix.findPermission(page, action);
  return handle !== null && ((grants.bits[handle >>> 5] as number) & (1 << (handle & 31))) !== 0;
}

/**
 * Checks that the actor may act on `organizationId` with `permission`: a member only in their own organization
 * (another organization's resources answer NOT_FOUND, revealing nothing) and only with the permission.
 */
export function authorize(
  resolved: ResolvedActor,
  organizationId: string,
  permission: FlowPermission | null,
): void {
  if (!resolved.user) return;
  if (resolved.user.organizationId !== organizationId) throw notFound();
  if (permission && !holds(resolved.grants, permission)) {
    throw new GatehouseError(
      "FORBIDDEN",
      `This needs the "${permission[1]}" permission on "${permission[0]}".`,
      {
        permission: { page: permission[0], action: permission[1] },
      },
    );
  }
}

/** Refuses when `wanted` carries a permission the actor lacks: no one grants more than they hold. */
export function assertNoEscalation(resolved: ResolvedActor, wanted: Grants, what: string): void {
  if (!resolved.user) return;
  const missing = missingPermissions(resolved.grants, wanted);
  if (missing.length === 0) return;
  throw new GatehouseError("FORBIDDEN", `You cannot ${what}: it carries permissions you do not hold.`, {
    issues: missing.map(({ page, action }) => ({
      path: [page, action],
      reason: "not-held",
      message: `You do not hold "${action}" on "${page}".`,
    })),
  });
}

/** The error for anything outside the actor's organization, or that does not exist. */
export function notFound(what = "user"): GatehouseError {
  return new GatehouseError("NOT_FOUND", `No such ${what}.`);
}
