import type { RateLimiter } from "@gatehousejs/core";
import { createCommands } from "./commands.js";
import type { RedisLike } from "./redis-like.js";
import { defineLuaScript } from "./scripts/lua-script.js";

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  readonly redis: RedisLike;
  /** @default "gatehouse:" */
  readonly keyPrefix?: string;
  /** @default 1000 */
  readonly commandTimeoutMs?: number;
}

// One key per (limited key, window): INCR is atomic, and the first hit of a window gives the key a TTL of two
// windows counted on Redis' clock, so finished windows disappear whatever the caller's clock says.
const hitScript = defineLuaScript(`local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`);

/**
 * A `RateLimiter` on Redis, shared by every app instance: fixed windows, one atomic script per hit, one key
 * (`<prefix>rate:{<key>}:<windowMs>:<windowStart>`) so it runs on Redis Cluster too.
 * @example const gatehouse = createGatehouse({ …, rateLimiter: createRedisRateLimiter({ redis }) });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, keyPrefix = "gatehouse:", commandTimeoutMs = 1000 } = options;
  const commands = createCommands(redis, commandTimeoutMs);
  return {
    async hit(key, limit, windowMs, now) {
      const t = now.getTime();
      const windowStart = t - (t % windowMs);
      const redisKey = `${keyPrefix}rate:{${key}}:${windowMs}:${windowStart}`;
      const count = Number(await commands.script("rateLimiter.hit", hitScript, redisKey, [2 * windowMs]));
      return { allowed: count <= limit, count, resetAt: new Date(windowStart + windowMs) };
    },
  };
}
