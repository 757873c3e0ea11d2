import { GatehouseError, timingSafeEqualString } from "@gatehousejs/core";
import type { Request } from "express";
import { HttpProblem } from "./problem.js";
import { csrfTokenFor } from "./state.js";

/** The CSRF rules, resolved once from the middleware's options. */
export interface CsrfSettings {
  readonly enabled: boolean;
  /** Exact origins (`scheme://host[:port]`) allowed besides the request's own host. */
  readonly allowedOrigins: ReadonlySet<string>;
  /** The header of the double-submit token, or `null` when that mode is off. */
  readonly tokenHeader: string | null;
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
 * Refuses a cross-site state-changing request (403, code `CSRF`). A request that carries the session cookie
 * must show it comes from this site: `Sec-Fetch-Site: same-origin` (or `none`, typed by the user), an `Origin`
 * of this host or of the allow-list, or, in double-submit mode, the session's CSRF token in the header.
 * A request without the cookie has no session to ride on; it is still refused when the browser says it is
 * cross-site, so another site cannot sign a victim into the attacker's account (login CSRF).
 */
export function checkCsrf(req: Request, settings: CsrfSettings, sessionToken: string | null): void {
  if (!settings.enabled || SAFE_METHODS.has(req.method)) return;
  const verdict = judgeOrigin(req, settings);
  if (verdict === "same-site") return;
  if (sessionToken === null) {
    if (verdict === "unknown") return;
  } else if (settings.tokenHeader !== null) {
    const sent = req.headers[settings.tokenHeader];
    if (typeof sent === "string" && timingSafeEqualString(sent, csrfTokenFor(sessionToken))) return;
  }
  throw new HttpProblem(
    403,
    "CSRF",
    "This request did not come from a page of this site, so it was refused (cross-site request forgery).",
  );
}

/** What the browser's headers say of the request's origin. */
function judgeOrigin(req: Request, settings: CsrfSettings): "same-site" | "cross-site" | "unknown" {
  const origin = req.headers.origin;
  const allowed = typeof origin === "string" && isAllowedOrigin(req, origin, settings);
  const fetchSite = req.headers["sec-fetch-site"];
  if (typeof fetchSite === "string") {
    // Fetch metadata is set by the browser and cannot be forged by a page: "same-site" is still refused,
    // since a sibling subdomain may be less trusted than this one.
    if (fetchSite === "same-origin" || fetchSite === "none") return "same-site";
    return allowed ? "same-site" : "cross-site";
  }
  if (typeof origin === "string") return allowed ? "same-site" : "cross-site";
  return "unknown";
}

function isAllowedOrigin(req: Request, origin: string, settings: CsrfSettings): boolean {
  if (origin === "null") return false;
  if (settings.allowedOrigins.has(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === req.headers.host) return true;
  // Behind a proxy the app trusts (Express's "trust proxy"), the public host is the forwarded one.
  const forwarded = req.headers["x-forwarded-host"];
  if (typeof forwarded === "string" && req.app?.enabled?.("trust proxy")) {
    return host === forwarded.split(",")[0]?.trim();
  }
  return false;
}
