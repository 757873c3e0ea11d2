import { type Actor, GatehouseError, ValidationError } from "@gatehousejs/core";
import { stringifySetCookie } from "cookie";
import { type CookieSettings, readCookie, type SetCookies } from "./cookies.js";

/** The handler's `sso` option: where the identity provider sends people back, and where they go next. */
export interface SsoRouteOptions {
  /**
   * The callback's absolute URL as registered at the identity providers (their `redirect_uri`), e.g.
   * `"https://app.example.com/api/auth/sso/callback"`. Set it behind a proxy: by default it is the request's
   * own origin and path of the start route with `/callback` for `/start`.
   */
  callbackUrl?: string;
  /**
   * Where a completed sign-in goes when its start named no `returnTo` (a path of this site).
   * @default "/"
   */
  returnTo?: string;
  /**
   * A page of this site that a refused browser sign-in (start or callback) is sent to, with
   * `?sso_error=<reason>` (`no-connection`, `email-domain`, `state-invalid`, `unreachable`…); `null`: the refusal is
   * answered as problem+json.
   * @default null
   */
  errorPath?: string | null;
  /**
   * The HttpOnly cookie that binds a started sign-in to the browser that started it (SameSite=Lax, so the
   * identity provider's redirect back carries it).
   * @default "gatehouse_sso"
   */
  cookieName?: string;
}

/** The staff or system actor of a request, by the host's own authentication of its operators. */
export type StaffActor = Exclude<Actor, { kind: "member" }>;

/** The resolved SSO settings. */
export interface SsoSettings {
  readonly callbackUrl: string | null;
  readonly returnTo: string;
  readonly errorPath: string | null;
  readonly cookieName: string;
}

/** What a started sign-in keeps in the browser: its state, and the path to return to. */
export interface BoundSignIn {
  readonly state: string;
  readonly returnTo: string;
}

/** Resolves the `sso` option; a return or error path that leaves the site is a configuration error. */
export function resolveSsoSettings(options: SsoRouteOptions | undefined): SsoSettings {
  const returnTo = checkedReturnPath(options?.returnTo ?? "/");
  const errorPath = options?.errorPath == null ? null : checkedReturnPath(options.errorPath);
  if (returnTo === null || (options?.errorPath != null && errorPath === null)) {
    throw new GatehouseError("CONFIGURATION", "sso.returnTo and sso.errorPath are paths of this site (/…).");
  }
  const callbackUrl = options?.callbackUrl ?? null;
  if (callbackUrl !== null && !/^https?:\/\//.test(callbackUrl)) {
    throw new GatehouseError("CONFIGURATION", "sso.callbackUrl is an absolute http(s) URL.");
  }
  return { callbackUrl, returnTo, errorPath, cookieName: options?.cookieName ?? "gatehouse_sso" };
}

const ORIGIN = "https://gatehouse.invalid";

/**
 * The path a sign-in may return to, or `null`: only a relative path of this very site. Anything a browser would
 * read as another origin is refused: `//evil.example` and `/\evil.example` (scheme-relative), `https://…`,
 * `javascript:`, and control characters or whitespace (which browsers strip, turning `/\t/evil` into `//evil`).
 */
export function checkedReturnPath(value: string): string | null {
  if (value.length === 0 || value.length > 2000 || !value.startsWith("/")) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u0020\u007f\\]/.test(value) || value.startsWith("//")) return null;
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The return path a start asks for, checked: an open redirect is a 400, never followed. */
export function requestedReturnPath(value: string | undefined, settings: SsoSettings): string {
  if (value === undefined) return settings.returnTo;
  const path = checkedReturnPath(value);
  if (path === null) {
    const message = "Return to a path of this site (/…), not another address.";
    throw new ValidationError(message, [{ path: ["returnTo"], reason: "not-same-origin", message }]);
  }
  return path;
}

/** Keeps the started sign-in in the browser until its state expires. */
export function bindSignIn(
  jar: SetCookies,
  cookies: CookieSettings,
  settings: SsoSettings,
  bound: BoundSignIn,
  maxAgeSeconds: number,
): void {
  jar.set(
    settings.cookieName,
    stringifySetCookie({
      name: settings.cookieName,
      value: JSON.stringify({ s: bound.state, r: bound.returnTo }),
      maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
      path: cookies.path,
      secure: cookies.secure,
      httpOnly: true,
      // Lax whatever the session cookie's SameSite: the provider's redirect back is a cross-site navigation.
      sameSite: cookies.sameSite === "none" ? "none" : "lax",
    }),
  );
}

/** The sign-in this browser started, or `null` (no cookie, or one that is not ours). */
export function boundSignIn(request: Request, settings: SsoSettings): BoundSignIn | null {
  const value = readCookie(request.headers.get("cookie"), settings.cookieName);
  if (value === null || value.length > 2500) return null;
  try {
    const parsed = JSON.parse(value) as { s?: unknown; r?: unknown };
    if (typeof parsed.s !== "string" || parsed.s.length === 0) return null;
    // Checked again: the cookie is the browser's, and a path planted in it must not redirect away either.
    const returnTo = typeof parsed.r === "string" ? checkedReturnPath(parsed.r) : null;
    return { state: parsed.s, returnTo: returnTo ?? settings.returnTo };
  } catch {
    return null;
  }
}

/** Has the browser drop the sign-in's cookie. */
export function releaseSignIn(jar: SetCookies, cookies: CookieSettings, settings: SsoSettings): void {
  jar.set(
    settings.cookieName,
    stringifySetCookie({
      name: settings.cookieName,
      value: "",
      maxAge: 0,
      path: cookies.path,
      secure: cookies.secure,
      httpOnly: true,
      sameSite: cookies.sameSite === "none" ? "none" : "lax",
    }),
  );
}

/** The callback URL of a request to the start route: the configured one, or the start's own URL's sibling. */
export function callbackUrlOf(request: Request, settings: SsoSettings): string {
  if (settings.callbackUrl !== null) return settings.callbackUrl;
  const url = new URL(request.url);
  return `${url.origin}${url.pathname.replace(/\/start\/?$/, "/callback")}`;
}

/** Where a refused browser sign-in goes: the error page with the refusal's reason (or its code). */
export function errorLocation(errorPath: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    error instanceof GatehouseError && typeof error.details.reason === "string"
      ? error.details.reason
      : typeof code === "string"
        ? code.toLowerCase()
        : "failed";
  const url = new URL(errorPath, ORIGIN);
  url.searchParams.set("sso_error", reason);
  return `${url.pathname}${url.search}${url.hash}`;
}
