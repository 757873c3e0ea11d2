import { describeStoreConformance } from "@gatehousejs/core/testing";
import { Redis } from "ioredis";
import { describe, it } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { deleteKeysWithPrefix, requireRedis, testKeyPrefix } from "./support/redis.js";

// Outside CI a missing Redis skips this file; in CI `requireRedis` throws and the run fails.
if (await requireRedis()) {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const keyPrefix = testKeyPrefix();
  describeStoreConformance({
    name: "redis",
    repositories: ["sessions", "attempts", "tokens", "auditOutbox", "signInCommit"],
    create: () => createRedisStore({ redis, keyPrefix }),
    // The document keeps its version; only the state inside is replaced, as a damaged write would leave it.
    corruptAttempt: async (key, raw) => {
      const redisKey = `${keyPrefix}attempts:{${key}}`;
      const stored = await redis.get(redisKey);
      if (stored === null) throw new Error(`No attempt state to damage under ${key}.`);
      const { version } = JSON.parse(stored) as { version: number };
      await redis.set(redisKey, `{"version":${version},"state":${JSON.stringify(raw)}}`, "KEEPTTL");
    },
    teardown: async () => {
      await deleteKeysWithPrefix(redis, keyPrefix);
      await redis.quit();
    },
  });
} else {
  describe.skip("store conformance: redis", () => {
    it("needs a Redis server at REDIS_URL", () => {});
  });
}
