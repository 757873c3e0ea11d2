import { inspect } from "node:util";
import { createMemoryStore, isGatehouseError } from "@gatehousejs/core";
import { describe, expect, test } from "vitest";
import {
  assertPermission,
  createGatehouseHandler,
  getAuth,
  NodeRequestHead,
  type RequestHead,
  sessionOf,
  shareSessionReading,
} from "../src/index.js";
import { createHarness } from "../src/testing/harness.js";

// Where the layer keeps a request's session reading: a symbol slot of the request (no WeakMap entry per request),
// with the token out of sight, and a frozen request still served.
describe("the session reading of a request", () => {
  const setup = async () => {
    const h = createHarness(createMemoryStore(), (gatehouse, options) =>
      createGatehouseHandler(gatehouse, options),
    );
    const handler = createGatehouseHandler(h.gatehouse, { cookie: { secure: false } });
    const { admin } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: admin.email, password: admin.password });
    const headFor = (cookie: string | null): RequestHead => ({
      method: "GET",
      url: "http://app.test/data",
      headers: { get: (name) => (name === "cookie" ? cookie : null) },
    });
    return { h, handler, admin, token, headFor };
  };

  test("neither the request nor its auth shows the token, however deeply inspected or serialised", async () => {
    const { h, handler, token, headFor } = await setup();
    const head = headFor(`gatehouse_session=${token}`);
    // A refresh puts the token into a Set-Cookie line too: that line must stay hidden as well.
    h.clock.advance(10 * 60_000);
    const { auth, setCookies } = await handler.authenticate(head);
    expect(setCookies.join("\n")).toContain(token);
    expect(auth.user?.email).toBeDefined();
    for (const shown of [
      inspect(head, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      inspect(auth, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      JSON.stringify(head),
      JSON.stringify(auth),
    ]) {
      expect(shown).not.toContain(token);
      expect(shown).not.toContain(token.split(".")[1]);
    }
    // The binding's helpers still reach it.
    expect(sessionOf(head)?.token).toBe(token);
  });

  test("a frozen head is read once and answered by getAuth like any other", async () => {
    const { handler, admin, token, headFor } = await setup();
    const head = Object.freeze(headFor(`gatehouse_session=${token}`));
    const first = await handler.authenticate(head);
    expect(first.auth.user?.id).toBe(admin.user.id);
    expect(getAuth(head)).toBe(first.auth);
    // Once per request: a second reading answers the first (the same auth object).
    expect((await handler.authenticate(head)).auth).toBe(first.auth);
    const request = Object.freeze(new Request("http://app.test/data"));
    shareSessionReading(head, request);
    expect(getAuth(request)).toBe(first.auth);
  });

  test("a full Request built after the head shares the head's reading, not a second one", async () => {
    const { h, handler, token, headFor } = await setup();
    let validations = 0;
    const validateSession = h.gatehouse.validateSession.bind(h.gatehouse);
    h.gatehouse.validateSession = (input) => {
      validations++;
      return validateSession(input);
    };
    const head = headFor(`gatehouse_session=${token}`);
    await handler.authenticate(head);
    const request = new Request("http://app.test/data", {
      headers: { cookie: `gatehouse_session=${token}` },
    });
    shareSessionReading(head, request);
    await handler.authenticate(request);
    expect(getAuth(request)).toBe(getAuth(head));
    expect(validations).toBe(1);
  });

  test("assertPermission refuses a pair the matrix lacks every time, and remembers none of it", async () => {
    const { handler, token, headFor } = await setup();
    const head = headFor(`gatehouse_session=${token}`);
    await handler.authenticate(head);
    const auth = getAuth(head);
    for (let i = 0; i < 2; i++) {
      let thrown: unknown;
      try {
        assertPermission(auth, `made-up.page-${i}` as never, "view" as never);
      } catch (error) {
        thrown = error;
      }
      expect(isGatehouseError(thrown, "CONFIGURATION")).toBe(true);
    }
    expect(assertPermission(auth, "platform.user-management", "view").user.id).toBe(auth.user?.id);
  });
});

describe("NodeRequestHead", () => {
  test("reads Node-style headers as Fetch's Headers.get does, and builds the URL once, only when read", async () => {
    let built = 0;
    const req = {
      method: "POST",
      headers: { cookie: "a=1", "x-forwarded-for": ["203.0.113.7", "10.0.0.1"], host: "app.test" },
    };
    const head = new NodeRequestHead(req, (r) => {
      built++;
      return `https://${r.headers.host}/path`;
    });
    expect(head.headers.get("Cookie")).toBe("a=1");
    expect(head.headers.get("x-forwarded-for")).toBe("203.0.113.7, 10.0.0.1");
    expect(head.headers.get("origin")).toBe(null);
    expect(built).toBe(0);
    expect(head.url).toBe("https://app.test/path");
    expect(head.url).toBe("https://app.test/path");
    expect(built).toBe(1);
    // The method as the framework holds it now (a method-override middleware may have changed it).
    req.method = "PUT";
    expect(head.method).toBe("PUT");
  });

  test("serves as the head a handler reads the session from", async () => {
    const h = createHarness(createMemoryStore(), (gatehouse, options) =>
      createGatehouseHandler(gatehouse, options),
    );
    const handler = createGatehouseHandler(h.gatehouse, { cookie: { secure: false } });
    const { admin } = await h.enterpriseOrg();
    const { token } = await h.gatehouse.login({ email: admin.email, password: admin.password });
    const head = new NodeRequestHead(
      { method: "GET", headers: { cookie: `theme=dark; gatehouse_session=${token}` } },
      () => "http://app.test/data",
    );
    const { auth } = await handler.authenticate(head);
    expect(auth.user?.id).toBe(admin.user.id);
    expect(getAuth(head)).toBe(auth);
  });
});
