import { randomBytes } from "node:crypto";
import { createRedisRateLimiter } from "@gatehousejs/adapter-redis";
import { createGatehouseHandler } from "../src/index.js";
import { describeHttpBinding, fetchBindingWithProbes } from "../src/testing/index.js";
import { describeOnPostgresAndRedis } from "./support/stores.js";

// The bare Fetch handler on the composed store the design recommends: durable data in PostgreSQL, sessions,
// attempts and tokens in Redis, and the per-client throttles counted in Redis too. One schema and one key
// prefix for the file; each test uses addresses, and a throttle prefix, of its own.
await describeOnPostgresAndRedis("PostgreSQL + Redis", (store, shared) => {
  describeHttpBinding({
    name: "fetch handler on PostgreSQL + Redis, throttles in Redis",
    store,
    create: (gatehouse, options) => {
      const { redis, keyPrefix } = shared();
      const rateLimiter = createRedisRateLimiter({
        redis,
        keyPrefix: `${keyPrefix}${randomBytes(4).toString("hex")}:`,
      });
      return fetchBindingWithProbes(createGatehouseHandler(gatehouse, { rateLimiter, ...options }));
    },
  });
});
