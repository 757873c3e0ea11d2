import {
  endSessionCookie,
  gatehouseMiddleware,
  issueSessionCookie,
  sessionTokenOf,
} from "@gatehousejs/express-middleware";

/** @import { Gatehouse, IssuedSession } from "@gatehousejs/core" */
/** @import { SignedInAuth } from "@gatehousejs/express-middleware" */
/** @import { Request, Response } from "express" */

/**
 * Who is signed in, as the pages see it: the middleware's `req.auth` and the session token for the flows
 * that take it (enrolment, recovery code, password change).
 * @typedef {SignedInAuth & { token: string }} Auth
 */

/** The session cookie's name, shared by the middleware and the `/auth` routes. */
export const COOKIE_NAME = "gatehouse_session";

/**
 * @typedef {object} AuthLayer
 * @property {import("express").RequestHandler} middleware
 * @property {(req: Request, res: Response, issued: IssuedSession) => void} setSession
 * @property {(req: Request, res: Response) => void} clearSession
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
  return {
    middleware: gatehouseMiddleware(gatehouse, { secure, cookieName: COOKIE_NAME }),
    /**
     * Hands a session the service issued (a new token at every sign-in step) to the browser, with the
     * middleware's own cookie attributes.
     * @param {Request} req
     * @param {Response} res
     * @param {IssuedSession} issued
     */
    setSession: (req, res, issued) => issueSessionCookie(req, res, issued),
    /**
     * @param {Request} req
     * @param {Response} res
     */
    clearSession: (req, res) => endSessionCookie(req, res),
  };
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
