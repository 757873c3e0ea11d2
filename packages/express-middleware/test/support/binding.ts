import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Gatehouse } from "@gatehousejs/core";
import type { GatehouseHandlerOptions } from "@gatehousejs/http";
import type { BindingFetch } from "@gatehousejs/http/testing";
import express from "express";
import {
  type GatehouseRouterOptions,
  gatehouseErrorHandler,
  gatehouseMiddleware,
  gatehouseRouter,
  requireAuth,
  requirePermission,
} from "../../src/index.js";

/** The router options of the layer's options (Express takes forwarded headers from its "trust proxy"). */
function routerOptionsOf(options: GatehouseHandlerOptions): GatehouseRouterOptions {
  const csrf = options.csrf;
  return {
    cookieName: options.cookie?.name,
    cookiePath: options.cookie?.path,
    secure: options.cookie?.secure,
    sameSite: options.cookie?.sameSite,
    csrf: csrf !== false,
    allowedOrigins: typeof csrf === "object" ? csrf.allowedOrigins : undefined,
    csrfToken: typeof csrf === "object" ? csrf.doubleSubmit : undefined,
    ...(options.bodyLimitBytes !== undefined && { bodyLimit: options.bodyLimitBytes }),
    ...(options.exposeToken !== undefined && { exposeToken: options.exposeToken }),
    ...(options.rateLimiter !== undefined && { rateLimiter: options.rateLimiter }),
    ...(options.throttles !== undefined && { throttles: options.throttles }),
    ...(options.sso !== undefined && { sso: options.sso }),
    ...(options.staff !== undefined && { staff: options.staff }),
  };
}

/**
 * The Express binding as `describeHttpBinding` drives it: the middleware, the router under the base path, the
 * probe routes behind the package's guards, and the error handler, on a real server. The suite's peer address
 * becomes the socket's (through a header only this test app reads), so `req.ip` keys the throttles.
 */
export function expressBinding(
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions & { basePath: string },
) {
  const { trustProxy } = options;
  const app = express();
  if (trustProxy === true || trustProxy === "x-forwarded-for") app.set("trust proxy", 1);
  else if (typeof trustProxy === "object" && trustProxy.header === "x-forwarded-for") {
    app.set("trust proxy", trustProxy.hops ?? 1);
  } else if (trustProxy) throw new Error("Express trusts X-Forwarded-For only");
  app.use((req, _res, next) => {
    const peer = req.headers["x-test-peer"];
    delete req.headers["x-test-peer"];
    Object.defineProperty(req.socket, "remoteAddress", { value: peer, configurable: true });
    next();
  });
  const routerOptions = routerOptionsOf(options);
  app.use(gatehouseMiddleware(gatehouse, routerOptions));
  app.use(options.basePath, gatehouseRouter(gatehouse, routerOptions));
  app.get("/api/me", requireAuth(), (req, res) => {
    res.json({ id: req.auth.user?.id, stage: req.auth.stage });
  });
  app.get("/api/users-page", requirePermission("platform.user-management", "view"), (req, res) => {
    res.json({
      canDelete: req.auth.can("platform.user-management", "delete"),
      canEdit: req.auth.can("platform.user-management", "edit"),
    });
  });
  app.delete("/api/accounts/:id", requirePermission("platform.user-management", "delete"), (_req, res) => {
    res.status(204).end();
  });
  app.get("/api/whoami", (req, res) => {
    res.json({ user: req.auth.user?.email ?? null, can: req.auth.can("platform.user-management", "view") });
  });
  app.post("/api/echo", express.json(), (req, res) => {
    res.json({ user: req.auth.user?.email ?? null, body: req.body });
  });
  app.use(gatehouseErrorHandler());

  const server = app.listen(0, "127.0.0.1");
  server.unref();
  const ready = new Promise<number>((resolve) =>
    server.once("listening", () => resolve((server.address() as AddressInfo).port)),
  );
  const fetch: BindingFetch = async (request, peer) => send(await ready, request, peer.clientAddress);
  return fetch;
}

/** Sends a Fetch request to the server over HTTP/1.1 with its headers as they are (Host included). */
async function send(port: number, request: Request, peer: string): Promise<Response> {
  const url = new URL(request.url);
  const body = request.body === null ? null : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = { host: url.host, "x-test-peer": peer, connection: "close" };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (body !== null) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method: request.method, path: `${url.pathname}${url.search}`, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) out.append(name, item);
          }
          const status = res.statusCode ?? 500;
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(payload, { status, headers: out }));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}
