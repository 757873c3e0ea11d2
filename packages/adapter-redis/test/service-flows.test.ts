import { createPostgresStore, migrateToLatest } from "@gatehouse/adapter-postgres";
import { describeServiceFlows } from "@gatehouse/core/testing";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { connectTestRedis, requireRedis } from "./support/redis.js";

// The service end to end on the composition hosts deploy: durable rows in PostgreSQL, sessions, attempts and
// one-time secrets in Redis.

const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const redisUp = await requireRedis();

describe.runIf(redisUp)("service flows on PostgreSQL + Redis", () => {
  const schema = `gh_flows_${process.pid}_${Date.now().toString(36)}`;
  const keyPrefix = `gh-flows-${process.pid}-${Date.now().toString(36)}:`;
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

  describeServiceFlows(() => ({
    ...createPostgresStore({ db, schema }),
    ...createRedisStore({ redis, keyPrefix }),
  }));
});
