export type { RedisLike } from "./redis-like.js";
export { createRedisStore, type RedisStoreOptions } from "./redis-store.js";
