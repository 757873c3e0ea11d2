import { parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import { issueSessionCookie } from "../state.js";
import { handle, type RouteContext, tokenOf } from "./handler.js";

// The session comes from the cookie, never the body (the strict schema refuses a `sessionToken` field).
const changeBody = schemas.changePassword.omit({ sessionToken: true });

/** The one answer of "forgot password", whether or not the address is registered. */
const FORGOT_PASSWORD_ANSWER = Object.freeze({
  message: "If this address belongs to an account, a link to choose a new password is on its way.",
});

/** Changing a password from a session, and the "forgot password" link's request and use. */
export function mountPasswordRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;

  router.post(
    "/password/change",
    handle(async (req, res) => {
      const input = parseInput(changeBody, req.body);
      const session = await gatehouse.changePassword({ ...input, sessionToken: tokenOf(req) });
      // Every other session of the user ended; this one goes on under a new token.
      issueSessionCookie(req, res, session);
      res.status(200).json({
        stage: session.stage,
        expiresAt: session.expiresAt,
        ...(context.exposeToken && { token: session.token }),
      });
    }),
  );

  router.post(
    "/password/forgot",
    handle(async (req, res) => {
      const input = parseInput(schemas.requestPasswordReset, req.body);
      await gatehouse.requestPasswordReset(input);
      res.status(202).json(FORGOT_PASSWORD_ANSWER);
    }),
  );

  router.post(
    "/password/reset",
    handle(async (req, res) => {
      const input = parseInput(schemas.resetPassword, req.body);
      await gatehouse.resetPassword(input);
      res.status(204).end();
    }),
  );
}
