import { createMemoryStore } from "@gatehousejs/core";
import { createGatehouseHandler } from "../src/index.js";
import { describeHttpBinding, fetchBindingWithProbes } from "../src/testing/index.js";

// The bare Fetch handler on the memory store: a new store for each test.
describeHttpBinding({
  name: "fetch handler on the memory store",
  store: () => createMemoryStore(),
  create: (gatehouse, options) => fetchBindingWithProbes(createGatehouseHandler(gatehouse, options)),
});
