import { createMemoryStore } from "@gatehousejs/core";
import { describe, expect, test } from "vitest";
import { createGatehouseHandler } from "../src/index.js";
import { createHarness, unique } from "../src/testing/harness.js";
import { describeHttpBinding, ORIGIN } from "../src/testing/index.js";
import { honoApp, honoBinding } from "./support/hono.js";

// Hono uses the Fetch handler directly (no binding package): every route case of the layer through a Hono app
// whose route group mounts the handler and whose own routes sit behind guard middleware using getAuth.
describeHttpBinding({
  name: "Hono 4 on the memory store",
  store: () => createMemoryStore(),
  create: honoBinding,
});

describe("Hono: the route group and the guard middleware", () => {
  const setup = () => createHarness(createMemoryStore(), honoBinding);

  test("the route group serves the layer's routes; paths outside it are Hono's", async () => {
    const h = setup();
    const b = h.browser();
    const session = await b.get("/auth/session");
    expect(session.status).toBe(401);
    expect(session.headers["content-type"]).toMatch(/^application\/problem\+json/);
    // Inside the group an unknown path is the layer's problem; outside, Hono's own notFound.
    expect((await b.get("/auth/nothing-here")).headers["content-type"]).toMatch(/problem\+json/);
    expect((await b.get("/elsewhere")).body).toEqual({ code: "NOT_FOUND" });
    // The group passes every method through, so the layer's 405 (with Allow) reaches the client.
    const wrongMethod = await b.delete("/auth/login");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe("POST");
  });

  test("a guard answers 401 without a session and 403 without the permission, as problem+json", async () => {
    const h = setup();
    const anonymous = await h.browser().get("/api/users-page");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe("UNAUTHENTICATED");
    expect(anonymous.headers["content-type"]).toMatch(/^application\/problem\+json/);

    const { organization, admin } = await h.enterpriseOrg();
    const viewer = await h.onboard(organization.id, admin.actor, `viewer-${unique()}@acme.test`, [
      "platform.viewer",
    ]);
    const asViewer = await h.signIn(viewer.email, viewer.password);
    expect((await asViewer.get("/api/users-page")).status).toBe(200);
    const refused = await asViewer.delete(`/api/accounts/${admin.user.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("FORBIDDEN");
    const asAdmin = await h.signIn(admin.email, admin.password);
    expect((await asAdmin.delete(`/api/accounts/${viewer.user.id}`)).status).toBe(204);
  });

  test("the guard middleware slides the session: the refreshed cookie reaches a host route's answer", async () => {
    const h = setup();
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    const before = b.cookies.get("gatehouse_session");
    h.clock.advance(10 * 60_000);
    const me = await b.get("/api/me");
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: admin.user.id, stage: "authenticated" });
    expect(me.setCookies.some((line) => line.startsWith("gatehouse_session="))).toBe(true);
    expect(b.cookies.get("gatehouse_session")).toBe(before);
  });

  test("a cross-site write to a host route is refused by the session middleware before the route runs", async () => {
    const h = setup();
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    const refused = await b.bare("post", "/api/echo", { origin: "https://evil.example" }, { a: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("CSRF");
    const allowed = await b.bare("post", "/api/echo", { origin: ORIGIN }, { a: 1 });
    expect(allowed.body).toEqual({ user: admin.email, body: { a: 1 } });
  });

  test("app.request() reaches the handler in-process, with the peer's address as Hono's env binding", async () => {
    const h = setup();
    const app = honoApp(
      createGatehouseHandler(h.gatehouse, {
        basePath: "/auth",
        throttles: { "sign-in": { limit: 2, windowMs: 60_000 } },
      }),
      "/auth",
    );
    const login = (address: string) =>
      app.request(
        `${ORIGIN}/auth/login`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "sec-fetch-site": "same-origin" },
          // A new unknown address each time: the service's own per-account limits stay out of the way.
          body: JSON.stringify({ email: `nobody-${unique()}@acme.test`, password: "wrong password at all" }),
        },
        { clientAddress: address },
      );
    expect((await login("198.51.100.7")).status).toBe(401);
    expect((await login("198.51.100.7")).status).toBe(401);
    const limited = await login("198.51.100.7");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    // Another client is not throttled by the first one's attempts.
    expect((await login("198.51.100.8")).status).toBe(401);
  });
});
