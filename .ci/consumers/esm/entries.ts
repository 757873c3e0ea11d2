// Every entry point of every package, imported as a TypeScript ESM user would, and run by Node.
import assert from "node:assert/strict";
import { createMysqlStore } from "@gatehousejs/adapter-mysql";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import {
  createSqliteStore,
  migrateToLatest as migrateSqlite,
  openSqliteDatabase,
} from "@gatehousejs/adapter-sqlite";
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
import { Kysely, SqliteDialect } from "kysely";

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
  createMysqlStore,
  createSqliteStore,
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
// The SQLite adapter runs here on node:sqlite, in memory: migrated, an organization stored and read back.
const sqlite = new Kysely<unknown>({
  dialect: new SqliteDialect({ database: openSqliteDatabase(":memory:") }),
});
assert.deepEqual((await migrateSqlite(sqlite)).executed, [
  "0001_initial",
  "0002_sso",
  "0003_authorization_versions",
]);
const sqliteStore = createSqliteStore({ db: sqlite });
const organization = makeOrganization();
await sqliteStore.organizations.create(organization);
assert.deepEqual(await sqliteStore.organizations.findById(organization.id), organization);
await sqlite.destroy();
const typed: Gatehouse["login"] | undefined = undefined;
assert.equal(typed, undefined);
console.log(
  `esm: every entry point loads (conformance suite takes ${conformanceArity} argument, binding suite ${bindingSuiteArity})`,
);
