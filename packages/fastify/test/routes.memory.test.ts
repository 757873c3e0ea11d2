import { createMemoryStore } from "@gatehousejs/core";
import { describeHttpBinding } from "@gatehousejs/http/testing";
import { fastifyBinding } from "./support/binding.js";

// Every route case of the HTTP layer through Fastify, on the memory store: a new store for each test.
describeHttpBinding({
  name: "Fastify 5 on the memory store",
  store: () => createMemoryStore(),
  create: fastifyBinding,
});
