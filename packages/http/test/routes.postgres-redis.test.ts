import { createGatehouseHandler } from "../src/index.js";
import { describeHttpBinding, fetchBindingWithProbes } from "../src/testing/index.js";
import { describeOnPostgresAndRedis } from "./support/stores.js";

// The bare Fetch handler on the composed store the design recommends: durable data in PostgreSQL, sessions,
// attempts and tokens in Redis. One schema and one key prefix for the file; each test uses addresses of its own.
await describeOnPostgresAndRedis("PostgreSQL + Redis", (store) => {
  describeHttpBinding({
    name: "fetch handler on PostgreSQL + Redis",
    store,
    create: (gatehouse, options) => fetchBindingWithProbes(createGatehouseHandler(gatehouse, options)),
  });
});
