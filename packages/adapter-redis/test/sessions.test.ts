import { isGatehouseError } from "@gatehousejs/core";
import { describe, expect, it } from "vitest";
import type { RedisLike } from "../src/redis-like.js";
import { createRedisStore } from "../src/redis-store.js";
import { after, minutes, sessionRecord, t0 } from "./support/records.js";
import { requireRedis, useRedisStore } from "./support/redis.js";

const available = await requireRedis();

describe.skipIf(!available)("sessions on Redis", () => {
  const fx = useRedisStore();

  it("finds a stored session with its dates revived", async () => {
    const session = sessionRecord({ stage: "mfa", secondFactorVerified: true });
    await fx.store.sessions.create(session);
    expect(await fx.store.sessions.find(session.tokenHash, after(t0, 1000))).toEqual(session);
    expect(await fx.store.sessions.find("unknown", t0)).toBeNull();
  });

  it("stops finding a session when the caller's now reaches its expiresAt", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const { expiresAt } = session;
    expect(await fx.store.sessions.find(session.tokenHash, after(expiresAt, -1))).not.toBeNull();
    expect(await fx.store.sessions.find(session.tokenHash, expiresAt)).toBeNull();
    expect(await fx.store.sessions.find(session.tokenHash, after(expiresAt, minutes(60)))).toBeNull();
  });

  it("gives the key a native TTL of the idle deadline, counted from the write", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const ttl = await fx.redis.pttl(`${fx.prefix}session:{${session.tokenHash}}`);
    expect(ttl).toBeGreaterThan(minutes(15) - 5000);
    expect(ttl).toBeLessThanOrEqual(minutes(15));
  });

  it("keeps the index alive at least as long as the user's longest session", async () => {
    const userId = "usr_index_ttl";
    await fx.store.sessions.create(sessionRecord({ userId, expiresAt: after(t0, minutes(10)) }));
    await fx.store.sessions.create(sessionRecord({ userId, expiresAt: after(t0, minutes(40)) }));
    await fx.store.sessions.create(sessionRecord({ userId, expiresAt: after(t0, minutes(20)) }));
    const ttl = await fx.redis.pttl(`${fx.prefix}user-sessions:{${userId}}`);
    expect(ttl).toBeGreaterThan(minutes(40) - 5000);
  });

  it("touch moves lastActiveAt, expiresAt and the native TTL", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const lastActiveAt = after(t0, minutes(10));
    const expiresAt = after(lastActiveAt, minutes(15));
    await fx.store.sessions.touch(session.tokenHash, lastActiveAt, expiresAt);

    expect(await fx.store.sessions.find(session.tokenHash, after(t0, minutes(20)))).toEqual({
      ...session,
      lastActiveAt,
      expiresAt,
    });
    expect(await fx.store.sessions.find(session.tokenHash, expiresAt)).toBeNull();
  });

  it("touch never brings back a session that is gone", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    await fx.store.sessions.delete(session.tokenHash);
    await fx.store.sessions.touch(session.tokenHash, after(t0, 1000), after(t0, minutes(16)));
    expect(await fx.store.sessions.find(session.tokenHash, after(t0, 2000))).toBeNull();
    expect(await fx.redis.exists(`${fx.prefix}session:{${session.tokenHash}}`)).toBe(0);
  });

  it("enforces the absolute lifetime through expiresAt, whatever the activity", async () => {
    // The service caps expiresAt at the absolute deadline; activity right before it cannot extend it.
    const absolute = after(t0, minutes(12 * 60));
    const session = sessionRecord({ expiresAt: after(t0, minutes(15)) });
    await fx.store.sessions.create(session);
    const lastActiveAt = after(absolute, -minutes(5));
    await fx.store.sessions.touch(session.tokenHash, lastActiveAt, absolute);
    expect(await fx.store.sessions.find(session.tokenHash, after(absolute, -1))).not.toBeNull();
    expect(await fx.store.sessions.find(session.tokenHash, absolute)).toBeNull();
  });

  it("refuses a second session with the same token hash as a CONFLICT naming tokenHash", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const error = await fx.store.sessions
      .create({ ...session, userId: "usr_mallory" })
      .catch((e: unknown) => e);
    expect(isGatehouseError(error, "CONFLICT")).toBe(true);
    expect(error).toMatchObject({ details: { issues: [{ path: ["tokenHash"] }] } });
    expect(await fx.store.sessions.find(session.tokenHash, t0)).toEqual(session);
  });

  it("deleteByUser ends every session of the user and only theirs, and counts them", async () => {
    const userId = "usr_delete_all";
    const mine = [sessionRecord({ userId }), sessionRecord({ userId }), sessionRecord({ userId })];
    const theirs = sessionRecord({ userId: "usr_bystander" });
    for (const session of [...mine, theirs]) await fx.store.sessions.create(session);
    await fx.store.sessions.delete(mine[0]?.tokenHash ?? "");

    expect(await fx.store.sessions.deleteByUser(userId)).toBe(2);
    for (const session of mine) expect(await fx.store.sessions.find(session.tokenHash, t0)).toBeNull();
    expect(await fx.store.sessions.find(theirs.tokenHash, t0)).toEqual(theirs);
    expect(await fx.store.sessions.deleteByUser(userId)).toBe(0);
    expect(await fx.store.sessions.deleteByUser("usr_nobody")).toBe(0);
  });

  it("deleteByUser never ends another user's session, even one its index names", async () => {
    // A create refused as a conflict has already indexed the hash under the refused user.
    const victim = sessionRecord({ userId: "usr_victim" });
    await fx.store.sessions.create(victim);
    await fx.store.sessions.create({ ...victim, userId: "usr_other" }).catch(() => {});
    expect(await fx.store.sessions.deleteByUser("usr_other")).toBe(0);
    expect(await fx.store.sessions.find(victim.tokenHash, t0)).toEqual(victim);
  });

  it("a session whose record lands after a deleteByUser is still ended by the next one", async () => {
    // The create is caught between its two steps (indexed, record not yet written) by a deleteByUser.
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The two-step creation of a cluster client (index, then record); a single server does both in one script.
    const slowWrites = new Proxy(fx.redis, {
      get(target, property, receiver) {
        if (property === "isCluster") return true;
        if (property === "set") {
          return async (...args: Parameters<RedisLike["set"]>) => {
            await gate;
            return (target.set as (...a: unknown[]) => Promise<unknown>)(...args);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const slowStore = createRedisStore({ redis: slowWrites, keyPrefix: fx.prefix, commandTimeoutMs: 5000 });
    const userId = "usr_race";
    const session = sessionRecord({ userId });

    const creating = slowStore.sessions.create(session);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await fx.store.sessions.deleteByUser(userId)).toBe(0);
    release();
    await creating;

    expect(await fx.store.sessions.find(session.tokenHash, t0)).not.toBeNull();
    expect(await fx.store.sessions.deleteByUser(userId)).toBe(1);
    expect(await fx.store.sessions.find(session.tokenHash, t0)).toBeNull();
  });

  it("creates a session in one round trip on a single server, and a conflict writes nothing", async () => {
    const calls: string[] = [];
    const counted = new Proxy(fx.redis, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function" || typeof property !== "string") return value;
        return (...args: unknown[]) => {
          calls.push(property);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const store = createRedisStore({ redis: counted, keyPrefix: fx.prefix });
    const session = sessionRecord({ userId: "usr_one_trip" });
    await store.sessions.create(session);
    expect(calls).toEqual(["evalsha"]);
    expect(await store.sessions.find(session.tokenHash, t0)).toEqual(session);
    expect(await fx.redis.zrange(`${fx.prefix}user-sessions:{usr_one_trip}`, 0, "-1")).toEqual([
      session.tokenHash,
    ]);

    // The taken token hash under another user: refused before the other user's index is touched.
    const error = await store.sessions.create({ ...session, userId: "usr_taker" }).catch((e: unknown) => e);
    expect(isGatehouseError(error, "CONFLICT")).toBe(true);
    expect(await fx.redis.exists(`${fx.prefix}user-sessions:{usr_taker}`)).toBe(0);
    expect(await store.sessions.find(session.tokenHash, t0)).toEqual(session);
  });

  it("findCurrent answers a fresh record each time, and follows every change of the stored session", async () => {
    const session = sessionRecord({ principal: '{"snapshot":1}' });
    await fx.store.sessions.create(session);
    const first = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    expect(first?.session).toEqual(session);
    // A caller changing what it was handed changes nothing for the next request.
    first?.session.expiresAt.setTime(0);
    (first?.session as { stage: string }).stage = "mfa";
    const second = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    expect(second?.session).toEqual(session);

    const lastActiveAt = after(t0, minutes(5));
    const expiresAt = after(lastActiveAt, minutes(15));
    await fx.store.sessions.touch(session.tokenHash, lastActiveAt, expiresAt);
    await fx.store.sessions.savePrincipal(session.tokenHash, '{"snapshot":2}');
    const touched = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", lastActiveAt);
    expect(touched?.session).toEqual({ ...session, lastActiveAt, expiresAt, principal: '{"snapshot":2}' });
    await fx.store.sessions.delete(session.tokenHash);
    expect(await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", lastActiveAt)).toBeNull();
  });

  it("findCurrent mints the organization's version when it is missing, and keeps it", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const versionKey = `${fx.prefix}authz:{${Buffer.from("org_acme").toString("base64url")}}`;
    await fx.redis.del(versionKey);
    const minted = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    expect(minted?.version).toMatch(/^\S{8,}$/);
    expect(await fx.redis.get(versionKey)).toBe(minted?.version);
    expect((await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0))?.version).toBe(
      minted?.version,
    );
    await fx.store.sessions.bumpVersion("org_acme");
    const bumped = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    expect(bumped?.version).not.toBe(minted?.version);
  });

  it("reads the sessions validated in one turn with one MGET, per organization on a cluster", async () => {
    const sessions = [
      sessionRecord({ organizationId: "org_acme" }),
      sessionRecord({ organizationId: "org_beta", userId: "usr_bob" }),
      sessionRecord({ organizationId: "org_acme", userId: "usr_carol" }),
    ];
    for (const session of sessions) await fx.store.sessions.create(session);
    await fx.store.sessions.bumpVersion("org_acme");
    await fx.store.sessions.bumpVersion("org_beta");
    const versionKey = (organizationId: string) =>
      `${fx.prefix}authz:{${Buffer.from(organizationId).toString("base64url")}}`;

    for (const isCluster of [false, true]) {
      const mgets: string[][] = [];
      const client = withCommand(fx.redis, { isCluster }, "mget", (keys) => mgets.push(keys));
      const store = createRedisStore({ redis: client, keyPrefix: fx.prefix });
      const found = await Promise.all(
        sessions.map((s) => store.sessions.findCurrent(s.tokenHash, s.organizationId, t0)),
      );
      expect(found.map((current) => current?.session)).toEqual(sessions);
      expect(found.map((current) => current?.version)).toEqual(
        await fx.redis.mget(versionKey("org_acme"), versionKey("org_beta"), versionKey("org_acme")),
      );
      // One command for the turn on a single server; on a cluster one per organization (one slot each). An
      // organization's version key is read once per command, however many of its sessions are in it.
      expect(mgets.map((keys) => keys.filter((key) => key.includes(":authz:")))).toEqual(
        isCluster
          ? [[versionKey("org_acme")], [versionKey("org_beta")]]
          : [[versionKey("org_acme"), versionKey("org_beta")]],
      );
      // Three sessions and two versions, whichever way they are grouped.
      expect(mgets.flat()).toHaveLength(5);
    }
  });

  it("splits a burst of reads into commands of at most 256 sessions", async () => {
    const sessions = Array.from({ length: 300 }, (_, i) => sessionRecord({ userId: `usr_burst_${i}` }));
    await Promise.all(sessions.map((session) => fx.store.sessions.create(session)));
    const mgets: string[][] = [];
    const client = withCommand(fx.redis, {}, "mget", (keys) => mgets.push(keys));
    const store = createRedisStore({ redis: client, keyPrefix: fx.prefix });
    const found = await Promise.all(
      sessions.map((s) => store.sessions.findCurrent(s.tokenHash, s.organizationId, t0)),
    );
    expect(found.map((current) => current?.session)).toEqual(sessions);
    // Each command: the sessions and the organization's version, once.
    expect(mgets.map((keys) => keys.length)).toEqual([257, 45]);
  });

  it("a failed MGET fails every read of its turn as STORAGE_UNAVAILABLE, and the next turn reads again", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    let failures = 1;
    const client = withCommand(fx.redis, {}, "mget", () => {
      if (failures-- > 0) throw new Error("connection reset");
    });
    const store = createRedisStore({ redis: client, keyPrefix: fx.prefix });
    const reads = await Promise.allSettled(
      [1, 2].map(() => store.sessions.findCurrent(session.tokenHash, "org_acme", t0)),
    );
    for (const read of reads) {
      expect(read.status).toBe("rejected");
      const reason = (read as PromiseRejectedResult).reason;
      expect(isGatehouseError(reason, "STORAGE_UNAVAILABLE")).toBe(true);
      expect(String(reason.message)).toContain("sessions.findCurrent");
    }
    expect((await store.sessions.findCurrent(session.tokenHash, "org_acme", t0))?.session).toEqual(session);
  });

  it("a read sees every write the process sent before it, even one not yet answered", async () => {
    const session = sessionRecord();
    await fx.store.sessions.create(session);
    const before = await fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0);
    const bumping = fx.store.sessions.bumpVersion("org_acme");
    const deleting = fx.store.sessions.delete(session.tokenHash);
    const other = sessionRecord({ userId: "usr_dave" });
    const creating = fx.store.sessions.create(other);
    const [gone, created] = await Promise.all([
      fx.store.sessions.findCurrent(session.tokenHash, "org_acme", t0),
      fx.store.sessions.findCurrent(other.tokenHash, "org_acme", t0),
    ]);
    await Promise.all([bumping, deleting, creating]);
    expect(gone).toBeNull();
    expect(created?.session).toEqual(other);
    expect(created?.version).not.toBe(before?.version);
  });

  it("listByUser returns the user's live sessions, newest first", async () => {
    const userId = "usr_list";
    const oldest = sessionRecord({
      userId,
      createdAt: t0,
      lastActiveAt: t0,
      expiresAt: after(t0, minutes(15)),
    });
    const middle = sessionRecord({
      userId,
      createdAt: after(t0, minutes(1)),
      lastActiveAt: after(t0, minutes(1)),
      expiresAt: after(t0, minutes(16)),
    });
    const newest = sessionRecord({
      userId,
      createdAt: after(t0, minutes(2)),
      lastActiveAt: after(t0, minutes(2)),
      expiresAt: after(t0, minutes(5)),
    });
    for (const session of [middle, oldest, newest, sessionRecord({ userId: "usr_someone" })]) {
      await fx.store.sessions.create(session);
    }
    expect(await fx.store.sessions.listByUser(userId, after(t0, minutes(3)))).toEqual([
      newest,
      middle,
      oldest,
    ]);
    // At 15:00 the newest has expired (idle) and the oldest has just reached its deadline.
    expect(await fx.store.sessions.listByUser(userId, after(t0, minutes(15)))).toEqual([middle]);
    expect(await fx.store.sessions.listByUser("usr_nobody", t0)).toEqual([]);
  });

  it("does not store a session that is already expired on the caller's clock", async () => {
    const session = sessionRecord({
      lastActiveAt: after(t0, minutes(15)),
      expiresAt: after(t0, minutes(15)),
    });
    await fx.store.sessions.create(session);
    expect(await fx.redis.exists(`${fx.prefix}session:{${session.tokenHash}}`)).toBe(0);
  });
});

/**
 * The test client with `overrides` on top, whose `name` command reports its arguments to `spy` first (a spy
 * that throws fails the command, as a dropped connection would).
 */
function withCommand(
  redis: RedisLike,
  overrides: Partial<RedisLike>,
  name: keyof RedisLike,
  spy: (args: string[]) => void,
): RedisLike {
  return new Proxy(redis, {
    get(target, property, receiver) {
      if (property in overrides) return overrides[property as keyof RedisLike];
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property !== name) return value.bind(target);
      return async (...args: string[]) => {
        spy(args);
        return value.apply(target, args);
      };
    },
  });
}
