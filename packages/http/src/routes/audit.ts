import { schemas } from "@gatehousejs/core";
import { memberOf, type Route, route } from "./route.js";

const auditQuery = schemas.listAuditLog.omit({ organizationId: true });

/** The organization's audit log, or one user's entries in it, newest first, a page at a time. */
export const auditRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/audit",
    summary: "The organization's audit log (or one user's entries), newest first, a page at a time.",
    stage: "authenticated",
    permission: "viewAudit",
    input: { from: "query", schema: auditQuery, numbers: ["limit"] },
    async handle({ gatehouse, auth, input }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 200, body: await gatehouse.listAuditLog(actor, { ...input, organizationId }) };
    },
  }),
];
