import { migrateToLatest } from "@gatehousejs/adapter-postgres";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { connectTestRedis } from "./redis.js";

/** Where the tests find PostgreSQL. */
export const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh PostgreSQL schema (migrated before the suite, dropped after) and a fresh Redis key prefix (removed
 * after), for suites on the composed store. Call it inside a `describe`.
 */
export function useComposedStoreFixture(name: string) {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const schema = `gh_${name}_${run}`;
  const keyPrefix = `gh-${name}-${run}:`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const redis = connectTestRedis();

  beforeAll(async () => {
    await migrateToLatest(db, { schema });
  });
  afterAll(async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { db, schema, keyPrefix, redis };
}
