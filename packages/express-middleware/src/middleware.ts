import type { Gatehouse } from "@gatehousejs/core";
import {
  type Authentication,
  createGatehouseHandler,
  type GatehouseHandler,
  type GatehouseHandlerOptions,
  signedOut,
} from "@gatehousejs/http";
import type { RequestHandler } from "express";
import { headOf, mergeSetCookies, rememberService } from "./fetch.js";
import type { RequestAuth } from "./types.js";

/** Options of {@link gatehouseMiddleware} (and of `gatehouseRouter`, which takes the same). */
export interface GatehouseMiddlewareOptions {
  /**
   * The session cookie's name. `__Host-gatehouse_session` pins it to this exact host (needs `secure`).
   * @default "gatehouse_session"
   */
  cookieName?: string;
  /** @default "/" */
  cookiePath?: string;
  /**
   * Whether cookies are `Secure` (sent over HTTPS only). Only `false` turns it off, for local HTTP development;
   * browsers accept Secure cookies on `http://localhost` anyway.
   * @default true
   */
  secure?: boolean;
  /** @default "lax" */
  sameSite?: "lax" | "strict" | "none";
  /**
   * Whether cookie-authenticated writes (POST, PUT, PATCH, DELETE) must prove they come from this site.
   * Turn it off only when the host checks CSRF itself.
   * @default true
   */
  csrf?: boolean;
  /**
   * Origins besides the request's own host that may send writes, e.g. a front end on another port:
   * `["https://app.example.com"]`.
   * @default []
   */
  allowedOrigins?: readonly string[];
  /**
   * Double-submit token mode, for older browsers that send neither `Origin` nor `Sec-Fetch-Site`: a readable
   * cookie holds a token bound to the session, and a write that sends it back in a header passes.
   * `true` uses the cookie `gatehouse_csrf` and the header `x-csrf-token`.
   * @default false
   */
  csrfToken?: boolean | { cookieName?: string; headerName?: string };
}

/** The HTTP layer's options of the middleware's (Express's "trust proxy" decides forwarded headers). */
export function handlerOptionsOf(options: GatehouseMiddlewareOptions): GatehouseHandlerOptions {
  const cookie: NonNullable<GatehouseHandlerOptions["cookie"]> = {};
  if (options.cookieName !== undefined) cookie.name = options.cookieName;
  if (options.cookiePath !== undefined) cookie.path = options.cookiePath;
  if (options.secure !== undefined) cookie.secure = options.secure;
  if (options.sameSite !== undefined) cookie.sameSite = options.sameSite;
  const csrf: GatehouseHandlerOptions["csrf"] =
    options.csrf === false
      ? false
      : { allowedOrigins: options.allowedOrigins ?? [], doubleSubmit: options.csrfToken ?? false };
  return { cookie, csrf };
}

/**
 * Reads the session cookie, validates the session (sliding its idle deadline), and sets `req.auth`. When the
 * deadline moved the cookie is sent again with the new Max-Age; a stale cookie is cleared. Cookie-authenticated
 * writes from another site are refused first (403, code `CSRF`), before the store is asked anything.
 * @example
 * app.use(gatehouseMiddleware(gatehouse, { secure: process.env.NODE_ENV !== "development" }));
 * app.get("/api/me", requireAuth(), (req, res) => res.json(req.auth.user));
 */
export function gatehouseMiddleware(
  gatehouse: Gatehouse,
  options: GatehouseMiddlewareOptions = {},
): RequestHandler {
  return sessionMiddleware(gatehouse, createGatehouseHandler(gatehouse, handlerOptionsOf(options)));
}

/** The middleware on a handler (the router's own, when no middleware ran before it). */
export function sessionMiddleware(gatehouse: Gatehouse, handler: GatehouseHandler): RequestHandler {
  // Not an async function: Express 5 would chain one more promise on each request's.
  return (req, res, next) => {
    // Signed out until the session is read: an error handler after a CSRF refusal still finds `req.auth`.
    req.auth = signedOut as RequestAuth;
    let reading: Promise<Authentication>;
    try {
      const head = headOf(req);
      rememberService(req, gatehouse);
      reading = handler.authenticate(head);
    } catch (error) {
      next(error);
      return;
    }
    reading.then(
      ({ auth, setCookies }) => {
        try {
          mergeSetCookies(res, setCookies);
          req.auth = auth as RequestAuth;
          next();
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => next(error),
    );
  };
}
