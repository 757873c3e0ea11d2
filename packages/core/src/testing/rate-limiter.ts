import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../store/rate-limiter.js";
import { uniqueEmail } from "./fixtures.js";

/** Options of {@link describeRateLimiterConformance}. */
export interface RateLimiterConformanceOptions {
  name: string;
  create: () => RateLimiter | Promise<RateLimiter>;
}

/** The contract of a `RateLimiter`: fixed windows, exact limits under concurrency, independent keys. */
export function describeRateLimiterConformance(options: RateLimiterConformanceOptions): void {
  describe(`${options.name}: rate limiter conformance`, () => {
    // Instants far in the future of the real clock, so a backend's own TTLs never end a window a test reads.
    const base = Date.now() + 86_400_000;
    const windowMs = 60_000;
    const start = new Date(base - (base % windowMs) + windowMs);

    it("allows `limit` hits in a window and refuses the next, with the window's end", async () => {
      const limiter = await options.create();
      const key = uniqueEmail();
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await limiter.hit(key, 3, windowMs, start));
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
      expect(verdicts.map((v) => v.count)).toEqual([1, 2, 3, 4]);
      expect(verdicts[3]?.resetAt).toEqual(new Date(start.getTime() + windowMs));
    });

    it("starts counting again in the next window", async () => {
      const limiter = await options.create();
      const key = uniqueEmail();
      for (let i = 0; i < 3; i++) await limiter.hit(key, 2, windowMs, start);
      const next = await limiter.hit(key, 2, windowMs, new Date(start.getTime() + windowMs));
      expect(next).toMatchObject({ allowed: true, count: 1 });
    });

    it("keys are independent", async () => {
      const limiter = await options.create();
      const [a, b] = [uniqueEmail(), uniqueEmail()];
      await limiter.hit(a, 1, windowMs, start);
      expect((await limiter.hit(a, 1, windowMs, start)).allowed).toBe(false);
      expect((await limiter.hit(b, 1, windowMs, start)).allowed).toBe(true);
    });

    it("of 50 concurrent hits with a limit of 5, exactly 5 are allowed", async () => {
      const limiter = await options.create();
      const key = uniqueEmail();
      const verdicts = await Promise.all(
        Array.from({ length: 50 }, () => limiter.hit(key, 5, windowMs, start)),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
      expect(new Set(verdicts.map((v) => v.count)).size).toBe(50);
    });
  });
}
