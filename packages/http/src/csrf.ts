import { GatehouseError, hashToken, timingSafeEqualString } from "@gatehousejs/core";
import { HttpProblem } from "./problem.js";
import type { RequestHead } from "./session.js";

/** The CSRF rules, resolved once from the handler's options. */
export interface CsrfSettings {
  readonly enabled: boolean;
  /** Exact origins (`scheme://host[:port]`) allowed besides the request's own host. */
  readonly allowedOrigins: ReadonlySet<string>;
  /** The header of the double-submit token (lower case), or `null` when that mode is off. */
  readonly tokenHeader: string | null;
  /** Whether `X-Forwarded-Host` names the public host (only behind a proxy the host trusts). */
  readonly trustForwardedHost: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Normalises the allow-list to exact origins; an entry that is not an origin is a configuration error. */
export function resolveAllowedOrigins(origins: readonly string[]): ReadonlySet<string> {
  const set = new Set<string>();
  for (const entry of origins) {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      throw new GatehouseError("CONFIGURATION", `allowedOrigins: "${entry}" is not a URL origin.`);
    }
    if (origin === "null")
      throw new GatehouseError("CONFIGURATION", `allowedOrigins: "${entry}" has no origin.`);
    set.add(origin);
  }
  return set;
}

/**
 * The double-submit CSRF token of a session: a hash of its token, so it is bound to the session, a cookie
 * planted by a sibling subdomain cannot forge it, and it reveals nothing of the token itself.
 */
export function csrfTokenFor(sessionToken: string): string {
  return hashToken(`gatehouse-csrf:${sessionToken}`);
}

/**
 * Refuses a cross-site state-changing request (403, code `CSRF`). A request that carries the session cookie
 * must show it comes from this site: `Sec-Fetch-Site: same-origin` (or `none`, typed by the user), an `Origin`
 * of this host or of the allow-list, or, in double-submit mode, the session's CSRF token in the header.
 * A request without the cookie has no session to ride on; it is still refused when the browser says it is
 * cross-site, so another site cannot sign a victim into the attacker's account (login CSRF).
 */
export function checkCsrf(request: RequestHead, settings: CsrfSettings, sessionToken: string | null): void {
  if (!settings.enabled || SAFE_METHODS.has(request.method)) return;
  const verdict = judgeOrigin(request, settings);
  if (verdict === "same-site") return;
  if (sessionToken === null) {
    if (verdict === "unknown") return;
  } else if (settings.tokenHeader !== null) {
    const sent = request.headers.get(settings.tokenHeader);
    if (sent !== null && timingSafeEqualString(sent, csrfTokenFor(sessionToken))) return;
  }
  throw new HttpProblem(
    403,
    "CSRF",
    "This request did not come from a page of this site, so it was refused (cross-site request forgery).",
  );
}

/** What the browser's headers say of the request's origin. */
function judgeOrigin(request: RequestHead, settings: CsrfSettings): "same-site" | "cross-site" | "unknown" {
  const origin = request.headers.get("origin");
  const allowed = origin !== null && isAllowedOrigin(request, origin, settings);
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null) {
    // Fetch metadata is set by the browser and cannot be forged by a page: "same-site" is still refused,
    // since a sibling subdomain may be less trusted than this one.
    if (fetchSite === "same-origin" || fetchSite === "none") return "same-site";
    return allowed ? "same-site" : "cross-site";
  }
  if (origin !== null) return allowed ? "same-site" : "cross-site";
  return "unknown";
}

function isAllowedOrigin(request: RequestHead, origin: string, settings: CsrfSettings): boolean {
  if (origin === "null") return false;
  if (settings.allowedOrigins.has(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  // A binding builds the URL from the Host header; a Host header the runtime kept says the same.
  if (host === new URL(request.url).host || host === request.headers.get("host")) return true;
  // Behind a proxy the host trusts (`trustProxy`), the public host is the forwarded one.
  const forwarded = request.headers.get("x-forwarded-host");
  if (forwarded !== null && settings.trustForwardedHost) return host === forwarded.split(",")[0]?.trim();
  return false;
}
