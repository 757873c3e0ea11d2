/**
 * `@gatehousejs/http/testing`: the route suites of the HTTP layer, runnable against any binding. A framework
 * binding is done when `describeHttpBinding` passes on it. Needs vitest.
 *
 * @module @gatehousejs/http/testing
 */

import type { Store } from "@gatehousejs/core";
import { describe } from "vitest";
import { type CreateBindingApp, createHarness, type HarnessOptions } from "./harness.js";
import { describeAdminRoutes } from "./suites/admin.js";
import { describeCsrf } from "./suites/csrf.js";
import { describeSignInRoutes } from "./suites/sign-in.js";
import { describeSsoRoutes } from "./suites/sso.js";
import { describeThrottles } from "./suites/throttles.js";

export { type BindingFetch, Browser, HOST, ORIGIN, setCookieOf, type TestResponse } from "./client.js";
export type { CreateBindingApp, Harness, HarnessOptions, Setup } from "./harness.js";
export { fetchBindingWithProbes } from "./probes.js";

/** Options of {@link describeHttpBinding}. */
export interface DescribeHttpBindingOptions {
  /** The binding's name, in the suites' title. */
  name: string;
  /** The store of each test (a new memory store, or a shared one of a real backend). */
  store: () => Store;
  /**
   * Builds the binding's app on a service: the Gatehouse routes under `options.basePath` (`/auth`), built from
   * `options`, and the probe routes documented at {@link fetchBindingWithProbes}. The app is a Fetch function
   * that is told the peer's address, which the binding must use as the socket's.
   */
  create: CreateBindingApp;
}

/**
 * Declares every route case of the HTTP layer (sign-in, sessions, passwords, MFA, users, roles, audit, CSRF,
 * per-client throttles, SSO sign-in and connections, every refusal included) against a binding. The binding
 * must hand the layer's `sso` and `staff` options through.
 * @example
 * describeHttpBinding({
 *   name: "fetch",
 *   store: () => createMemoryStore(),
 *   create: (gatehouse, options) => fetchBindingWithProbes(createGatehouseHandler(gatehouse, options)),
 * });
 */
export function describeHttpBinding(options: DescribeHttpBindingOptions): void {
  describe(`HTTP binding: ${options.name}`, () => {
    const setup = (harness: HarnessOptions = {}) => createHarness(options.store(), options.create, harness);
    describeSignInRoutes(setup);
    describeAdminRoutes(setup);
    describeCsrf(setup);
    describeThrottles(setup);
    describeSsoRoutes(setup);
  });
}
