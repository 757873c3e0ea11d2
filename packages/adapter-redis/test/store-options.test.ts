import {
  emptyAttemptState,
  isGatehouseError,
  organizationTag,
  StorageUnavailableError,
  sessionKey,
} from "@gatehousejs/core";
import { describe, expect, it } from "vitest";
import type { RedisLike } from "../src/redis-like.js";
import { createRedisStore } from "../src/redis-store.js";
import { after, minutes, sessionRecord, t0, tokenRecord } from "./support/records.js";
import { requireRedis, useRedisStore } from "./support/redis.js";

/** A client whose every command runs `behaviour`. */
function fakeRedis(behaviour: () => Promise<never>): RedisLike {
  return {
    get: behaviour,
    mget: behaviour,
    getdel: behaviour,
    set: behaviour,
    del: behaviour,
    zrange: behaviour,
    zrem: behaviour,
    eval: behaviour,
    evalsha: behaviour,
    isCluster: false,
  };
}

/** One call of every repository method. */
const everyCall = (store: ReturnType<typeof createRedisStore>): Array<[string, () => Promise<unknown>]> => [
  ["sessions.create", () => store.sessions.create(sessionRecord())],
  ["sessions.find", () => store.sessions.find("h", t0)],
  ["sessions.touch", () => store.sessions.touch("h", t0, after(t0, minutes(15)))],
  ["sessions.delete", () => store.sessions.delete("h")],
  ["sessions.deleteByUser", () => store.sessions.deleteByUser("u")],
  ["sessions.listByUser", () => store.sessions.listByUser("u", t0)],
  ["attempts.get", () => store.attempts.get("k")],
  ["attempts.compareAndSet", () => store.attempts.compareAndSet("k", 0, emptyAttemptState(), t0)],
  ["attempts.compareAndSwap", () => store.attempts.compareAndSwap("k", 0, emptyAttemptState(), t0)],
  ["attempts.delete", () => store.attempts.delete("k")],
  ["tokens.create", () => store.tokens.create(tokenRecord())],
  ["tokens.consume", () => store.tokens.consume("h", "password-reset", t0)],
  ["tokens.find", () => store.tokens.find("h", "password-reset", t0)],
  ["tokens.deleteByUser", () => store.tokens.deleteByUser("u", "password-reset")],
  [
    "signInCommit",
    () => {
      const commit = store.signInCommit?.prepare(sessionRecord(), []);
      if (!commit) throw new Error("a single-server store has a signInCommit");
      return commit({ key: "k", expectedVersion: 0, next: null, expiresAt: t0 });
    },
  ],
];

describe("createRedisStore options", () => {
  const redis = fakeRedis(() => new Promise<never>(() => {}));

  it("refuses a key prefix with braces, which would become every key's cluster hash tag", () => {
    expect(() => createRedisStore({ redis, keyPrefix: "{app}:" })).toThrow(/keyPrefix/);
  });

  it("refuses a command timeout that is not a positive number", () => {
    for (const commandTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = (() => {
        try {
          createRedisStore({ redis, commandTimeoutMs });
        } catch (e) {
          return e;
        }
      })();
      expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
    }
  });

  it("offers the one-step sign-in commit on a single server only (its keys are of several cluster slots)", () => {
    const store = createRedisStore({ redis });
    expect(store.signInCommit).toBeDefined();
    expect(store.signInCommit?.sessions).toBe(store.sessions);
    expect(createRedisStore({ redis: { ...redis, isCluster: true } }).signInCommit).toBeUndefined();
    // A client that does not say (a wrapper without `isCluster`) is taken for a cluster.
    expect(createRedisStore({ redis: { ...redis, isCluster: undefined } }).signInCommit).toBeUndefined();
  });

  it("refuses something that is not a Redis client", () => {
    expect(() => createRedisStore({ redis: {} as RedisLike })).toThrow(/redis must be/);
  });
});

