import {
  createArgon2Hasher,
  createGatehouse,
  createMemoryMailer,
  createMemoryStore,
  generateSecretKey,
} from "@gatehousejs/core";
import { generateOpenApiDocument } from "@gatehousejs/http";
import { describe, expect, test } from "vitest";
import { AUTH_PATH, createApp } from "../src/app.ts";
import { operationsOf } from "../src/reference.ts";
import { seedDemo } from "../src/seed.ts";

// The example in-process, through Hono's app.request(): no socket, no port.
const ORIGIN = "http://127.0.0.1:3001";

async function demo() {
  const mailer = createMemoryMailer();
  const gatehouse = createGatehouse({
    store: createMemoryStore(),
    mailer,
    // A cheap argon2id: the tests sign in a few times, the cost is not what they test.
    hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    secrets: { current: generateSecretKey("test") },
    links: ORIGIN,
  });
  const accounts = await seedDemo(gatehouse, mailer);
  const app = createApp({ gatehouse, secureCookies: false, clientAddress: () => "203.0.113.5" });
  /** Sends a request as a page of the app would (same origin), with a cookie jar of one cookie. */
  const send = (path: string, init: RequestInit = {}, cookie?: string) => {
    const headers = new Headers(init.headers);
    headers.set("sec-fetch-site", "same-origin");
    if (cookie) headers.set("cookie", cookie);
    return app.request(`${ORIGIN}${path}`, { ...init, headers });
  };
  const signIn = async (account: { email: string; password: string }) => {
    const res = await send(`${AUTH_PATH}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(account),
    });
    expect(res.status).toBe(200);
    // One line per cookie: the route group's answer is the handler's alone.
    expect(res.headers.getSetCookie().filter((l) => l.startsWith("gatehouse_session="))).toHaveLength(1);
    const line = res.headers.getSetCookie().find((l) => l.startsWith("gatehouse_session="));
    if (!line) throw new Error("no session cookie");
    return line.split(";")[0] as string;
  };
  return { app, gatehouse, accounts, send, signIn };
}

describe("the JSON API of the handler, in a Hono route group", () => {
  test("sign in, read the session, sign out", async () => {
    const { accounts, send, signIn } = await demo();
    const cookie = await signIn(accounts.admin);
    const session = await send(`${AUTH_PATH}/session`, {}, cookie);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({
      user: { email: accounts.admin.email },
      stage: "authenticated",
    });
    expect((await send(`${AUTH_PATH}/logout`, { method: "POST" }, cookie)).status).toBe(204);
    expect((await send(`${AUTH_PATH}/session`, {}, cookie)).status).toBe(401);
  });

  test("a wrong password is a 401 problem; the document is served at openapi.json", async () => {
    const { accounts, send } = await demo();
    const wrong = await send(`${AUTH_PATH}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: accounts.admin.email, password: "not the password at all" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const served = await send(`${AUTH_PATH}/openapi.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ openapi: "3.1.0" });
  });
});

describe("the app's own guarded route", () => {
  test("GET /api/team: 401 signed out, 403 without the permission, the team with it", async () => {
    const { accounts, send, signIn } = await demo();
    const anonymous = await send("/api/team");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "UNAUTHENTICATED" });

    const asTeammate = await send("/api/team", {}, await signIn(accounts.teammate));
    expect(asTeammate.status).toBe(403);
    expect(await asTeammate.json()).toMatchObject({ code: "FORBIDDEN" });

    const asAdmin = await send("/api/team", {}, await signIn(accounts.admin));
    expect(asAdmin.status).toBe(200);
    const team = (await asAdmin.json()) as { organization: string; members: { email: string }[] };
    expect(team.organization).toBe("Acme");
    expect(team.members.map((m) => m.email).sort()).toEqual([accounts.admin.email, accounts.teammate.email]);
  });
});

describe("the API reference page", () => {
  test("one row per operation of the document, with stage, permission, throttle and error codes", async () => {
    const { app, gatehouse } = await demo();
    const res = await app.request(`${ORIGIN}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await res.text();

    const document = generateOpenApiDocument({
      basePath: AUTH_PATH,
      permissions: gatehouse.config.permissions,
    });
    const operations = Object.values(document.paths as Record<string, object>).flatMap((item) =>
      Object.keys(item),
    );
    const rows = operationsOf(document);
    expect(rows).toHaveLength(operations.length);
    expect(page.match(/<tr>/g)).toHaveLength(operations.length + 1); // and the header row
    expect(page).toContain(`${operations.length} operations`);

    const remove = rows.find((row) => row.method === "DELETE" && row.path === `${AUTH_PATH}/users/{id}`);
    expect(remove).toMatchObject({ stage: "authenticated", permission: "platform.user-management · delete" });
    expect(remove?.problems).toContainEqual({ status: "403", codes: ["FORBIDDEN", "CSRF"] });
    const login = rows.find((row) => row.method === "POST" && row.path === `${AUTH_PATH}/login`);
    expect(login).toMatchObject({ stage: "any", permission: null, throttle: "sign-in", success: "200" });
    expect(login?.problems).toContainEqual({ status: "429", codes: ["RATE_LIMITED"] });
    expect(page).toContain("<code>platform.user-management · delete</code>");
    expect(page).toContain("<li>429 RATE_LIMITED</li>");
  });

  test("no script: the Content-Security-Policy allows none, and the page has none", async () => {
    const { app } = await demo();
    const res = await app.request(`${ORIGIN}/`);
    const policy = res.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).not.toMatch(/script-src/);
    const page = await res.text();
    expect(page).not.toMatch(/<script/i);
    // The one inline style is allowed by its hash, which the policy names.
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? "";
    const { createHash } = await import("node:crypto");
    expect(policy).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
  });
});
