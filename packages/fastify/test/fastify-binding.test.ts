import {
  type Actor,
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  defaultMatrix,
  generateSecretKey,
} from "@gatehousejs/core";
import { createTestClock, temporaryPasswordFor } from "@gatehousejs/core/testing";
import type { RequestAuth } from "@gatehousejs/http";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { describe, expect, expectTypeOf, test } from "vitest";
import { createGuards, gatehousePlugin, requireAuth, requirePermission } from "../src/index.js";

// What only the Fastify binding does: request.auth as a decorator, guards as preHandlers, the plugin's raw-body
// parser kept to its own routes, and Fastify's trustProxy deciding the public host.

const HOST = "app.example.test";
const staff: Actor = { kind: "staff", id: "staff-1", email: "superadmin@operator.test" };
const system: Actor = { kind: "system", name: "provisioning" };

async function service() {
  const mailer = createMemoryMailer();
  const gatehouse = createGatehouse({
    store: createMemoryStore(),
    mailer,
    clock: createTestClock(new Date("2026-11-23T09:00:00.000Z")),
    secrets: { current: generateSecretKey("k1") },
    links: `https://${HOST}`,
  });
  const organization = await gatehouse.createOrganization(staff, { name: "Acme", preset: "enterprise" });
  const onboard = async (email: string, roles: string[]) => {
    await gatehouse.inviteUsers(system, { organizationId: organization.id, emails: email, roles });
    const password = "lantern orbit quiet meadow";
    const first = await gatehouse.login({ email, password: temporaryPasswordFor(mailer, email) });
    await gatehouse.changePassword({ sessionToken: first.token, newPassword: password });
    return { email, password };
  };
  const admin = await onboard("admin@acme.test", ["platform.administrator"]);
  const viewer = await onboard("viewer@acme.test", ["callback.viewer"]);
  return { gatehouse, admin, viewer };
}

async function cookieOf(app: FastifyInstance, user: { email: string; password: string }): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: "/auth/login",
    headers: { host: HOST, "sec-fetch-site": "same-origin" },
    payload: user,
  });
  expect(res.statusCode).toBe(200);
  const line = [res.headers["set-cookie"]].flat().find((item) => item?.startsWith("gatehouse_session="));
  return String(line).split(";")[0] as string;
}

describe("the Fastify binding", () => {
  test("guards are preHandlers: 401 and 403 as problem+json, the route runs only when they pass", async () => {
    const { gatehouse, admin, viewer } = await service();
    const app = Fastify();
    await app.register(gatehousePlugin, { gatehouse, basePath: "/auth" });
    let reached = 0;
    app.delete(
      "/api/accounts/:id",
      { preHandler: [requireAuth(), requirePermission("platform.user-management", "delete")] },
      async (_request, reply) => {
        reached++;
        return reply.code(204).send();
      },
    );
    const remove = (cookie?: string) =>
      app.inject({
        method: "DELETE",
        url: "/api/accounts/1",
        headers: { host: HOST, "sec-fetch-site": "same-origin", ...(cookie && { cookie }) },
      });
    const anonymous = await remove();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers["content-type"]).toContain("application/problem+json");
    expect(anonymous.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    const forbidden = await remove(await cookieOf(app, viewer));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: "FORBIDDEN" });
    expect(reached).toBe(0);
    expect((await remove(await cookieOf(app, admin))).statusCode).toBe(204);
    expect(reached).toBe(1);
  });

  test("request.auth is typed by the registered matrix; createGuards refuses a pair its matrix lacks", async () => {
    expectTypeOf<FastifyRequest["auth"]>().toEqualTypeOf<RequestAuth>();
    // @ts-expect-error: not a page of the registered (default) matrix
    requirePermission("nowhere.page", "view");
    const guards = createGuards(defaultMatrix);
    expect(typeof guards.requirePermission("platform.user-management", "delete")).toBe("function");
    expect(() => guards.requirePermission("platform.user-management", "fly" as never)).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });

  test("host routes beside the plugin: a static route under the base path wins, and keeps the host's JSON parser", async () => {
    const { gatehouse, admin } = await service();
    const app = Fastify();
    await app.register(gatehousePlugin, { gatehouse, basePath: "/auth" });
    app.post("/auth/custom", async (request) => ({
      host: true,
      body: request.body,
      user: request.auth.user?.email,
    }));
    app.post("/api/echo", async (request) => ({ body: request.body }));
    const cookie = await cookieOf(app, admin);
    const headers = { host: HOST, "sec-fetch-site": "same-origin", cookie };
    const custom = await app.inject({ method: "POST", url: "/auth/custom", headers, payload: { a: 1 } });
    expect(custom.json()).toEqual({ host: true, body: { a: 1 }, user: admin.email });
    const echo = await app.inject({ method: "POST", url: "/api/echo", headers, payload: { b: 2 } });
    expect(echo.json()).toEqual({ body: { b: 2 } });
    const missing = await app.inject({ method: "GET", url: "/auth/nowhere", headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "NOT_FOUND" });
    const outside = await app.inject({ method: "GET", url: "/elsewhere", headers });
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ message: "Route GET:/elsewhere not found" });
  });

  test("a cross-site write to a host route is refused 403 CSRF before the route runs", async () => {
    const { gatehouse, admin } = await service();
    const app = Fastify();
    await app.register(gatehousePlugin, { gatehouse, basePath: "/auth" });
    let reached = false;
    app.post("/api/transfer", async () => {
      reached = true;
      return { ok: true };
    });
    const cookie = await cookieOf(app, admin);
    const res = await app.inject({
      method: "POST",
      url: "/api/transfer",
      headers: { host: HOST, origin: "https://evil.example", cookie },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: "CSRF" });
    expect(reached).toBe(false);
  });

  test("behind a trusted proxy the forwarded host passes the Origin check; untrusted it does not", async () => {
    const { gatehouse, admin } = await service();
    const headers = {
      host: HOST,
      origin: "https://public.example.test",
      "x-forwarded-host": "public.example.test",
    };
    const statusOn = async (trustProxy: boolean) => {
      const app = Fastify({ trustProxy });
      await app.register(gatehousePlugin, { gatehouse, basePath: "/auth" });
      const res = await app.inject({ method: "POST", url: "/auth/login", headers, payload: admin });
      return res.statusCode;
    };
    expect(await statusOn(false)).toBe(403);
    expect(await statusOn(true)).toBe(200);
  });

  test("openApi: true serves the routes' OpenAPI document at <basePath>/openapi.json", async () => {
    const { gatehouse } = await service();
    const app = Fastify();
    await app.register(gatehousePlugin, { gatehouse, basePath: "/auth", openApi: true });
    const res = await app.inject({ method: "GET", url: "/auth/openapi.json", headers: { host: HOST } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ openapi: "3.1.0", paths: { "/auth/login": { post: {} } } });
  });
});
