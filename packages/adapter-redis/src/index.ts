export { createRedisRateLimiter, type RedisRateLimiterOptions } from "./rate-limiter.js";
export type { RedisLike } from "./redis-like.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
