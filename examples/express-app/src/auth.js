import { gatehouseMiddleware, sessionTokenOf } from "@gatehouse/express-middleware";

/** @import { Gatehouse, IssuedSession } from "@gatehouse/core" */
/** @import { SignedInAuth } from "@gatehouse/express-middleware" */
/** @import { Request, Response } from "express" */

/**
 * Who is signed in, as the pages see it: the middleware's `req.auth` and the session token for the flows
 * that take it (enrolment, recovery code, password change).
 * @typedef {SignedInAuth & { token: string }} Auth
 */

const COOKIE_NAME = "gatehouse_session";

/**
 * @typedef {object} AuthLayer
 * @property {import("express").RequestHandler} middleware
 * @property {(res: Response, issued: IssuedSession) => void} setSession
 * @property {(res: Response) => void} clearSession
 */

/**
 * The session layer: `gatehouseMiddleware` reads and validates the session cookie (sliding the idle timeout),
 * sets `req.auth`, and refuses cross-site POSTs (every form here is a same-origin POST, which browsers mark
 * with `Origin` and `Sec-Fetch-Site`).
 * @param {Gatehouse} gatehouse
 * @param {{ secure: boolean }} options `secure`: cookies only over HTTPS (off for http://127.0.0.1)
 * @returns {AuthLayer}
 */
export function createAuth(gatehouse, { secure }) {
  const middleware = gatehouseMiddleware(gatehouse, { secure, cookieName: COOKIE_NAME });

  /**
   * @param {Response} res
   * @param {string} value
   * @param {number} maxAgeSeconds
   */
  const writeCookie = (res, value, maxAgeSeconds) => {
    // The same attributes as the middleware's own cookie: it reads and slides this one on every request.
    const parts = [
      `${COOKIE_NAME}=${value}`,
      `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
      "Path=/",
      "HttpOnly",
    ];
    if (secure) parts.push("Secure");
    parts.push("SameSite=Lax");
    replaceCookie(res, COOKIE_NAME, parts.join("; "));
  };

  return {
    middleware,
    /**
     * Hands a session the service issued (a new token at every sign-in step) to the browser.
     * @param {Response} res
     * @param {IssuedSession} issued
     */
    setSession(res, issued) {
      writeCookie(
        res,
        issued.token,
        (issued.expiresAt.getTime() - gatehouse.context.clock.now().getTime()) / 1000,
      );
    },
    /** @param {Response} res */
    clearSession(res) {
      writeCookie(res, "", 0);
    },
  };
}

/**
 * Sets a cookie, replacing an earlier Set-Cookie of the same name in this response (the middleware may have
 * re-sent the old session's cookie already).
 * @param {Response} res
 * @param {string} name
 * @param {string} header
 */
function replaceCookie(res, name, header) {
  const existing = res.getHeader("Set-Cookie");
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader("Set-Cookie", [...list.filter((cookie) => !cookie.startsWith(`${name}=`)), header]);
}

/**
 * The session of a request at any stage (a sign-in in progress included), or null.
 * @param {Request} req
 * @returns {Auth | null}
 */
export function sessionOf(req) {
  const token = sessionTokenOf(req);
  if (req.auth.user === null || token === null) return null;
  return { ...req.auth, token };
}
