import { randomBytes } from "node:crypto";
import type { ExpiringRepositories } from "@gatehousejs/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { createRedisStore } from "../../src/redis-store.js";

/** Where the tests find Redis. */
export const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether the tests run in CI, where a missing Redis is a failure, never a skip. */
export const inCI = process.env.CI === "true" || process.env.CI === "1";

/** A client for tests: fails fast, so a missing server shows at once instead of hanging a test. */
export function connectTestRedis(url = redisUrl): Redis {
  return new Redis(url, {
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 50, 500),
  });
}

/**
 * Whether the Redis at `REDIS_URL` answers. Outside CI a missing server skips the suites that need it;
 * in CI it throws, so the run fails.
 */
export async function requireRedis(): Promise<boolean> {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch (error) {
    if (inCI) throw new Error(`Redis is required in CI and did not answer at ${redisUrl}.`, { cause: error });
    console.warn(`Redis not reachable at ${redisUrl}: the Redis suites are skipped (they fail in CI).`);
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A key prefix of its own for one test run, so runs never see each other's keys. */
export function testKeyPrefix(): string {
  return `gh-test-${process.pid}-${randomBytes(4).toString("hex")}:`;
}

/** Removes every key under `prefix` (SCAN is for test cleanup only: the adapter never scans). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) removed += await redis.del(key);
  } while (cursor !== "0");
  return removed;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** The fixture of a suite: a client, a prefix of its own and a store on them, cleaned up afterwards. */
export interface RedisFixture {
  readonly redis: Redis;
  readonly prefix: string;
  readonly store: ExpiringRepositories;
}

/** Sets up a {@link RedisFixture} around the current `describe` block. */
export function useRedisStore(options: { commandTimeoutMs?: number } = {}): RedisFixture {
  let fixture: RedisFixture | undefined;
  beforeAll(() => {
    const redis = connectTestRedis();
    const prefix = testKeyPrefix();
    fixture = { redis, prefix, store: createRedisStore({ redis, keyPrefix: prefix, ...options }) };
  });
  afterAll(async () => {
    if (fixture === undefined) return;
    await deleteKeysWithPrefix(fixture.redis, fixture.prefix);
    fixture.redis.disconnect();
  });
  const current = (): RedisFixture => {
    if (fixture === undefined) throw new Error("The Redis fixture is used outside its describe block.");
    return fixture;
  };
  return {
    get redis() {
      return current().redis;
    },
    get prefix() {
      return current().prefix;
    },
    get store() {
      return current().store;
    },
  };
}
