/**
 * `@gatehousejs/core/testing/fixtures`: the test clock, the record builders and the service-test helpers,
 * without vitest, so any test runner (node:test, Jest, Mocha) or a seed script can use them. The vitest-bound
 * suites are in `@gatehousejs/core/testing`, which re-exports all of this too. Explicit named exports only.
 *
 * @module @gatehousejs/core/testing/fixtures
 */

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
export {
  type CountingHasher,
  createCountingHasher,
  linkTokenFor,
  temporaryPasswordFor,
} from "./service-helpers.js";
