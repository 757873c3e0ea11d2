import { createPostgresStore } from "@gatehousejs/adapter-postgres";
import { describeServiceFlows } from "@gatehousejs/core/testing";
import { describe } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { useComposedStoreFixture } from "./support/composed.js";
import { requireRedis } from "./support/redis.js";

// The service end to end on the composition hosts deploy: durable rows in PostgreSQL, sessions, attempts and
// one-time secrets in Redis.

const redisUp = await requireRedis();

describe.runIf(redisUp)("service flows on PostgreSQL + Redis", () => {
  const { db, schema, keyPrefix, redis } = useComposedStoreFixture("flows");
  describeServiceFlows(() => ({
    ...createPostgresStore({ db, schema }),
    ...createRedisStore({ redis, keyPrefix }),
  }));
});
