/**
 * `@gatehousejs/adapter-redis`: sessions, login-attempt state, one-time tokens and a rate limiter on Redis
 * (ioredis, standalone or Cluster). Explicit named exports only.
 *
 * @module @gatehousejs/adapter-redis
 */

export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./rate-limiter.js";
export type { RedisLike } from "./redis-like.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
