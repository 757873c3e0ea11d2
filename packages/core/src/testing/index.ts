/**
 * `@gatehousejs/core/testing`: the storage conformance suite every adapter runs, the service flows and the
 * rate-limiter suite, and the fixtures they are made of. These suites call vitest's `describe` / `it`, so
 * vitest (an optional peer dependency) must be installed to import this entry; the fixtures alone are in
 * `@gatehousejs/core/testing/fixtures`, which needs no test runner. Explicit named exports only.
 *
 * @module @gatehousejs/core/testing
 */

export { describeStoreConformance, type StoreConformanceOptions } from "./conformance.js";
export type { RepositoryName } from "./context.js";
export {
  createFakeIdentityProvider,
  type FakeIdentityProvider,
  type FakePerson,
} from "./fake-identity-provider.js";
export {
  createTestClock,
  type FixtureOwner,
  makeAuditRecord,
  makeOrganization,
  makeRole,
  makeSession,
  makeToken,
  makeUser,
  type TestClock,
  uniqueEmail,
} from "./fixtures.js";
export { createGatedMailer, type GatedMailer } from "./gated-mailer.js";
export { describeRateLimiterConformance, type RateLimiterConformanceOptions } from "./rate-limiter.js";
export { describeServiceFlows } from "./service-flows.js";
export {
  type CountingHasher,
  createCountingHasher,
  linkTokenFor,
  temporaryPasswordFor,
} from "./service-helpers.js";
