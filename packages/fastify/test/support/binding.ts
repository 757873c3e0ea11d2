import type { Gatehouse } from "@gatehousejs/core";
import type { GatehouseHandlerOptions } from "@gatehousejs/http";
import type { BindingFetch } from "@gatehousejs/http/testing";
import Fastify, { type FastifyInstance } from "fastify";
import { gatehousePlugin, requireAuth, requirePermission } from "../../src/index.js";

/**
 * Fastify's `trustProxy` of the layer's, as a number of proxy hops (the entries of X-Forwarded-For the
 * proxies wrote, from the right): Fastify, as Express, trusts X-Forwarded-For only.
 */
function trustProxyOf(
  trustProxy: GatehouseHandlerOptions["trustProxy"],
): (_: string, hop: number) => boolean {
  let hops = 0;
  if (trustProxy === true || trustProxy === "x-forwarded-for") hops = 1;
  else if (typeof trustProxy === "object" && trustProxy.header === "x-forwarded-for")
    hops = trustProxy.hops ?? 1;
  else if (trustProxy) throw new Error("Fastify trusts X-Forwarded-For only");
  return (_address, hop) => hop < hops;
}

/** The app of the binding: the plugin under the base path, and the probe routes behind its guards. */
export async function fastifyApp(
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions & { basePath: string },
): Promise<FastifyInstance> {
  const { trustProxy, clientAddress: _ignored, ...rest } = options;
  const app = Fastify({ trustProxy: trustProxyOf(trustProxy) });
  await app.register(gatehousePlugin, { gatehouse, ...rest });
  app.get("/api/me", { preHandler: requireAuth() }, async (request) => ({
    id: request.auth.user?.id,
    stage: request.auth.stage,
  }));
  app.get(
    "/api/users-page",
    { preHandler: requirePermission("platform.user-management", "view") },
    async (request) => ({
      canDelete: request.auth.can("platform.user-management", "delete"),
      canEdit: request.auth.can("platform.user-management", "edit"),
    }),
  );
  app.delete(
    "/api/accounts/:id",
    { preHandler: requirePermission("platform.user-management", "delete") },
    async (_request, reply) => reply.code(204).send(),
  );
  app.get("/api/whoami", async (request) => ({
    user: request.auth.user?.email ?? null,
    can: request.auth.can("platform.user-management", "view"),
  }));
  app.post("/api/echo", async (request) => ({ user: request.auth.user?.email ?? null, body: request.body }));
  await app.ready();
  return app;
}

/**
 * The Fastify binding as `describeHttpBinding` drives it, through `inject`: the suite's peer address is the
 * socket's (`remoteAddress`), so `request.ip` keys the throttles and Fastify's `trustProxy` governs it.
 */
export async function fastifyBinding(
  gatehouse: Gatehouse,
  options: GatehouseHandlerOptions & { basePath: string },
): Promise<BindingFetch> {
  const app = await fastifyApp(gatehouse, options);
  return async (request, peer) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const res = await app.inject({
      method: request.method as "GET",
      url: `${url.pathname}${url.search}`,
      headers,
      ...(body !== undefined && { payload: body }),
      remoteAddress: peer.clientAddress,
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) out.append(name, String(item));
    }
    const payload = res.statusCode === 204 || res.statusCode === 304 ? null : res.rawPayload;
    return new Response(payload, { status: res.statusCode, headers: out });
  };
}
