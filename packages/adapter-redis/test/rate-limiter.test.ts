import { describeRateLimiterConformance } from "@gatehousejs/core/testing";
import { afterAll, describe } from "vitest";
import { createRedisRateLimiter } from "../src/rate-limiter.js";
import { connectTestRedis, requireRedis } from "./support/redis.js";

const redisUp = await requireRedis();

describe.runIf(redisUp)("redis rate limiter", () => {
  const redis = connectTestRedis();
  const keyPrefix = `gh-rate-${process.pid}-${Date.now().toString(36)}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  describeRateLimiterConformance({
    name: "redis",
    create: () => createRedisRateLimiter({ redis, keyPrefix }),
  });
});
