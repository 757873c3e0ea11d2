import type { UserRecord } from "../store/records.js";
import type { ServiceContext } from "./context.js";

/**
 * Audits a user's own failed sign-in after the call has answered: a write made only for registered addresses
 * would let the answer's time tell them from unknown ones. Stamped now; a failed write reaches
 * `onBackgroundError` with the entries, it is never dropped silently.
 */
export function auditLoginLater(
  ctx: ServiceContext,
  user: UserRecord,
  ...events: ReadonlyArray<readonly [action: string, details: Record<string, unknown>]>
): Promise<void> {
  return ctx.auditLater(
    events.map(([action, details]) => ({
      organizationId: user.organizationId,
      action,
      actor: { kind: "member", id: user.id, email: user.email },
      subjectUserId: user.id,
      subjectEmail: user.email,
      details,
    })),
  );
}
