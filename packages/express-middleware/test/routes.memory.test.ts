import { createMemoryStore } from "@gatehousejs/core";
import { describe } from "vitest";
import { describeAdminRoutes } from "./suites/admin.js";
import { describeCsrf } from "./suites/csrf.js";
import { describeSignInRoutes } from "./suites/sign-in.js";

// Every route on the memory store: a new store for each test.
describe("routes on the memory store", () => {
  const store = () => createMemoryStore();
  describeSignInRoutes(store);
  describeAdminRoutes(store);
  describeCsrf(store);
});
