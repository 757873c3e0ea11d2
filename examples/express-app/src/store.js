import { PGlite } from "@electric-sql/pglite";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";

/** @import { Store } from "@gatehousejs/core" */

/**
 * The app's store: PostgreSQL (a server at `databaseUrl`, else embedded PGlite in `dataDir`), with the
 * expiring state (sessions, attempts, one-time tokens) on Redis when `redisUrl` is given. Migrations run
 * first; they do nothing when the schema is up to date. On a server the tables live in their own PostgreSQL
 * schema (`schema`, created if missing), never in whatever `public` the database was given with.
 * @param {{ databaseUrl?: string; schema?: string; redisUrl?: string; dataDir?: string }} options `dataDir` is
 *   PGlite's directory (in memory when absent and no `databaseUrl`); `schema` applies to a server only
 * @returns {Promise<{ store: Store; description: string; close(): Promise<void> }>}
 */
export async function openStore({ databaseUrl, schema = "gatehouse", redisUrl, dataDir }) {
  /** @type {Kysely<unknown>} */
  let db;
  let description;
  /** @type {string | undefined} */
  let inSchema;
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle client whose server went away emits "error"; unheard, it would end the process.
    pool.on("error", (error) => console.error("[postgres]", error.message));
    db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    inSchema = schema;
    description = `PostgreSQL at ${redact(databaseUrl)}, schema ${schema}`;
  } else {
    const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
    await pglite.waitReady;
    db = new Kysely({ dialect: createPGliteDialect(pglite) });
    description = dataDir ? `embedded PGlite in ${dataDir}` : "embedded PGlite in memory";
  }
  await migrateToLatest(db, { schema: inSchema });
  const durable = createPostgresStore({ db, schema: inSchema });

  /** @type {Redis | null} */
  let redis = null;
  /** @type {Store} */
  let store = durable;
  if (redisUrl) {
    // Fail fast when Redis is down: the lockout check must refuse, never wait or skip.
    redis = new Redis(redisUrl, { commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on("error", (error) => console.error("[redis]", error.message));
    await waitUntilReady(redis);
    store = { ...durable, ...createRedisStore({ redis, keyPrefix: "gatehouse-demo:" }) };
    description += `, sessions and attempts on Redis at ${redact(redisUrl)}`;
  }

  return {
    store,
    description,
    async close() {
      redis?.disconnect();
      await db.destroy();
    },
  };
}

/**
 * @param {Redis} redis
 * @returns {Promise<void>}
 */
function waitUntilReady(redis) {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Redis did not answer within 5 seconds.")), 5000);
    redis.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A connection string without its password, for the console.
 * @param {string} url
 */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
