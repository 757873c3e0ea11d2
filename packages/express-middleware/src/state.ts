import { GatehouseError } from "@gatehousejs/core";
import { type BindingSession, csrfTokenFor, sessionOf } from "@gatehousejs/http";
import type { Request, Response } from "express";
import { hasRequest, headOf, mergeSetCookies } from "./fetch.js";

/** The session the middleware read, or a CONFIGURATION error naming the missing middleware. */
function sessionOrThrow(req: Request): BindingSession {
  const session = hasRequest(req) ? sessionOf(headOf(req)) : null;
  if (!session) {
    throw new GatehouseError("CONFIGURATION", "gatehouseMiddleware must run before this handler.");
  }
  return session;
}

/**
 * The session token of the request (from its cookie, once validated), for a host's own calls to the service
 * (e.g. `gatehouse.revealRecoveryCode({ sessionToken, password })`); `null` without a valid session.
 */
export function sessionTokenOf(req: Request): string | null {
  return hasRequest(req) ? (sessionOf(headOf(req))?.token ?? null) : null;
}

/** The CSRF token to send in `x-csrf-token` for the request's session, or `null` without a session. */
export function csrfTokenOf(req: Request): string | null {
  const token = sessionTokenOf(req);
  return token === null ? null : csrfTokenFor(token);
}

/**
 * Hands a session the service issued to the browser, with the middleware's cookie settings: for a host's own
 * sign-in steps (the router's routes do this themselves). Replaces a cookie set earlier in the same response.
 * @example
 * issueSessionCookie(req, res, await gatehouse.changePassword({ ...input, sessionToken: sessionTokenOf(req) ?? "" }));
 */
export function issueSessionCookie(
  req: Request,
  res: Response,
  session: { readonly token: string; readonly expiresAt: Date },
): void {
  const state = sessionOrThrow(req);
  state.issue(session);
  mergeSetCookies(res, state.setCookies());
}

/** Forgets the request's session and tells the browser to drop its cookie (and the CSRF cookie). */
export function endSessionCookie(req: Request, res: Response): void {
  const state = sessionOrThrow(req);
  state.end();
  mergeSetCookies(res, state.setCookies());
}
