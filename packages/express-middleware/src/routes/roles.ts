import { parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import { requireAuth } from "../guards.js";
import { handle, memberOf, type RouteContext } from "./handler.js";
import { idOf } from "./users.js";

// The organization comes from the session and the role from the path, never from the body.
const createBody = schemas.createRole.omit({ organizationId: true });
const updateBody = schemas.updateRole.omit({ organizationId: true, roleId: true });

/** The organization's roles: the matrix's default roles and its custom roles, which it may create and edit. */
export function mountRoleRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;
  const signedIn = requireAuth();

  router.get(
    "/roles",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      res.status(200).json({ items: await gatehouse.listRoles(actor, { organizationId }) });
    }),
  );

  router.post(
    "/roles",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const input = parseInput(createBody, req.body);
      res.status(201).json({ role: await gatehouse.createRole(actor, { ...input, organizationId }) });
    }),
  );

  router.patch(
    "/roles/:id",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const input = parseInput(updateBody, req.body);
      res
        .status(200)
        .json({ role: await gatehouse.updateRole(actor, { ...input, organizationId, roleId: idOf(req) }) });
    }),
  );

  router.delete(
    "/roles/:id",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      await gatehouse.deleteRole(actor, { organizationId, roleId: idOf(req) });
      res.status(204).end();
    }),
  );
}
