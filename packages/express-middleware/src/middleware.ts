import { can, type Gatehouse, type Grants, isGatehouseError, type ValidSession } from "@gatehousejs/core";
import type { RequestHandler } from "express";
import { type CookieSettings, checkCookieSettings, clearSessionCookie, readCookie } from "./cookies.js";
import { type CsrfSettings, checkCsrf, resolveAllowedOrigins } from "./csrf.js";
import { attachRequestState, csrfTokenFor, issueSessionCookie, type RequestState } from "./state.js";
import type { SignedInAuth, SignedOutAuth } from "./types.js";

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

/** The resolved settings of a middleware instance. */
export interface ResolvedSettings {
  readonly cookies: CookieSettings;
  readonly csrf: CsrfSettings;
}

/** Resolves and checks the options; a misconfiguration throws a CONFIGURATION error at once. */
export function resolveSettings(options: GatehouseMiddlewareOptions): ResolvedSettings {
  const token = options.csrfToken === true ? {} : options.csrfToken || null;
  const cookies = checkCookieSettings({
    name: options.cookieName ?? "gatehouse_session",
    path: options.cookiePath ?? "/",
    secure: options.secure !== false,
    sameSite: options.sameSite ?? "lax",
    csrfCookieName: token ? (token.cookieName ?? "gatehouse_csrf") : null,
  });
  const csrf: CsrfSettings = {
    enabled: options.csrf !== false,
    allowedOrigins: resolveAllowedOrigins(options.allowedOrigins ?? []),
    tokenHeader: token ? (token.headerName ?? "x-csrf-token").toLowerCase() : null,
  };
  return { cookies, csrf };
}

const neverCan = (): false => false;

/** The `req.auth` of a request without a valid session. */
export const signedOut: SignedOutAuth = Object.freeze({
  user: null,
  stage: null,
  session: null,
  organization: null,
  grants: null,
  can: neverCan,
});

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
  return createMiddleware(gatehouse, resolveSettings(options));
}

/** The middleware on resolved settings (the router builds its own from the same options). */
export function createMiddleware(gatehouse: Gatehouse, settings: ResolvedSettings): RequestHandler {
  const { cookies, csrf } = settings;
  return async (req, res, next) => {
    const state: RequestState = { gatehouse, cookies, token: null };
    attachRequestState(req, state);
    req.auth = signedOut;
    try {
      const token = readCookie(req, cookies.name);
      checkCsrf(req, csrf, token);
      if (token === null) return next();
      const valid = await validCookieSession(gatehouse, token);
      if (valid === null) {
        clearSessionCookie(res, cookies);
        return next();
      }
      state.token = token;
      // The idle deadline slid (the service wrote the activity back): the cookie follows it. In double-submit
      // mode a missing or outdated CSRF cookie is sent again too.
      const csrfCookie = cookies.csrfCookieName === null ? null : readCookie(req, cookies.csrfCookieName);
      if (valid.refreshed || (cookies.csrfCookieName !== null && csrfCookie !== csrfTokenFor(token))) {
        issueSessionCookie(req, res, { token, expiresAt: valid.session.expiresAt });
      }
      req.auth = signedIn(valid);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** The cookie's session; a value the service refuses to read (too long to be a token) is no session either. */
async function validCookieSession(gatehouse: Gatehouse, token: string): Promise<ValidSession | null> {
  try {
    return await gatehouse.validateSession({ sessionToken: token });
  } catch (error) {
    if (isGatehouseError(error, "VALIDATION")) return null;
    throw error;
  }
}

function signedIn(valid: ValidSession): SignedInAuth {
  const { session } = valid;
  const grants = valid.grants as Grants<never>;
  const check = (page: string, action: string): boolean => can(grants, page as never, action as never);
  return {
    user: valid.user,
    stage: session.stage,
    session,
    organization: valid.organization,
    grants: valid.grants as SignedInAuth["grants"],
    // A pending stage holds no permission, whatever its user's roles.
    can: session.stage === "authenticated" ? check : neverCan,
  };
}
