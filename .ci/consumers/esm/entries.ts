// Every entry point of every package, imported as a TypeScript ESM user would, and run by Node.
import assert from "node:assert/strict";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import { createGatehouse, type Gatehouse, GatehouseError, isGatehouseError } from "@gatehousejs/core";
import { guardRepository, invalidCursor } from "@gatehousejs/core/adapter-kit";
import { can, compileGrants, defaultMatrix, GatehouseError as MatrixError } from "@gatehousejs/core/matrix";
import { type AttemptState, emptyAttemptState, presets } from "@gatehousejs/core/policy";
import { createTestClock, makeOrganization } from "@gatehousejs/core/testing/fixtures";
import { gatehouseErrorHandler, gatehouseMiddleware } from "@gatehousejs/express-middleware";
import { gatehousePlugin, requirePermission } from "@gatehousejs/fastify";
import { createGatehouseHandler, getAuth } from "@gatehousejs/http";
import { createOidcIdentityProvider } from "@gatehousejs/oidc";
import { createSqlStore } from "@gatehousejs/sql-base";

// The vitest-bound suites only as types: importing them at run time needs vitest, which is not installed here.
type Conformance = typeof import("@gatehousejs/core/testing").describeStoreConformance;
type BindingSuite = typeof import("@gatehousejs/http/testing").describeHttpBinding;
const bindingSuiteArity: Parameters<BindingSuite>["length"] = 1;
const conformanceArity: Parameters<Conformance>["length"] = 1;

const grants = compileGrants(defaultMatrix, ["callback.viewer"]);
assert.equal(can(grants, "callback.exports", "export"), true);
assert.equal(MatrixError, GatehouseError, "one error class across entry points");
assert.ok(invalidCursor() instanceof GatehouseError, "the adapter kit shares the error class");
assert.throws(
  () => compileGrants(defaultMatrix, ["nobody" as "callback.viewer"]),
  (error) => isGatehouseError(error, "VALIDATION"),
);
const state: AttemptState = emptyAttemptState();
assert.equal(state.failures, 0);
assert.equal(presets.enterprise.lockout.maxFailures, 3);
const clock = createTestClock(new Date(0));
clock.advance(1_000);
assert.equal(clock.now().getTime(), 1_000);
assert.equal(typeof makeOrganization().id, "string");
const factories: Array<(...args: never[]) => unknown> = [
  createGatehouse,
  createPGliteDialect,
  createPostgresStore,
  migrateToLatest,
  createRedisStore,
  createSqlStore,
  guardRepository,
  gatehouseMiddleware,
  gatehouseErrorHandler,
  gatehousePlugin,
  requirePermission("platform.user-management", "view"),
  createOidcIdentityProvider,
  createGatehouseHandler,
  getAuth,
];
assert.ok(factories.every((factory) => typeof factory === "function"));
const typed: Gatehouse["login"] | undefined = undefined;
assert.equal(typed, undefined);
console.log(
  `esm: every entry point loads (conformance suite takes ${conformanceArity} argument, binding suite ${bindingSuiteArity})`,
);
