import { type Gatehouse, GatehouseError, hashToken } from "@gatehousejs/core";
import type { Request, Response } from "express";
import { type CookieSettings, clearSessionCookie, setSessionCookie } from "./cookies.js";

/** What `gatehouseMiddleware` keeps on a request for the routes behind it; hidden from `req.auth`. */
export interface RequestState {
  readonly gatehouse: Gatehouse;
  readonly cookies: CookieSettings;
  /** The token of the request's valid session, or `null`. Never put on `req.auth`, so it is never logged. */
  token: string | null;
}

const STATE = Symbol.for("@gatehousejs/express-middleware.state");

type WithState = Request & { [STATE]?: RequestState };

/** The state `gatehouseMiddleware` attached, or `null` when it has not run on this request. */
export function findRequestState(req: Request): RequestState | null {
  return (req as WithState)[STATE] ?? null;
}

/** Attaches the state to a request. */
export function attachRequestState(req: Request, state: RequestState): void {
  (req as WithState)[STATE] = state;
}

/** The state, or a CONFIGURATION error naming the missing middleware. */
export function requestStateOrThrow(req: Request): RequestState {
  const state = findRequestState(req);
  if (!state) {
    throw new GatehouseError("CONFIGURATION", "gatehouseMiddleware must run before this handler.");
  }
  return state;
}

/**
 * The session token of the request (from its cookie, once validated), for a host's own calls to the service
 * (e.g. `gatehouse.revealRecoveryCode({ sessionToken, password })`); `null` without a valid session.
 */
export function sessionTokenOf(req: Request): string | null {
  return findRequestState(req)?.token ?? null;
}

/**
 * The double-submit CSRF token of a session: a hash of its token, so it is bound to the session, a cookie
 * planted by a sibling subdomain cannot forge it, and it reveals nothing of the token itself.
 */
export function csrfTokenFor(sessionToken: string): string {
  return hashToken(`gatehouse-csrf:${sessionToken}`);
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
  const state = requestStateOrThrow(req);
  state.token = session.token;
  // Max-Age on the service's clock: the same clock that decides when the session ends.
  const maxAgeSeconds = (session.expiresAt.getTime() - state.gatehouse.config.clock.now().getTime()) / 1000;
  const csrf = state.cookies.csrfCookieName === null ? null : csrfTokenFor(session.token);
  setSessionCookie(res, state.cookies, session.token, maxAgeSeconds, csrf);
}

/** Forgets the request's session and tells the browser to drop its cookie (and the CSRF cookie). */
export function endSessionCookie(req: Request, res: Response): void {
  const state = requestStateOrThrow(req);
  state.token = null;
  clearSessionCookie(res, state.cookies);
}
