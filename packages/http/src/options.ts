import { createMemoryRateLimiter, GatehouseError, type RateLimiter } from "@gatehousejs/core";
import { type ProxyRule, resolveTrustProxy, type TrustProxy } from "./client-address.js";
import { type CookieSettings, checkCookieSettings } from "./cookies.js";
import { type CsrfSettings, resolveAllowedOrigins } from "./csrf.js";
import { resolveSsoSettings, type SsoRouteOptions, type SsoSettings, type StaffActor } from "./sso.js";
import { resolveThrottles, type ThrottleLimit, type ThrottleName, type ThrottleOptions } from "./throttle.js";

/** Options of {@link createGatehouseHandler}. */
export interface GatehouseHandlerOptions {
  /**
   * The path the routes are served under, e.g. `"/api/auth"`; a request outside it is answered 404.
   * @default ""
   */
  basePath?: string;
  /** The session cookie. */
  cookie?: {
    /**
     * `__Host-gatehouse_session` pins it to this exact host (needs `secure`).
     * @default "gatehouse_session"
     */
    name?: string;
    /** @default "/" */
    path?: string;
    /**
     * Whether cookies are `Secure`. Only `false` turns it off, for local HTTP development.
     * @default true
     */
    secure?: boolean;
    /** @default "lax" */
    sameSite?: "lax" | "strict" | "none";
  };
  /**
   * Whether cookie-authenticated writes must prove they come from this site (Fetch Metadata or Origin), which
   * other origins may send them, and the optional double-submit token for browsers that send neither header.
   * `false` only when the host checks CSRF itself.
   * @default true
   */
  csrf?:
    | boolean
    | {
        allowedOrigins?: readonly string[];
        /** `true`: the readable cookie `gatehouse_csrf` and the header `x-csrf-token`. */
        doubleSubmit?: boolean | { cookieName?: string; headerName?: string };
      };
  /**
   * The largest JSON body read; a larger one is answered 413.
   * @default 102400
   */
  bodyLimitBytes?: number;
  /**
   * Whether sign-in answers also carry the session token in their body, for clients that cannot hold cookies.
   * @default false
   */
  exposeToken?: boolean;
  /**
   * The prefix of every problem's `type`.
   * @default "urn:gatehouse:problem:"
   */
  typeBase?: string;
  /** Called with every error answered as a 5xx (log it there): the response never carries its message. */
  onError?: (error: unknown, request: Request) => void;
  /**
   * Where the per-client throttles count; pass a shared one (`createRedisRateLimiter`) when several app
   * instances serve the routes.
   * @default createMemoryRateLimiter()
   */
  rateLimiter?: RateLimiter;
  /** The per-client limits (see `defaultThrottles`); `false` turns them all off. */
  throttles?: ThrottleOptions;
  /**
   * Which forwarded header names the client (and whether `X-Forwarded-Host` names the public host). Only
   * behind a proxy of the host that sets or overwrites that header: anyone else can write it.
   * @default false
   */
  trustProxy?: TrustProxy;
  /**
   * The client's address when the binding cannot pass it per request (see `HandlerContext.clientAddress`).
   * Without an address from either, or from a trusted header, the per-client throttles do not apply.
   */
  clientAddress?: (request: Request) => string | null | undefined;
  /**
   * Whether `GET <basePath>/openapi.json` answers the routes' OpenAPI 3.1 document (see
   * `generateOpenApiDocument`), e.g. for a client generator or an API explorer.
   * @default false
   */
  openApi?: boolean;
  /** The SSO routes' callback URL, return path and error page (see `SsoRouteOptions`). */
  sso?: SsoRouteOptions;
  /**
   * Who is platform staff on a request, by the host's own authentication of its operators (never a member's
   * session): the SSO connection routes act as that actor. Without it only members call them, which the service
   * allows when `sso.managedBy` is `"organization"`. Authenticate staff by a header (a bearer token), not by a
   * cookie another site could ride on.
   * @example staff: (request) => (isOperator(request) ? { kind: "staff", id: "ops-1" } : null)
   */
  staff?: (request: Request) => StaffActor | null | Promise<StaffActor | null>;
}

/** The options, resolved and checked once. */
export interface HandlerSettings {
  readonly basePath: string;
  readonly cookies: CookieSettings;
  readonly csrf: CsrfSettings;
  readonly bodyLimitBytes: number;
  readonly exposeToken: boolean;
  readonly typeBase: string;
  readonly onError: ((error: unknown, request: Request) => void) | null;
  readonly rateLimiter: RateLimiter;
  readonly throttles: ReadonlyMap<ThrottleName, ThrottleLimit>;
  readonly proxy: ProxyRule | null;
  readonly clientAddress: ((request: Request) => string | null | undefined) | null;
  readonly openApi: boolean;
  readonly sso: SsoSettings;
  readonly staff: ((request: Request) => StaffActor | null | Promise<StaffActor | null>) | null;
}

/** Resolves and checks the options; a misconfiguration throws a CONFIGURATION error at once. */
export function resolveHandlerSettings(options: GatehouseHandlerOptions): HandlerSettings {
  const csrfOption = typeof options.csrf === "object" ? options.csrf : {};
  const double = csrfOption.doubleSubmit === true ? {} : csrfOption.doubleSubmit || null;
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  if (basePath !== "" && !basePath.startsWith("/")) {
    throw new GatehouseError("CONFIGURATION", "basePath must start with /.");
  }
  const bodyLimitBytes = options.bodyLimitBytes ?? 100 * 1024;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 1) {
    throw new GatehouseError("CONFIGURATION", "bodyLimitBytes must be a whole number of bytes.");
  }
  const proxy = resolveTrustProxy(options.trustProxy);
  return {
    basePath,
    cookies: checkCookieSettings({
      name: options.cookie?.name ?? "gatehouse_session",
      path: options.cookie?.path ?? "/",
      secure: options.cookie?.secure !== false,
      sameSite: options.cookie?.sameSite ?? "lax",
      csrfCookieName: double ? (double.cookieName ?? "gatehouse_csrf") : null,
    }),
    csrf: {
      enabled: options.csrf !== false,
      allowedOrigins: resolveAllowedOrigins(csrfOption.allowedOrigins ?? []),
      tokenHeader: double ? (double.headerName ?? "x-csrf-token").toLowerCase() : null,
      trustForwardedHost: proxy !== null,
    },
    bodyLimitBytes,
    exposeToken: options.exposeToken === true,
    typeBase: options.typeBase ?? "urn:gatehouse:problem:",
    onError: options.onError ?? null,
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(),
    throttles: resolveThrottles(options.throttles),
    openApi: options.openApi === true,
    sso: resolveSsoSettings(options.sso),
    staff: options.staff ?? null,
    proxy,
    clientAddress: options.clientAddress ?? null,
  };
}
