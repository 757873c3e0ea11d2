import { randomBytes } from "node:crypto";
import { createPostgresStore, migrateToLatest } from "@gatehousejs/adapter-postgres";
import { createRedisStore } from "@gatehousejs/adapter-redis";
import type { Store } from "@gatehousejs/core";
import { Redis } from "ioredis";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";

/** The PostgreSQL server the composed suite uses; CI provides it. */
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** The Redis server the composed suite uses; CI provides it. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** In CI a missing server fails the run; elsewhere the composed suite skips itself, saying why. */
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** A function giving the store of the current test. */
export type StoreSource = () => Store;

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Declares `declare(store, redis)` on the composed store: durable data in PostgreSQL (a fresh schema, dropped
 * afterwards) and sessions, attempts and tokens in Redis (a key prefix of this run, removed afterwards); `redis` lends the client and prefix, for a rate limiter.
 */
export async function describeOnPostgresAndRedis(
  title: string,
  declare: (store: StoreSource, redis: () => { redis: Redis; keyPrefix: string }) => void,
): Promise<void> {
  const [postgresUp, redisUp] = await Promise.all([postgresAnswers(), redisAnswers()]);
  if (!postgresUp || !redisUp) {
    const missing = [
      postgresUp ? null : `no PostgreSQL server answers at ${DATABASE_URL}`,
      redisUp ? null : `no Redis server answers at ${REDIS_URL}`,
    ]
      .filter(Boolean)
      .join(" and ");
    if (IN_CI) throw new Error(`${title}: ${missing}, and CI requires both.`);
    console.warn(`Skipping "${title}": ${missing}. CI fails instead of skipping.`);
    describe.skip(`${title} (${missing})`, () => {
      it("needs PostgreSQL and Redis", () => undefined);
    });
    return;
  }

  describe(title, () => {
    const schema = `gh_binding_${randomBytes(6).toString("hex")}`;
    const keyPrefix = `gh-binding-test-${process.pid}-${randomBytes(4).toString("hex")}:`;
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
    pool.on("error", () => undefined);
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    const redis = new Redis(REDIS_URL, { commandTimeout: 2000, maxRetriesPerRequest: 1 });
    let store: Store | null = null;

    beforeAll(async () => {
      await migrateToLatest(db, { schema });
      store = { ...createPostgresStore({ db, schema }), ...createRedisStore({ redis, keyPrefix }) };
    });
    afterAll(async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    });

    declare(
      () => {
        if (store === null) throw new Error("the composed store is used outside its describe block");
        return store;
      },
      () => ({ redis, keyPrefix }),
    );
  });
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`,
      "COUNT",
      500,
    );
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
