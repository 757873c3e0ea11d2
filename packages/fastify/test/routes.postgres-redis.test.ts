import { randomBytes } from "node:crypto";
import { createRedisRateLimiter } from "@gatehousejs/adapter-redis";
import { describeHttpBinding } from "@gatehousejs/http/testing";
import { fastifyBinding } from "./support/binding.js";
import { describeOnPostgresAndRedis } from "./support/stores.js";

// Every route case through Fastify on the composed store the design recommends: durable data in PostgreSQL,
// sessions, attempts, tokens and the per-client throttles in Redis. One schema and one key prefix for the
// file; each test uses addresses, and a throttle prefix, of its own.
await describeOnPostgresAndRedis("PostgreSQL + Redis", (store, shared) => {
  describeHttpBinding({
    name: "Fastify 5 on PostgreSQL + Redis",
    store,
    create: (gatehouse, options) => {
      const { redis, keyPrefix } = shared();
      const prefix = `${keyPrefix}${randomBytes(4).toString("hex")}:`;
      return fastifyBinding(gatehouse, {
        rateLimiter: createRedisRateLimiter({ redis, keyPrefix: prefix }),
        ...options,
      });
    },
  });
});
