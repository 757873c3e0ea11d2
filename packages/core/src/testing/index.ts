/**
 * `@gatehousejs/core/testing`: the storage conformance suite every adapter runs, and the fixtures it is made of.
 * vitest is a peer dependency of this entry point only. Explicit named exports only.
 */

export { describeStoreConformance, type StoreConformanceOptions } from "./conformance.js";
export type { RepositoryName } from "./context.js";
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
