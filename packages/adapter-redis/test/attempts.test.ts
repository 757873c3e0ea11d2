import {
  type AttemptState,
  decideLoginAttempt,
  emptyAttemptState,
  presets,
  recordFailedAttempt,
} from "@gatehousejs/core";
import { describe, expect, it } from "vitest";
import { minimumAttemptRetentionMs } from "../src/attempt-repository.js";
import { createRedisStore } from "../src/redis-store.js";
import { after, minutes, t0 } from "./support/records.js";
import { connectTestRedis, requireRedis, useRedisStore } from "./support/redis.js";

const available = await requireRedis();
let keyCounter = 0;
const freshKey = (): string => `login:user-${++keyCounter}@example.com`;

const lockedState = (): AttemptState => ({
  failures: 3,
  failureAts: [t0, after(t0, 1000), after(t0, 2000)],
  lastFailureAt: after(t0, 2000),
  lockedUntil: after(t0, minutes(30)),
  locks: 1,
  inFlight: [after(t0, minutes(1))],
});

describe.skipIf(!available)("login attempts on Redis", () => {
  const fx = useRedisStore();
  const far = after(new Date(), minutes(60 * 24 * 400));

  it("reads an empty state at version 0 when nothing is stored", async () => {
    expect(await fx.store.attempts.get(freshKey())).toEqual({ state: emptyAttemptState(), version: 0 });
  });

  it("stores a state with compare-and-set and reads it back with its dates", async () => {
    const key = freshKey();
    expect(await fx.store.attempts.compareAndSet(key, 0, lockedState(), far)).toBe(true);
    const stored = await fx.store.attempts.get(key);
    expect(stored.state).toEqual(lockedState());
    expect(stored.version).toBeGreaterThan(0);
  });

  it("refuses a write against a stale version and keeps the stored state", async () => {
    const key = freshKey();
    await fx.store.attempts.compareAndSet(key, 0, emptyAttemptState(), far);
    const { version } = await fx.store.attempts.get(key);
    expect(await fx.store.attempts.compareAndSet(key, version, lockedState(), far)).toBe(true);
    expect(await fx.store.attempts.compareAndSet(key, version, emptyAttemptState(), far)).toBe(false);
    expect(await fx.store.attempts.compareAndSet(key, 0, emptyAttemptState(), far)).toBe(false);
    expect((await fx.store.attempts.get(key)).state).toEqual(lockedState());
  });

  it("lets exactly one of 50 concurrent writers with the same version win, across connections", async () => {
    // Five separate connections stand for five app instances.
    const clients = Array.from({ length: 5 }, () => connectTestRedis());
    try {
      const stores = clients.map((redis) => createRedisStore({ redis, keyPrefix: fx.prefix }));
      const key = freshKey();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % stores.length]?.attempts.compareAndSet(
            key,
            0,
            { ...emptyAttemptState(), failures: i },
            far,
          ),
        ),
      );
      expect(outcomes.filter((won) => won === true)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect((await fx.store.attempts.get(key)).state.failures).toBe(winner);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it("never reuses a version after a delete, so a slow caller cannot overwrite the new state", async () => {
    const key = freshKey();
    await fx.store.attempts.compareAndSet(key, 0, lockedState(), far);
    const slow = await fx.store.attempts.get(key);
    await fx.store.attempts.delete(key);
    expect(await fx.store.attempts.get(key)).toEqual({ state: emptyAttemptState(), version: 0 });
    // Stored again, and moved on by as many writes as the slow caller's version counts.
    expect(await fx.store.attempts.compareAndSet(key, 0, emptyAttemptState(), far)).toBe(true);
    let { version } = await fx.store.attempts.get(key);
    for (let i = 0; i < 3; i++) {
      expect(await fx.store.attempts.compareAndSet(key, version, emptyAttemptState(), far)).toBe(true);
      version = (await fx.store.attempts.get(key)).version;
    }
    expect(version).not.toBe(slow.version);
    expect(await fx.store.attempts.compareAndSet(key, slow.version, lockedState(), far)).toBe(false);
  });

  it("expires the state at expiresAt on the server's clock", async () => {
    const key = freshKey();
    const expiresAt = after(new Date(), minutes(60 * 24 * 3));
    await fx.store.attempts.compareAndSet(key, 0, lockedState(), expiresAt);
    const expireTime = await fx.redis.pexpiretime(`${fx.prefix}attempts:{${key}}`);
    expect(expireTime).toBe(expiresAt.getTime());
  });

  it("keeps a state whose expiresAt has already passed on the server's clock for the minimum retention", async () => {
    // A caller whose clock runs behind Redis' (here: years behind) must not see its counter dropped at once.
    const key = freshKey();
    expect(await fx.store.attempts.compareAndSet(key, 0, lockedState(), after(t0, minutes(30)))).toBe(true);
    expect((await fx.store.attempts.get(key)).state).toEqual(lockedState());
    const ttl = await fx.redis.pttl(`${fx.prefix}attempts:{${key}}`);
    expect(ttl).toBeGreaterThan(minimumAttemptRetentionMs - 5000);
  });

  it("delete forgets the state", async () => {
    const key = freshKey();
    await fx.store.attempts.compareAndSet(key, 0, lockedState(), far);
    await fx.store.attempts.delete(key);
    expect(await fx.store.attempts.get(key)).toEqual({ state: emptyAttemptState(), version: 0 });
    await fx.store.attempts.delete(key);
  });

  it("runs the core lockout policy through get → decide → compare-and-set without losing a failure", async () => {
    // 20 concurrent wrong passwords, enterprise policy, no quick-retry rule: the counter must count each one
    // that was let through, and never let through more than the allowance at once.
    const policy = { ...presets.enterprise.lockout, quickRetryMs: 0 };
    const key = freshKey();
    const clients = Array.from({ length: 4 }, () => connectTestRedis());
    let verified = 0;
    try {
      const stores = clients.map((redis) => createRedisStore({ redis, keyPrefix: fx.prefix }));
      const update = async (
        i: number,
        decide: (state: AttemptState) => { next: AttemptState; verify: boolean },
      ): Promise<boolean> => {
        const attempts = stores[i % stores.length]?.attempts;
        if (attempts === undefined) throw new Error("no store");
        for (;;) {
          const { state, version } = await attempts.get(key);
          const { next, verify } = decide(state);
          if (next === state || (await attempts.compareAndSet(key, version, next, far))) return verify;
        }
      };
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const now = after(t0, 10);
          const go = await update(i, (state) => {
            const decision = decideLoginAttempt(state, policy, now);
            return { next: decision.next, verify: decision.kind === "verify" };
          });
          if (!go) return;
          verified += 1;
          await update(i, (state) => ({ next: recordFailedAttempt(state, policy, now).next, verify: false }));
        }),
      );
    } finally {
      for (const client of clients) client.disconnect();
    }
    const { state } = await fx.store.attempts.get(key);
    expect(verified).toBeLessThanOrEqual(policy.maxFailures);
    expect(state.failures).toBe(verified);
    expect(state.lockedUntil).not.toBeNull();
    expect(state.inFlight).toEqual([]);
  });
});
