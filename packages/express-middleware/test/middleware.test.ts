import { createMemoryStore, defaultMatrix, StorageUnavailableError, type Store } from "@gatehousejs/core";
import express from "express";
import request from "supertest";
import { describe, expect, test } from "vitest";
import {
  createGuards,
  endSessionCookie,
  gatehouseErrorHandler,
  gatehouseMiddleware,
  issueSessionCookie,
  requirePermission,
  sessionTokenOf,
} from "../src/index.js";
import { setCookieOf } from "./support/client.js";
import { MINUTE, setup } from "./support/service.js";

describe("the session cookie", () => {
  test("secure: false drops Secure (local HTTP); the name and path are configurable", async () => {
    const h = setup({ router: { secure: false, cookieName: "sid", cookiePath: "/app" } });
    const { admin } = await h.enterpriseOrg();
    const res = await h.browser().post("/auth/login", { email: admin.email, password: admin.password });
    expect(res.status).toBe(200);
    const cookie = setCookieOf(res, "sid") ?? "";
    expect(cookie).toMatch(
      /^sid=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/app; HttpOnly; SameSite=Lax$/,
    );
    expect(cookie).not.toMatch(/Secure/);
  });

  test("sameSite strict is honoured; anything but secure: false keeps Secure", async () => {
    const h = setup({ router: { sameSite: "strict", secure: undefined } });
    const { admin } = await h.enterpriseOrg();
    const res = await h.browser().post("/auth/login", { email: admin.email, password: admin.password });
    expect(setCookieOf(res, "gatehouse_session")).toMatch(/; Secure; SameSite=Strict$/);
  });

  test("a pending stage gets a cookie as short as its session (10 minutes)", async () => {
    const h = setup();
    const { organization, admin } = await h.enterpriseOrg();
    const email = "pending@acme.test";
    await h.gatehouse.inviteUsers(admin.actor, {
      organizationId: organization.id,
      emails: email,
      roles: ["platform.viewer"],
    });
    const res = await h.browser().post("/auth/login", { email, password: h.temporaryPassword(email) });
    expect(res.body.stage).toBe("password-change");
    expect(setCookieOf(res, "gatehouse_session")).toMatch(/Max-Age=600/);
  });

  test("a stale or forged cookie is cleared and the request goes on signed out", async () => {
    const h = setup();
    const b = h.browser();
    b.cookies.set("gatehouse_session", "A".repeat(43));
    const res = await b.get("/api/whoami");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: null, can: false });
    expect(setCookieOf(res, "gatehouse_session")).toMatch(/Max-Age=0/);
  });

  test("the absolute lifetime ends a session however active (12 hours); Max-Age never passes it", async () => {
    const h = setup();
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    for (let i = 0; i < 70; i++) {
      h.clock.advance(10 * MINUTE);
      expect((await b.get("/api/me")).status).toBe(200);
    }
    h.clock.advance(10 * MINUTE);
    const last = await b.get("/api/me");
    expect(last.status).toBe(200);
    // Ten minutes before the absolute deadline, the idle deadline would pass it: the cookie stops there.
    expect(setCookieOf(last, "gatehouse_session")).toMatch(/Max-Age=600;/);
    h.clock.advance(10 * MINUTE);
    expect((await b.get("/api/me")).status).toBe(401);
  });
});

