import { GatehouseError } from "@gatehousejs/core";
import { parseCookie, stringifySetCookie } from "cookie";

/** How the session cookie is written; resolved once from the handler's options. */
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

/** The value of one cookie of a `Cookie` header, or `null`. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header?.includes(name)) return null;
  const value = parseCookie(header)[name];
  return value ? value : null;
}

/**
 * The Set-Cookie lines of one response: a later line for a cookie replaces an earlier one of the same name,
 * so a route that ends a session the request refreshed sends only the clearing line.
 */
export class SetCookies {
  /** Made at the first line: most requests send none. */
  #lines: Map<string, string> | null = null;

  /** Sets (or replaces) the line of cookie `name`. */
  set(name: string, line: string): void {
    this.#lines ??= new Map();
    this.#lines.delete(name);
    this.#lines.set(name, line);
  }

  /** The lines, in the order they were last set. */
  lines(): string[] {
    return this.#lines === null ? [] : [...this.#lines.values()];
  }
}

/**
 * Writes the session cookie: HttpOnly always (no script ever reads the token), and a Max-Age that ends it
 * with the session. Max-Age rather than Expires: it is relative, so it holds whatever the browser's clock.
 */
export function setSessionCookie(
  jar: SetCookies,
  settings: CookieSettings,
  token: string,
  maxAgeSeconds: number,
  csrfToken: string | null,
): void {
  const maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  const attributes = { maxAge, path: settings.path, secure: settings.secure, sameSite: settings.sameSite };
  jar.set(
    settings.name,
    stringifySetCookie({ name: settings.name, value: token, ...attributes, httpOnly: true }),
  );
  // The CSRF cookie is meant to be read by the page's script, so it is not HttpOnly; it is no secret of the
  // session (a hash of the token), only proof that a request came from a page of this origin.
  if (settings.csrfCookieName !== null && csrfToken !== null) {
    jar.set(
      settings.csrfCookieName,
      stringifySetCookie({ name: settings.csrfCookieName, value: csrfToken, ...attributes }),
    );
  }
}

/** Clears the session cookie (and the CSRF cookie), e.g. at logout or when the session has expired. */
export function clearSessionCookie(jar: SetCookies, settings: CookieSettings): void {
  for (const name of [settings.name, settings.csrfCookieName]) {
    if (name === null) continue;
    const options = {
      maxAge: 0,
      path: settings.path,
      secure: settings.secure,
      sameSite: settings.sameSite,
      httpOnly: name === settings.name,
    };
    jar.set(name, stringifySetCookie({ name, value: "", ...options }));
  }
}

/**
 * The Set-Cookie lines of a response after adding `lines` to those a framework already holds: a new line
 * replaces an earlier one of the same cookie rather than being added beside it. For bindings.
 * @example reply.header("set-cookie", mergeSetCookieLines(reply.getHeader("set-cookie"), response.headers.getSetCookie()));
 */
export function mergeSetCookieLines(
  existing: string | number | readonly string[] | undefined,
  lines: readonly string[],
): string[] {
  const list = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [String(existing)];
  const nameOf = (line: string) => line.slice(0, line.indexOf("=") + 1);
  const names = new Set(lines.map(nameOf));
  return [...list.filter((line) => !names.has(nameOf(line))), ...lines];
}
