import { type Gatehouse, GatehouseError, type RateLimiter } from "@gatehousejs/core";
import {
  createGatehouseHandler,
  type GatehouseHandlerOptions,
  generateOpenApiDocument,
  type SsoRouteOptions,
  sessionOf,
  type ThrottleOptions,
} from "@gatehousejs/http";
import express, { type Router } from "express";
import { mergeSetCookies, rememberService, requestOf, sendResponse, serviceOf } from "./fetch.js";
import { type GatehouseMiddlewareOptions, handlerOptionsOf, sessionMiddleware } from "./middleware.js";
import { type ErrorHandlerOptions, gatehouseErrorHandler } from "./problem.js";

/** Options of {@link gatehouseRouter}: the middleware's cookie and CSRF options, and the routes' own. */
export interface GatehouseRouterOptions extends GatehouseMiddlewareOptions, ErrorHandlerOptions {
  /**
   * The largest JSON body accepted; a larger one is answered 413. Bytes, or a size such as `"100kb"`.
   * @default "100kb"
   */
  bodyLimit?: string | number;
  /**
   * Whether sign-in answers also carry the session token in their body, for clients that cannot hold
   * cookies. Browsers never need it: leave it off and no script can ever read the token.
   * @default false
   */
  exposeToken?: boolean;
  /**
   * Whether the router answers its own errors as problems (with `gatehouseErrorHandler`); turn it off to let
   * them reach the host's error handlers.
   * @default true
   */
  handleErrors?: boolean;
  /**
   * Whether `GET <mount path>/openapi.json` answers the routes' OpenAPI 3.1 document (`generateOpenApiDocument`
   * of `@gatehousejs/http`), its paths under the path the router is mounted at.
   * @default false
   */
  openApi?: boolean;
  /**
   * Where the per-client throttles count (keyed by `req.ip`, which follows Express's "trust proxy").
   * @default createMemoryRateLimiter()
   */
  rateLimiter?: RateLimiter;
  /** The per-client limits (see `defaultThrottles` of `@gatehousejs/http`); `false` turns them off. */
  throttles?: ThrottleOptions;
  /** The SSO routes' callback URL, return path and error page (see `SsoRouteOptions` of `@gatehousejs/http`). */
  sso?: SsoRouteOptions;
  /** Who is platform staff on a request, for the SSO connection routes (see the HTTP layer's `staff`). */
  staff?: GatehouseHandlerOptions["staff"];
}

/**
 * The JSON routes of every flow: sign-in (password, second factor, recovery code), logout, password change
 * and reset, MFA enrolment, recovery code, users, roles and the audit log, served by `@gatehousejs/http`.
 * Mount it under a prefix. When a `gatehouseMiddleware` for the same service runs before it, the router uses
 * its session reading and cookie settings; otherwise it reads the session itself with its own options.
 * @example
 * app.use("/api/auth", gatehouseRouter(gatehouse, { allowedOrigins: ["https://app.example.com"] }));
 */
export function gatehouseRouter(gatehouse: Gatehouse, options: GatehouseRouterOptions = {}): Router {
  const handler = createGatehouseHandler(gatehouse, {
    ...handlerOptionsOf(options),
    bodyLimitBytes: bytesOf(options.bodyLimit ?? "100kb"),
    exposeToken: options.exposeToken === true,
    ...(options.rateLimiter && { rateLimiter: options.rateLimiter }),
    ...(options.throttles !== undefined && { throttles: options.throttles }),
    ...(options.sso !== undefined && { sso: options.sso }),
    ...(options.staff !== undefined && { staff: options.staff }),
  });
  const session = sessionMiddleware(gatehouse, handler);
  const router = express.Router();

  // The document is public and carries no session: answered before any cookie is read. Its paths are under
  // the router's mount path, which only a request tells (`req.baseUrl`); one document per mount path.
  if (options.openApi === true) {
    const documents = new Map<string, string>();
    router.get("/openapi.json", (req, res) => {
      let document = documents.get(req.baseUrl);
      if (document === undefined) {
        document = JSON.stringify(
          generateOpenApiDocument({
            basePath: req.baseUrl,
            cookieName: options.cookieName ?? "gatehouse_session",
            permissions: gatehouse.config.permissions,
          }),
        );
        documents.set(req.baseUrl, document);
      }
      res.setHeader("Cache-Control", "no-cache");
      res.type("application/json; charset=utf-8").send(document);
    });
  }

  // The session (and the CSRF check) comes before the body is even read.
  router.use((req, res, next) => {
    if (serviceOf(req) === gatehouse) next();
    else session(req, res, next);
  });
  router.use(async (req, res, next) => {
    const request = requestOf(req);
    rememberService(req, gatehouse);
    const context = {
      clientAddress: req.ip ?? req.socket.remoteAddress ?? null,
      path: req.path,
      rethrow: true,
    };
    if (!handler.matches(request, context)) return next();
    try {
      await sendResponse(res, await handler(request, context));
    } catch (error) {
      // Session bodies, recovery codes and TOTP secrets must never sit in a shared or browser cache.
      res.setHeader("Cache-Control", "no-store");
      mergeSetCookies(res, sessionOf(request)?.setCookies() ?? []);
      next(error);
    }
  });

  if (options.handleErrors !== false) router.use(gatehouseErrorHandler(options));
  return router;
}

/** A size as bytes: a number, or digits with `b`, `kb`, `mb` (1024-based, as Express's body parser). */
function bytesOf(size: string | number): number {
  if (typeof size === "number") return size;
  const found = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)?\s*$/i.exec(size);
  if (!found) throw new GatehouseError("CONFIGURATION", `bodyLimit: "${size}" is not a size.`);
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[(found[2] ?? "b").toLowerCase() as "b" | "kb" | "mb"];
  return Math.floor(Number(found[1]) * unit);
}
