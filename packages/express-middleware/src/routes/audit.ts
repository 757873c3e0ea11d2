import { parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import { requireAuth } from "../guards.js";
import { handle, memberOf, queryNumber, queryString, type RouteContext } from "./handler.js";

const auditQuery = schemas.listAuditLog.omit({ organizationId: true });

/** The organization's audit log, or one user's entries in it, newest first, a page at a time. */
export function mountAuditRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;

  router.get(
    "/audit",
    requireAuth(),
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const query = parseInput(auditQuery, {
        userId: queryString(req.query.userId),
        cursor: queryString(req.query.cursor),
        limit: queryNumber(req.query.limit),
      });
      res.status(200).json(await gatehouse.listAuditLog(actor, { ...query, organizationId }));
    }),
  );
}