describe("failing closed", () => {
  it("turns a command that never answers into STORAGE_UNAVAILABLE within commandTimeoutMs", async () => {
    const store = createRedisStore({
      redis: fakeRedis(() => new Promise<never>(() => {})),
      commandTimeoutMs: 50,
    });
    for (const [name, call] of everyCall(store)) {
      const started = performance.now();
      const error = await call().catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error, name).toBeInstanceOf(StorageUnavailableError);
      expect((error as StorageUnavailableError).message).toContain(name);
      // One bounded round trip: each of these calls fails on its first command.
      expect(elapsed, name).toBeLessThan(50 + 100);
    }
  });

  it("wraps every driver error in STORAGE_UNAVAILABLE with the original as its cause", async () => {
    const driverError = Object.assign(new Error("Connection is closed."), { name: "ReplyError" });
    const store = createRedisStore({ redis: fakeRedis(() => Promise.reject(driverError)) });
    for (const [name, call] of everyCall(store)) {
      const error = await call().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(StorageUnavailableError);
      expect(isGatehouseError(error, "STORAGE_UNAVAILABLE")).toBe(true);
      expect((error as Error).cause, name).toBe(driverError);
    }
  });

  it("wraps an error thrown synchronously by the client too", async () => {
    const boom = new Error("sync failure");
    const store = createRedisStore({
      redis: fakeRedis(() => {
        throw boom;
      }),
    });
    const error = await store.attempts.get("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).cause).toBe(boom);
  });
});

const available = await requireRedis();

describe.skipIf(!available)("scripts and stored data", () => {
  const fx = useRedisStore();

  it("re-sends a script the server has forgotten (SCRIPT FLUSH, a restart, a failover)", async () => {
    const key = "login:flushed@example.com";
    expect(
      await fx.store.attempts.compareAndSet(key, 0, emptyAttemptState(), after(new Date(), minutes(60))),
    ).toBe(true);
    await fx.redis.script("FLUSH");
    const { version } = await fx.store.attempts.get(key);
    expect(
      await fx.store.attempts.compareAndSet(key, version, emptyAttemptState(), after(new Date(), 1e6)),
    ).toBe(true);
  });

  it("treats an unreadable stored record as STORAGE_UNAVAILABLE, never as a miss", async () => {
    // A miss would read as "no failures yet" and let guesses through.
    await fx.redis.set(`${fx.prefix}attempts:{login:garbled@example.com}`, "not json");
    await expect(fx.store.attempts.get("login:garbled@example.com")).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
    await fx.redis.set(`${fx.prefix}session:{garbled}`, JSON.stringify({ tokenHash: "garbled" }));
    await expect(fx.store.sessions.find("garbled", t0)).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it("runs every script and multi-key read on keys of one hash tag, so each call is routed to one cluster slot", async () => {
    const scriptKeys: string[][] = [];
    // Seen as a cluster client: only a single server gets scripts over several slots (sessions.test.ts).
    const recording = new Proxy(fx.redis, {
      get(target, property, receiver) {
        if (property === "isCluster") return true;
        if (property === "evalsha" || property === "eval") {
          return (script: string, numKeys: number, ...rest: Array<string | number>) => {
            scriptKeys.push(rest.slice(0, numKeys).map(String));
            return (target[property] as (...a: unknown[]) => Promise<unknown>)(script, numKeys, ...rest);
          };
        }
        if (property === "mget") {
          return (...keys: string[]) => {
            scriptKeys.push(keys);
            return target.mget(...keys);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const store = createRedisStore({ redis: recording, keyPrefix: fx.prefix });
    const session = sessionRecord({
      userId: "usr_slots",
      tokenHash: sessionKey("org_acme", `${organizationTag("org_acme")}.${"x".repeat(43)}`),
    });
    await store.sessions.create(session);
    await store.sessions.touch(session.tokenHash, after(t0, 1000), after(t0, minutes(16)));
    await store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    await store.sessions.savePrincipal(session.tokenHash, "{}");
    await store.sessions.deleteByUser("usr_slots");
    await store.tokens.create(tokenRecord({ userId: "usr_slots" }));
    await store.tokens.deleteByUser("usr_slots", "password-reset");
    await store.attempts.compareAndSet("login:slots@example.com", 0, emptyAttemptState(), t0);
    expect(scriptKeys.length).toBeGreaterThanOrEqual(8);
    const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    for (const keys of scriptKeys) {
      expect(keys.length).toBeGreaterThanOrEqual(1);
      expect(new Set(keys.map(hashTag)).size, `keys of one script: ${keys.join(", ")}`).toBe(1);
    }
    // The session and its organization's version (one MGET): two keys, one tag.
    expect(scriptKeys.some((keys) => keys.length === 2)).toBe(true);
  });
});
