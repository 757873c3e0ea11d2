import { schemas } from "@gatehousejs/core";
import { type Route, route } from "./route.js";

// The session comes from the cookie, never the body (the strict schema refuses a `sessionToken` field).
const changeBody = schemas.changePassword.omit({ sessionToken: true });

/** The one answer of "forgot password", whether or not the address is registered. */
const FORGOT_PASSWORD_ANSWER = Object.freeze({
  message: "If this address belongs to an account, a link to choose a new password is on its way.",
});

/** Changing a password from a session, and the "forgot password" link's request and use. */
export const passwordRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/password/change",
    summary: "Change the password (at the password-change stage, or signed in with the current one).",
    stage: "any",
    input: { from: "body", schema: changeBody },
    async handle(call) {
      const session = await call.gatehouse.changePassword({ ...call.input, sessionToken: call.token ?? "" });
      // Every other session of the user ended; this one goes on under a new token.
      call.issueSession(session);
      const body = {
        stage: session.stage,
        expiresAt: session.expiresAt,
        ...(call.exposeToken && { token: session.token }),
      };
      return { status: 200, body };
    },
  }),
  route({
    method: "POST",
    path: "/password/forgot",
    summary: "Send a reset link, answering the same whether or not the address is registered.",
    stage: "any",
    status: 202,
    throttle: "forgot-password",
    input: { from: "body", schema: schemas.requestPasswordReset },
    async handle(call) {
      await call.gatehouse.requestPasswordReset(call.input);
      return { status: 202, body: FORGOT_PASSWORD_ANSWER };
    },
  }),
  route({
    method: "POST",
    path: "/password/reset",
    summary: "Choose a new password from a reset link; it never signs in.",
    stage: "any",
    status: 204,
    throttle: "reset",
    input: { from: "body", schema: schemas.resetPassword },
    async handle(call) {
      await call.gatehouse.resetPassword(call.input);
      return { status: 204 };
    },
  }),
];
