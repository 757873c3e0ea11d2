import { describe, expect, test } from "vitest";
import type { GatehouseHandlerOptions } from "../../options.js";
import { MINUTE, type Setup, unique } from "../harness.js";

const loginOf = (email: string) => ({ email, password: "guessed password" });

/** Per-client throttles: keyed by the client's address, a trusted forwarded header only under `trustProxy`. */
export function describeThrottles(setup: Setup): void {
  describe("per-client throttles", () => {
    test("80 sign-ins with made-up addresses from one client: 429 with Retry-After past the limit", async () => {
      const h = setup();
      const b = h.browser();
      const statuses: number[] = [];
      for (let i = 0; i < 80; i++) {
        statuses.push((await b.post("/auth/login", loginOf(`made-up-${i}-${unique()}@acme.test`))).status);
      }
      expect(statuses.slice(0, 50).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(50).every((status) => status === 429)).toBe(true);
      const refused = await b.post("/auth/login", loginOf(`one-more-${unique()}@acme.test`));
      expect(refused.status).toBe(429);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 429, code: "RATE_LIMITED", retryAt: expect.any(String) });
      const retryAfter = Number(refused.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Refused before the service ran: no password was even compared past the limit.
      const compared = h.hasher.verifications;
      await b.post("/auth/login", loginOf(`after-${unique()}@acme.test`));
      expect(h.hasher.verifications).toBe(compared);
      // Another client is not held back by this one; and the window ends on the service's clock.
      const other = h.browser(undefined, "198.51.100.77");
      expect((await other.post("/auth/login", loginOf(`x-${unique()}@acme.test`))).status).toBe(401);
      h.clock.advance(retryAfter * 1000);
      expect((await b.post("/auth/login", loginOf(`later-${unique()}@acme.test`))).status).toBe(401);
    });

    test("a correct password is throttled too: the limit does not tell good guesses from bad ones", async () => {
      const h = setup({ handler: { throttles: { "sign-in": { limit: 2, windowMs: 15 * MINUTE } } } });
      const { admin } = await h.enterpriseOrg();
      const b = h.browser();
      expect((await b.post("/auth/login", loginOf(admin.email))).status).toBe(401);
      h.clock.advance(5000);
      expect((await b.post("/auth/login", loginOf(admin.email))).status).toBe(401);
      h.clock.advance(5000);
      const right = await b.post("/auth/login", { email: admin.email, password: admin.password });
      expect(right.status).toBe(429);
      expect(b.cookies.size).toBe(0);
    });

    test("forgot-password, second-factor and invitation sends are throttled per client", async () => {
      const h = setup();
      const b = h.browser();
      const forgot: number[] = [];
      for (let i = 0; i < 11; i++) {
        forgot.push(
          (await b.post("/auth/password/forgot", { email: `f-${i}-${unique()}@acme.test` })).status,
        );
      }
      expect(forgot).toEqual([...Array(10).fill(202), 429]);
      const codes: number[] = [];
      for (let i = 0; i < 31; i++) {
        codes.push((await b.post("/auth/login/second-factor", { method: "totp", code: "000000" })).status);
      }
      expect(codes.slice(0, 30).every((status) => status === 401)).toBe(true);
      expect(codes[30]).toBe(429);
    });

    const limited: GatehouseHandlerOptions = {
      throttles: { "sign-in": { limit: 3, windowMs: 15 * MINUTE } },
    };

    test("an X-Forwarded-For the host does not trust is ignored: the peer's address is the key", async () => {
      const h = setup({ handler: limited });
      const b = h.browser();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const spoofed = { "x-forwarded-for": `192.0.2.${i + 1}` };
        statuses.push((await b.post("/auth/login", loginOf(`s-${i}-${unique()}@acme.test`), spoofed)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    });

    test("under trustProxy the forwarded client is the key, and only the entry the proxy wrote counts", async () => {
      const h = setup({ handler: { ...limited, trustProxy: true } });
      // Every request comes from the proxy's address; the proxy appends the client's.
      const proxy = h.browser(undefined, "10.0.0.2");
      const clients: number[] = [];
      for (let i = 0; i < 5; i++) {
        const forwarded = { "x-forwarded-for": `192.0.2.${i + 1}` };
        clients.push(
          (await proxy.post("/auth/login", loginOf(`c-${i}-${unique()}@acme.test`), forwarded)).status,
        );
      }
      expect(clients).toEqual([401, 401, 401, 401, 401]);
      // One client rotating what it writes to the left of the proxy's entry is still one client.
      const rotating: number[] = [];
      for (let i = 0; i < 5; i++) {
        const forwarded = { "x-forwarded-for": `203.0.113.${i + 1}, 198.51.100.9` };
        rotating.push(
          (await proxy.post("/auth/login", loginOf(`r-${i}-${unique()}@acme.test`), forwarded)).status,
        );
      }
      expect(rotating).toEqual([401, 401, 401, 429, 429]);
    });
  });
}
