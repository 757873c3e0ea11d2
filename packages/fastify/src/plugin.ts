import type { Gatehouse } from "@gatehousejs/core";
import {
  createGatehouseHandler,
  type GatehouseHandlerOptions,
  type RequestAuth,
  signedOut,
} from "@gatehousejs/http";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { mergeSetCookies, rememberHead, rememberRequest, STATE, sendResponse } from "./fetch.js";
import "./types.js";

/**
 * Options of {@link gatehousePlugin}: the service, and the HTTP layer's options. The client's address is
 * Fastify's `request.ip`, so Fastify's own `trustProxy` decides whether forwarded headers count.
 */
export interface GatehousePluginOptions
  extends Omit<GatehouseHandlerOptions, "trustProxy" | "clientAddress"> {
  /** The service the routes and the session hook use. */
  gatehouse: Gatehouse;
}

const plugin: FastifyPluginAsync<GatehousePluginOptions> = async (fastify, options) => {
  const { gatehouse, ...rest } = options;
  const basePath = (rest.basePath ?? "").replace(/\/+$/, "");
  const handler = createGatehouseHandler(gatehouse, { ...rest, basePath });

  // null, not an object: Fastify shares a decorator's reference value between requests.
  fastify.decorateRequest("auth", null as never);
  fastify.decorateRequest(STATE, null as never);
  // The session (and the CSRF check) comes before any route, the host's included, and before the body is read.
  fastify.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    request.auth = signedOut as RequestAuth;
    try {
      const { auth, setCookies } = await handler.authenticate(rememberHead(request, handler));
      request.auth = auth;
      mergeSetCookies(reply, setCookies);
    } catch (error) {
      return sendResponse(reply, handler.problem(error, rememberRequest(request, handler)));
    }
  });

  // The routes in a context of their own: the layer reads the raw JSON body (its limit, its strict parse), so
  // no parser of the host's runs on it, and none of this context's parsers reaches the host's routes.
  await fastify.register(async (routes) => {
    routes.removeAllContentTypeParsers();
    routes.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const fetchRequest = rememberRequest(request, handler);
      return sendResponse(reply, await handler(fetchRequest, { clientAddress: request.ip }));
    };
    routes.all(`${basePath}/*`, serve);
    if (basePath !== "") routes.all(basePath, serve);
  });
};

/**
 * The Fastify plugin of Gatehouse: every flow's JSON routes under `basePath`, and on every request of the
 * app a typed `request.auth` (the session cookie read and slid, stale cookies cleared, cross-site writes
 * refused with 403 CSRF). Guard the host's routes with `requireAuth` and `requirePermission` as `preHandler`s.
 * @example
 * await app.register(gatehousePlugin, { gatehouse, basePath: "/api/auth" });
 * app.get("/api/me", { preHandler: requireAuth() }, async (request) => request.auth.user);
 */
export const gatehousePlugin = fp(plugin, { fastify: "5.x", name: "@gatehousejs/fastify" });
