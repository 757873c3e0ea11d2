import { factorsOf, GatehouseError, listPermissions, schemas } from "@gatehousejs/core";
import { type Route, route, sessionReply } from "./route.js";

// The session comes from the cookie, never the body: these schemas have no `sessionToken`, and being strict they
// refuse a body that names one.
const secondFactorBody = schemas.verifySecondFactor.omit({ sessionToken: true });
const recoveryCodeBody = schemas.verifySecondFactor.pick({ code: true });

/**
 * Signing in and out: password, second factor (TOTP or SMS code), recovery code, the SMS code's sending,
 * logout, the current session, and account activation from an e-mailed link.
 */
export const authRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/login",
    summary: "Sign in with e-mail and password.",
    stage: "any",
    throttle: "sign-in",
    input: { from: "body", schema: schemas.login },
    async handle(call) {
      const result = await call.gatehouse.login(call.input);
      // The session this client held before is ended rather than left behind, unused but valid.
      if (call.token !== null && call.token !== result.token) {
        await call.gatehouse.logout({ sessionToken: call.token });
      }
      return sessionReply(call, result);
    },
  }),
  route({
    method: "POST",
    path: "/login/second-factor",
    summary: "Give the second factor (TOTP or SMS code) of a sign-in at the mfa stage.",
    stage: "any",
    throttle: "second-factor",
    input: { from: "body", schema: secondFactorBody },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      return sessionReply(call, await call.gatehouse.verifySecondFactor(input));
    },
  }),
  route({
    method: "POST",
    path: "/login/recovery-code",
    summary: "Give the recovery code instead of the second factor.",
    stage: "any",
    throttle: "second-factor",
    input: { from: "body", schema: recoveryCodeBody },
    async handle(call) {
      const input = { sessionToken: call.token ?? "", method: "recovery" as const, code: call.input.code };
      return sessionReply(call, await call.gatehouse.verifySecondFactor(input));
    },
  }),
  route({
    method: "POST",
    path: "/login/sms-code",
    summary: "Send the sign-in code by SMS to the 2FA phone.",
    stage: "any",
    status: 202,
    throttle: "sms",
    input: null,
    async handle(call) {
      const { expiresAt } = await call.gatehouse.sendSignInCode({ sessionToken: call.token ?? "" });
      return { status: 202, body: { expiresAt } };
    },
  }),
  route({
    method: "POST",
    path: "/logout",
    summary: "End the session and clear its cookie.",
    stage: "any",
    status: 204,
    input: null,
    async handle(call) {
      if (call.token !== null) await call.gatehouse.logout({ sessionToken: call.token });
      call.endSession();
      return { status: 204 };
    },
  }),
  route({
    method: "GET",
    path: "/session",
    summary: "The current session: its stage, and the user and permissions once signed in.",
    stage: "any",
    input: null,
    async handle({ auth, gatehouse }) {
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
        return { status: 200, body: { stage, expiresAt: session.expiresAt, factors, permissions: [] } };
      }
      return {
        status: 200,
        body: {
          stage,
          expiresAt: session.expiresAt,
          user: auth.user,
          factors: factorsOf(auth.user),
          organization: { id: auth.organization.id, name: auth.organization.name },
          permissions: listPermissions(auth.grants),
        },
      };
    },
  }),
  route({
    method: "POST",
    path: "/activate",
    summary: "Activate an account from its e-mailed link by choosing a password.",
    stage: "any",
    throttle: "reset",
    input: { from: "body", schema: schemas.activateAccount },
    async handle(call) {
      return { status: 200, body: { user: await call.gatehouse.activateAccount(call.input) } };
    },
  }),
];
