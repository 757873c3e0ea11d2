import { factorsOf, GatehouseError, listPermissions, parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import { endSessionCookie, sessionTokenOf } from "../state.js";
import { handle, type RouteContext, sendSession, tokenOf } from "./handler.js";

// The session comes from the cookie, never the body: these schemas have no `sessionToken`, and being strict they
// refuse a body that names one.
const secondFactorBody = schemas.verifySecondFactor.omit({ sessionToken: true });
const recoveryCodeBody = schemas.verifySecondFactor.pick({ code: true });

/**
 * Signing in and out: password, second factor (TOTP or SMS code), recovery code, the SMS code's sending,
 * logout, the current session, and account activation from an e-mailed link.
 */
export function mountAuthRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;

  router.post(
    "/login",
    handle(async (req, res) => {
      const input = parseInput(schemas.login, req.body);
      const previous = sessionTokenOf(req);
      const result = await gatehouse.login(input);
      // The session this browser held before is ended rather than left behind, unused but valid.
      if (previous !== null && previous !== result.token) await gatehouse.logout({ sessionToken: previous });
      sendSession(req, res, context, result);
    }),
  );

  router.post(
    "/login/second-factor",
    handle(async (req, res) => {
      const input = parseInput(secondFactorBody, req.body);
      const result = await gatehouse.verifySecondFactor({ ...input, sessionToken: tokenOf(req) });
      sendSession(req, res, context, result);
    }),
  );

  router.post(
    "/login/recovery-code",
    handle(async (req, res) => {
      const { code } = parseInput(recoveryCodeBody, req.body);
      const result = await gatehouse.verifySecondFactor({
        sessionToken: tokenOf(req),
        method: "recovery",
        code,
      });
      sendSession(req, res, context, result);
    }),
  );

  router.post(
    "/login/sms-code",
    handle(async (req, res) => {
      const { expiresAt } = await gatehouse.sendSignInCode({ sessionToken: tokenOf(req) });
      res.status(202).json({ expiresAt });
    }),
  );

  router.post(
    "/logout",
    handle(async (req, res) => {
      const token = sessionTokenOf(req);
      if (token !== null) await gatehouse.logout({ sessionToken: token });
      endSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  router.get(
    "/session",
    handle(async (req, res) => {
      const auth = req.auth;
      if (auth.user === null) {
        throw new GatehouseError("UNAUTHENTICATED", "Sign in first: the session is missing or has expired.");
      }
      const { stage, session } = auth;
      if (stage !== "authenticated") {
        // A pending stage answers as the sign-in step did: the stage, and the factors the next step offers.
        const factors =
          stage === "mfa"
            ? factorsOf(auth.user)
            : stage === "mfa-enrollment"
              ? gatehouse.config.policyOf(auth.organization).mfa.factors
              : [];
        res.status(200).json({ stage, expiresAt: session.expiresAt, factors, permissions: [] });
        return;
      }
      res.status(200).json({
        stage,
        expiresAt: session.expiresAt,
        user: auth.user,
        factors: factorsOf(auth.user),
        organization: { id: auth.organization.id, name: auth.organization.name },
        permissions: listPermissions(auth.grants),
      });
    }),
  );

  router.post(
    "/activate",
    handle(async (req, res) => {
      const input = parseInput(schemas.activateAccount, req.body);
      const user = await gatehouse.activateAccount(input);
      res.status(200).json({ user });
    }),
  );
}
