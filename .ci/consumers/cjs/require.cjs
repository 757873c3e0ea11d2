// Every entry point from CommonJS, as a `require` user gets it.
const assert = require("node:assert/strict");

const core = require("@gatehousejs/core");
const matrix = require("@gatehousejs/core/matrix");
const policy = require("@gatehousejs/core/policy");
const fixtures = require("@gatehousejs/core/testing/fixtures");
const kit = require("@gatehousejs/core/adapter-kit");
const sqlBase = require("@gatehousejs/sql-base");
const postgres = require("@gatehousejs/adapter-postgres");
const mysql = require("@gatehousejs/adapter-mysql");
const sqlite = require("@gatehousejs/adapter-sqlite");
const redis = require("@gatehousejs/adapter-redis");
const middleware = require("@gatehousejs/express-middleware");
const fastify = require("@gatehousejs/fastify");
// openid-client is ESM-only: Node 22.12+ requires it from CommonJS (require(esm)).
const oidc = require("@gatehousejs/oidc");
const http = require("@gatehousejs/http");

assert.equal(typeof core.createGatehouse, "function");
assert.equal(matrix.GatehouseError, core.GatehouseError, "one error class across entry points");
assert.equal(typeof policy.decideLoginAttempt, "function");
assert.equal(typeof fixtures.createTestClock, "function");
assert.ok(kit.invalidCursor() instanceof core.GatehouseError, "the adapter kit shares the error class");
assert.equal(typeof sqlBase.createSqlStore, "function");
assert.equal(typeof postgres.createPostgresStore, "function");
assert.equal(typeof mysql.createMysqlStore, "function");
assert.equal(typeof sqlite.createSqliteStore, "function");
assert.equal(typeof sqlite.openSqliteDatabase, "function");
assert.equal(typeof redis.createRedisStore, "function");
assert.equal(typeof middleware.gatehouseMiddleware, "function");
assert.equal(typeof fastify.gatehousePlugin, "function");
assert.equal(typeof fastify.requirePermission, "function");
assert.equal(typeof oidc.createOidcIdentityProvider, "function");
assert.equal(typeof http.createGatehouseHandler, "function");
// The suites call vitest's describe/it: without vitest installed, that entry says so.
assert.throws(() => require("@gatehousejs/core/testing"), /vitest/);
assert.throws(() => require("@gatehousejs/http/testing"), /vitest/);

(async () => {
  // argon2 is loaded on the first hash, from CommonJS too.
  const hash = await core.hashPassword("correct horse battery staple", { memoryCost: 1024, timeCost: 1 });
  assert.equal(await core.verifyPassword(hash, "correct horse battery staple"), true);
  console.log("cjs: every entry point loads; argon2 hashes");
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
