import { createMemoryStore } from "@gatehousejs/core";
import { describeHttpBinding } from "@gatehousejs/http/testing";
import { expressBinding } from "./support/binding.js";

// Every route case of the HTTP layer through Express, on the memory store: a new store for each test.
describeHttpBinding({
  name: `Express ${process.env.GATEHOUSE_EXPRESS_LINE ?? "5"} on the memory store`,
  store: () => createMemoryStore(),
  create: expressBinding,
});