describe("req.auth", () => {
  test("carries the public user, the stage, the session times and can()", async () => {
    const h = setup();
    const { admin, organization } = await h.enterpriseOrg();
    h.app.get("/probe", (req, res) => {
      const { auth } = req;
      res.json({
        user: auth.user,
        stage: auth.stage,
        session: auth.session,
        organization: auth.organization?.id,
        canDelete: auth.can("platform.user-management", "delete"),
        canExport: auth.can("callback.exports", "export-audit"),
      });
    });
    const b = await h.signIn(admin.email, admin.password);
    const res = await b.get("/probe");
    expect(res.body).toMatchObject({
      user: { id: admin.user.id, email: admin.email, mfa: { totp: false } },
      stage: "authenticated",
      session: { stage: "authenticated", secondFactorVerified: false },
      organization: organization.id,
      canDelete: true,
      canExport: true,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|tokenHash|Sealed/);
  });

  test("a pending stage can do nothing, whatever its roles", async () => {
    const h = setup();
    const { organization, admin } = await h.enterpriseOrg();
    const email = "newadmin@acme.test";
    await h.gatehouse.inviteUsers(admin.actor, {
      organizationId: organization.id,
      emails: email,
      roles: ["platform.administrator"],
    });
    const b = h.browser();
    await b.post("/auth/login", { email, password: h.temporaryPassword(email) });
    expect((await b.get("/api/whoami")).body).toEqual({ user: email, can: false });
    expect((await b.get("/auth/session")).body).toMatchObject({ stage: "password-change", permissions: [] });
  });
});

describe("helpers for a host's own pages", () => {
  test("issueSessionCookie and endSessionCookie write the cookie with the middleware's settings", async () => {
    const h = setup({ router: { cookieName: "sid", secure: false } });
    const { admin } = await h.enterpriseOrg();
    h.app.post("/own/login", express.urlencoded({ extended: false }), async (req, res, next) => {
      try {
        const issued = await h.gatehouse.login({ email: req.body.email, password: req.body.password });
        issueSessionCookie(req, res, issued);
        res.redirect(303, "/");
      } catch (error) {
        next(error);
      }
    });
    h.app.post("/own/logout", async (req, res) => {
      await h.gatehouse.logout({ sessionToken: sessionTokenOf(req) ?? "" });
      endSessionCookie(req, res);
      res.redirect(303, "/");
    });
    const b = h.browser();
    const res = await b.post(
      "/own/login",
      `email=${encodeURIComponent(admin.email)}&password=${encodeURIComponent(admin.password)}`,
      {
        "content-type": "application/x-www-form-urlencoded",
      },
    );
    expect(res.status).toBe(303);
    expect(setCookieOf(res, "sid")).toMatch(
      /^sid=[\w-]+\.[\w-]{43}; Max-Age=900; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect((await b.get("/api/me")).status).toBe(200);
    const out = await b.post("/own/logout");
    expect(setCookieOf(out, "sid")).toMatch(/Max-Age=0/);
    expect((await b.get("/api/me")).status).toBe(401);
  });
});

describe("double-submit CSRF token mode", () => {
  test("a readable CSRF cookie bound to the session lets old browsers write with the x-csrf-token header", async () => {
    const h = setup({ router: { csrfToken: true } });
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    const csrf = b.cookies.get("gatehouse_csrf") as string;
    expect(csrf).toMatch(/^[0-9a-f]{64}$/);
    const noHeaders = await b.bare("post", "/api/echo", {}, { a: 1 });
    expect(noHeaders.status).toBe(403);
    const wrong = await b.bare("post", "/api/echo", { "x-csrf-token": "f".repeat(64) }, { a: 1 });
    expect(wrong.status).toBe(403);
    const ok = await b.bare("post", "/api/echo", { "x-csrf-token": csrf }, { a: 1 });
    expect(ok.status).toBe(200);
    // A CSRF cookie lost or planted by a sibling site is replaced by the right one.
    b.cookies.set("gatehouse_csrf", "planted");
    const again = await b.get("/api/me");
    expect(setCookieOf(again, "gatehouse_csrf")).toBe(
      `gatehouse_csrf=${csrf}; Max-Age=900; Path=/; Secure; SameSite=Lax`,
    );
    const out = await b.post("/auth/logout");
    expect(setCookieOf(out, "gatehouse_csrf")).toMatch(/Max-Age=0/);
  });

  test("the token of one session does not pass for another", async () => {
    const h = setup({ router: { csrfToken: { cookieName: "xsrf", headerName: "X-XSRF-Token" } } });
    const { admin } = await h.enterpriseOrg();
    const first = await h.signIn(admin.email, admin.password);
    const second = await h.signIn(admin.email, admin.password);
    const stolen = first.cookies.get("xsrf") as string;
    expect((await second.bare("post", "/api/echo", { "x-xsrf-token": stolen }, {})).status).toBe(403);
    const own = second.cookies.get("xsrf") as string;
    expect((await second.bare("post", "/api/echo", { "x-xsrf-token": own }, {})).status).toBe(200);
  });

  test("csrf: false turns the check off (the host checks CSRF itself)", async () => {
    const h = setup({ router: { csrf: false } });
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    expect((await b.bare("post", "/api/echo", { origin: "https://evil.example" }, {})).status).toBe(200);
  });
});

describe("options are checked at once", () => {
  test("SameSite=None without Secure, a bad cookie name, a bad origin, a bad path", () => {
    const { gatehouse } = setup();
    expect(() => gatehouseMiddleware(gatehouse, { sameSite: "none", secure: false })).toThrow(/secure/);
    expect(() => gatehouseMiddleware(gatehouse, { cookieName: "a b" })).toThrow(/cookie name/);
    expect(() => gatehouseMiddleware(gatehouse, { allowedOrigins: ["example.com"] })).toThrow(/origin/);
    expect(() => gatehouseMiddleware(gatehouse, { cookiePath: "app" })).toThrow(/cookiePath/);
    expect(() => gatehouseMiddleware(gatehouse, { cookieName: "__Host-sid", cookiePath: "/x" })).toThrow(
      /__Host-/,
    );
  });

  test("createGuards refuses a pair its matrix lacks when the guard is created", () => {
    const { requirePermission: guard } = createGuards(defaultMatrix);
    expect(() => guard("platform.user-management", "fly" as "view")).toThrow(/fly/);
    expect(() => guard("platform.user-management", "delete")).not.toThrow();
  });
});

describe("guards and errors", () => {
  test("createGuards' guards work like the registered ones", async () => {
    const h = setup();
    const { requirePermission: guard, requireAuth: signedIn } = createGuards(defaultMatrix);
    h.app.get("/typed", guard("platform.application-roles", "delete"), (_req, res) => {
      res.json({ ok: true });
    });
    h.app.get("/pending-ok", signedIn({ stages: ["authenticated", "password-change"] }), (_req, res) => {
      res.json({ ok: true });
    });
    h.app.use(gatehouseErrorHandler());
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    expect((await b.get("/typed")).status).toBe(200);
    expect((await h.browser().get("/typed")).status).toBe(401);
    expect((await b.get("/pending-ok")).status).toBe(200);
  });

  test("a permission the service's matrix lacks is a 500 CONFIGURATION, not a silent 403", async () => {
    const h = setup();
    h.app.get(
      "/misconfigured",
      requirePermission("platform.user-management", "fly" as "view"),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    h.app.use(gatehouseErrorHandler());
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    const res = await b.get("/misconfigured");
    expect(res.status).toBe(500);
    expect(res.body.code).toBe("INTERNAL");
  });

  test("a guard without the middleware in front is a 500, never an open door", async () => {
    const app = express();
    app.get("/x", requirePermission("platform.user-management", "view"), (_req, res) => {
      res.json({ ok: true });
    });
    const errors: unknown[] = [];
    app.use(gatehouseErrorHandler({ onError: (error) => errors.push(error) }));
    const res = await request(app).get("/x");
    expect(res.status).toBe(500);
    expect(errors).toHaveLength(1);
  });

  test("an unknown error is a 500 problem without its message or stack", async () => {
    const h = setup();
    const res = await h.browser().get("/api/boom");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: "urn:gatehouse:problem:internal",
      title: "Internal Server Error",
      status: 500,
      code: "INTERNAL",
      detail: "Something went wrong on our side. Try again later.",
    });
    expect(res.text).not.toMatch(/hunter2|db\.internal|at /);
  });

  test("a store outage is a 503 that fails closed: no session is taken for valid", async () => {
    const h = setup();
    const { admin } = await h.enterpriseOrg();
    const b = await h.signIn(admin.email, admin.password);
    const failing = h.store as Store;
    const findCurrent = failing.sessions.findCurrent;
    failing.sessions.findCurrent = async () => {
      throw new StorageUnavailableError("redis://10.0.0.7:6379 timed out", new Error("ETIMEDOUT"));
    };
    const res = await b.get("/api/users-page");
    failing.sessions.findCurrent = findCurrent;
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    expect(res.text).not.toMatch(/10\.0\.0\.7/);
  });

  test("a body the parser cannot read is answered by its status: 415 for an unsupported charset", async () => {
    const h = setup();
    const res = await h.browser().post("/auth/login", '{"email":"a@b.test","password":"x"}', {
      "content-type": "application/json; charset=koi8-r",
    });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported Media Type" });
  });

  test("the problem type base and the error log are configurable", async () => {
    const app = express();
    const store = createMemoryStore();
    app.get("/x", () => {
      throw new Error("boom");
    });
    const seen: unknown[] = [];
    app.use(
      gatehouseErrorHandler({ typeBase: "https://errors.example.test/", onError: (e) => seen.push(e) }),
    );
    const res = await request(app).get("/x");
    expect(res.body.type).toBe("https://errors.example.test/internal");
    expect(seen).toHaveLength(1);
    expect(store).toBeDefined();
  });
});
