import { GatehouseError } from "@gatehousejs/core";
import { parseCookie, stringifySetCookie } from "cookie";
import type { Request, Response } from "express";

/** How the session cookie is written; resolved once from the middleware's options. */
export interface CookieSettings {
  readonly name: string;
  readonly path: string;
  readonly secure: boolean;
  readonly sameSite: "lax" | "strict" | "none";
  /** The readable cookie of the double-submit CSRF token, or `null` when that mode is off. */
  readonly csrfCookieName: string | null;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks cookie options at once: a bad name or `SameSite=None` without `Secure` is a configuration error. */
export function checkCookieSettings(settings: CookieSettings): CookieSettings {
  for (const name of [settings.name, settings.csrfCookieName]) {
    if (name !== null && !COOKIE_NAME.test(name)) {
      throw new GatehouseError("CONFIGURATION", `"${name}" is not a valid cookie name.`);
    }
  }
  if (!settings.path.startsWith("/"))
    throw new GatehouseError("CONFIGURATION", "cookiePath must start with /.");
  if (!["lax", "strict", "none"].includes(settings.sameSite)) {
    throw new GatehouseError("CONFIGURATION", 'sameSite must be "lax", "strict" or "none".');
  }
  // Browsers drop a SameSite=None cookie that is not Secure, so the session would silently never stick.
  if (settings.sameSite === "none" && !settings.secure) {
    throw new GatehouseError("CONFIGURATION", 'sameSite "none" needs secure cookies.');
  }
  if (settings.name.startsWith("__Host-") && (!settings.secure || settings.path !== "/")) {
    throw new GatehouseError("CONFIGURATION", "A __Host- cookie needs secure: true and cookiePath: /.");
  }
  return settings;
}

/** The value of one cookie of the request, or `null`. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header?.includes(name)) return null;
  const value = parseCookie(header)[name];
  return value ? value : null;
}

/**
 * Writes the session cookie: HttpOnly always (no script ever reads the token), and a Max-Age that ends it
 * with the session. Max-Age rather than Expires: it is relative, so it holds whatever the browser's clock.
 */
export function setSessionCookie(
  res: Response,
  settings: CookieSettings,
  token: string,
  maxAgeSeconds: number,
  csrfToken: string | null,
): void {
  const maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  const attributes = { maxAge, path: settings.path, secure: settings.secure, sameSite: settings.sameSite };
  replaceCookie(
    res,
    settings.name,
    stringifySetCookie({ name: settings.name, value: token, ...attributes, httpOnly: true }),
  );
  // The CSRF cookie is meant to be read by the page's script, so it is not HttpOnly; it is no secret of the
  // session (a hash of the token), only proof that a request came from a page of this origin.
  if (settings.csrfCookieName !== null && csrfToken !== null) {
    replaceCookie(
      res,
      settings.csrfCookieName,
      stringifySetCookie({ name: settings.csrfCookieName, value: csrfToken, ...attributes }),
    );
  }
}

/** Clears the session cookie (and the CSRF cookie), e.g. at logout or when the session has expired. */
export function clearSessionCookie(res: Response, settings: CookieSettings): void {
  for (const name of [settings.name, settings.csrfCookieName]) {
    if (name === null) continue;
    const options = {
      maxAge: 0,
      path: settings.path,
      secure: settings.secure,
      sameSite: settings.sameSite,
      httpOnly: name === settings.name,
    };
    replaceCookie(res, name, stringifySetCookie({ name, value: "", ...options }));
  }
}

/** Sets a cookie, replacing an earlier Set-Cookie of the same name in this response rather than adding one. */
function replaceCookie(res: Response, name: string, header: string): void {
  const existing = res.getHeader("Set-Cookie");
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  const prefix = `${name}=`;
  res.setHeader("Set-Cookie", [...list.filter((cookie) => !cookie.startsWith(prefix)), header]);
}
