/** The verdict on one more hit of a rate-limited key. */
export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** Hits counted in the current window, this one included. */
  readonly count: number;
  /** When the current window ends and the count starts again. */
  readonly resetAt: Date;
}

/**
 * Counts hits per key in fixed windows, for throttling what costs money or floods a mailbox (SMS codes, reset
 * links) and for per-client limits in a web binding. Separate from the `Store`: it may live in another backend.
 */
export interface RateLimiter {
  /**
   * Counts one hit of `key` in the window of `windowMs` that contains `now`, and answers whether it is within
   * `limit`. MUST be atomic across every process sharing the limiter: of `limit + n` concurrent hits in one
   * window exactly `limit` are allowed.
   */
  hit(key: string, limit: number, windowMs: number, now: Date): Promise<RateLimitVerdict>;
}

/** A rate limiter in process memory: exact for one process; several app instances need a shared one (Redis). */
export function createMemoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, limit, windowMs, now) {
      const t = now.getTime();
      const windowStart = t - (t % windowMs);
      const slot = `${key}\u0000${windowMs}`;
      let window = windows.get(slot);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: windowStart + windowMs };
        windows.set(slot, window);
      }
      window.count++;
      // Forget finished windows now and then, so the map does not grow with every key ever seen.
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      return { allowed: window.count <= limit, count: window.count, resetAt: new Date(window.resetAt) };
    },
  };
}
