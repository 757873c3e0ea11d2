// The PostgreSQL and Redis servers the store benchmarks run on: a fresh schema and a fresh key prefix per run,
// both removed afterwards, so a run never reads another run's data and leaves nothing behind.

import { createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";

export const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A name unique to this process and moment, for a schema (`_`) or a key prefix (`-`). */
export function runName(prefix, separator = "_") {
  const random = Math.random().toString(36).slice(2, 8);
  return [prefix, process.pid, Date.now().toString(36), random].join(separator);
}

/**
 * Connects to PostgreSQL and migrates a fresh schema, or answers
 * `{ unavailable: reason }` when the server does not answer.
 * `close()` drops the schema and ends the pool.
 */
export async function openPostgres({ poolSize = 10 } = {}) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 3000 });
  // A dropped connection emits "error" on the pool; unheard it would crash the run instead of failing a query.
  pool.on("error", () => {});
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const schema = runName("gh_bench");
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    return { unavailable: `PostgreSQL at ${databaseUrl} did not answer (${reasonOf(error)})` };
  }
  await migrateToLatest(db, { schema });
  return {
    db,
    pool,
    schema,
    store: createPostgresStore({ db, schema }),
    async close() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    },
  };
}

/**
 * Connects to Redis under a fresh key prefix, or answers `{ unavailable: reason }` when the server does
 * not answer.
 * `close()` deletes every key under the prefix and disconnects.
 */
export async function openRedis() {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 3000 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    return { unavailable: `Redis at ${redisUrl} did not answer (${reasonOf(error)})` };
  }
  const keyPrefix = `${runName("gh-bench", "-")}:`;
  return {
    redis,
    keyPrefix,
    store: createRedisStore({ redis, keyPrefix }),
    async close() {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}

function reasonOf(error) {
  const cause = error?.cause ?? error;
  return cause?.code ?? cause?.message ?? String(cause);
}

/** Whether each server answers, without creating anything: `{ postgres, redis }`, each `null` or the reason. */
export async function probeServices() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  const postgres = await client.connect().then(
    () => client.query("select 1").then(() => null),
    (error) => `PostgreSQL at ${databaseUrl} did not answer (${reasonOf(error)})`,
  );
  await client.end().catch(() => {});
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 3000 });
  redis.on("error", () => {});
  const redisDown = await redis.connect().then(
    () => redis.ping().then(() => null),
    (error) => `Redis at ${redisUrl} did not answer (${reasonOf(error)})`,
  );
  redis.disconnect();
  return { postgres, redis: redisDown };
}
