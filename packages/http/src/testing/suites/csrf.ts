import { describe, expect, test } from "vitest";
import type { GatehouseHandlerOptions } from "../../options.js";
import { ORIGIN } from "../client.js";
import type { Setup } from "../harness.js";

/** Cross-site request forgery: cookie-authenticated writes must show they come from this site. */
export function describeCsrf(setup: Setup): void {
  describe("CSRF", () => {
    async function signedIn(handler: GatehouseHandlerOptions = {}) {
      const h = setup({ handler });
      const { admin, organization } = await h.enterpriseOrg();
      const b = await h.signIn(admin.email, admin.password);
      return { h, b, admin, organization };
    }

    test("a write with the cookie from another origin is refused 403 CSRF, and changes nothing", async () => {
      const { h, b, admin } = await signedIn();
      const token = b.cookies.get("gatehouse_session") as string;
      const res = await b.bare("post", "/auth/logout", { origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 403, code: "CSRF" });
      expect(await h.gatehouse.validateSession({ sessionToken: token })).not.toBeNull();
      const del = await b.bare("delete", `/auth/users/${admin.user.id}`, { "sec-fetch-site": "cross-site" });
      expect(del.body.code).toBe("CSRF");
      const sibling = await b.bare("post", "/auth/logout", { "sec-fetch-site": "same-site" });
      expect(sibling.status).toBe(403);
    });

    test("a write with the cookie and no origin evidence at all is refused", async () => {
      const { b } = await signedIn();
      const res = await b.bare("post", "/auth/logout", {});
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("CSRF");
    });

    test("same-origin writes pass, by Sec-Fetch-Site or by an Origin of this host", async () => {
      const { b } = await signedIn();
      expect((await b.bare("post", "/api/echo", { "sec-fetch-site": "same-origin" }, { a: 1 })).status).toBe(
        200,
      );
      expect((await b.bare("post", "/api/echo", { "sec-fetch-site": "none" }, { a: 1 })).status).toBe(200);
      expect((await b.bare("post", "/api/echo", { origin: ORIGIN }, { a: 1 })).status).toBe(200);
      expect((await b.bare("post", "/api/echo", { origin: "null" }, { a: 1 })).status).toBe(403);
      // Reads are never checked.
      expect((await b.bare("get", "/api/me", { origin: "https://evil.example" })).status).toBe(200);
    });

    test("an origin of the allow-list passes", async () => {
      const { b } = await signedIn({ csrf: { allowedOrigins: ["https://admin.example.test/"] } });
      const allowed = await b.bare("post", "/api/echo", {
        origin: "https://admin.example.test",
        "sec-fetch-site": "same-site",
      });
      expect(allowed.status).toBe(200);
      const other = await b.bare("post", "/api/echo", { origin: "https://other.example.test" });
      expect(other.status).toBe(403);
    });

    test("a cross-site login is refused too (login CSRF); a login with no browser headers is not", async () => {
      const { h, admin } = await signedIn();
      const body = { email: admin.email, password: admin.password };
      const forged = await h
        .browser({ "sec-fetch-site": "cross-site", origin: "https://evil.example" })
        .post("/auth/login", body);
      expect(forged.status).toBe(403);
      expect(forged.body.code).toBe("CSRF");
      const script = await h.browser({}).post("/auth/login", body);
      expect(script.status).toBe(200);
    });
  });
}
