import { isGatehouseError, parseInput, schemas, ValidationError } from "@gatehousejs/core";
import type { Request, Router } from "express";
import { requireAuth } from "../guards.js";
import { endSessionCookie } from "../state.js";
import { handle, memberOf, queryNumber, queryString, type RouteContext } from "./handler.js";

// The organization always comes from the session: these schemas have no `organizationId`, and being strict
// they refuse a body that names one (400) rather than follow it.
const inviteBody = schemas.inviteUsers.omit({ organizationId: true });
const addBody = schemas.addUser.omit({ organizationId: true });
const listQuery = schemas.listUsers.omit({ organizationId: true });
const updateBody = schemas.updateUser.omit({ userId: true });

/**
 * The organization's users: list, get, invite, add, edit, delete, and the administrator's actions on one
 * (resend the invitation, send a reset link, lift a lock, end their sessions). A signed-in session is
 * required; the service checks each permission itself and answers another organization's ids as NOT_FOUND.
 */
export function mountUserRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;
  const signedIn = requireAuth();

  router.get(
    "/users",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const query = parseInput(listQuery, {
        search: queryString(req.query.search),
        cursor: queryString(req.query.cursor),
        limit: queryNumber(req.query.limit),
      });
      res.status(200).json(await gatehouse.listUsers(actor, { ...query, organizationId }));
    }),
  );

  router.post(
    "/users/invitations",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const input = parseInput(inviteBody, req.body);
      res.status(201).json(await gatehouse.inviteUsers(actor, { ...input, organizationId }));
    }),
  );

  router.post(
    "/users",
    signedIn,
    handle(async (req, res) => {
      const { actor, organizationId } = memberOf(req);
      const input = parseInput(addBody, req.body);
      res.status(201).json(await gatehouse.addUser(actor, { ...input, organizationId }));
    }),
  );

  router.get(
    "/users/:id",
    signedIn,
    handle(async (req, res) => {
      const { actor } = memberOf(req);
      res.status(200).json({ user: await gatehouse.getUser(actor, { userId: idOf(req) }) });
    }),
  );

  router.patch(
    "/users/:id",
    signedIn,
    handle(async (req, res) => {
      const { actor, userId } = memberOf(req);
      const changes = parseInput(updateBody, req.body);
      const before = req.auth.user?.email;
      const user = await gatehouse.updateUser(actor, { ...changes, userId: idOf(req) });
      // A new address ends every session of its user: their own included, so the cookie goes too.
      if (user.id === userId && user.email !== before) endSessionCookie(req, res);
      res.status(200).json({ user });
    }),
  );

  router.delete(
    "/users/:id",
    signedIn,
    handle(async (req, res) => {
      const { actor, userId } = memberOf(req);
      const id = idOf(req);
      await gatehouse.removeUser(actor, { userId: id });
      if (id === userId) endSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  router.post(
    "/users/:id/invitation",
    signedIn,
    handle(async (req, res) => {
      const { actor } = memberOf(req);
      res.status(202).json(await gatehouse.resendInvitation(actor, { userId: idOf(req) }));
    }),
  );

  router.post(
    "/users/:id/password-reset",
    signedIn,
    handle(async (req, res) => {
      const { actor } = memberOf(req);
      res.status(202).json(await gatehouse.issuePasswordReset(actor, { userId: idOf(req) }));
    }),
  );

  router.post(
    "/users/:id/unlock",
    signedIn,
    handle(async (req, res) => {
      const { actor } = memberOf(req);
      await gatehouse.unlockUser(actor, { userId: idOf(req) });
      res.status(204).end();
    }),
  );

  router.delete(
    "/users/:id/sessions",
    signedIn,
    handle(async (req, res) => {
      const { actor, userId } = memberOf(req);
      const id = idOf(req);
      const ended = await gatehouse.revokeSessions(actor, { userId: id });
      if (id === userId) endSessionCookie(req, res);
      res.status(200).json({ ended });
    }),
  );
}

/**
 * The `:id` of the path, checked by the rule of the service's ids (the service checks it again) so that a bad
 * one is named `id`, as the URL names it, rather than `userId` or `roleId`.
 */
export function idOf(req: Request): string {
  try {
    return parseInput(schemas.getUser.shape.userId, req.params.id);
  } catch (error) {
    if (!isGatehouseError(error, "VALIDATION")) throw error;
    const issues = (error.details.issues ?? []).map((issue) => ({ ...issue, path: ["id", ...issue.path] }));
    throw new ValidationError("Invalid input: id.", issues);
  }
}
