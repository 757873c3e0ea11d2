import type { AuditRecord, Page } from "../store/records.js";
import { type Actor, authorize, resolveActor } from "./actor.js";
import type { ServiceContext } from "./context.js";
import type { ListAuditLogInput } from "./inputs.js";
import { parseInput, schemas } from "./schemas.js";

/** The audit log of an organization, or of one user in it, newest first, a page at a time. */
export async function listAuditLog(
  ctx: ServiceContext,
  actor: Actor,
  input: ListAuditLogInput,
): Promise<Page<AuditRecord>> {
  const query = parseInput(schemas.listAuditLog, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  authorize(resolved, query.organizationId, ctx.permissions.viewAudit);
  return ctx.store.audit.list({
    organizationId: query.organizationId,
    userId: query.userId,
    cursor: query.cursor ?? null,
    limit: query.limit ?? 50,
  });
}
