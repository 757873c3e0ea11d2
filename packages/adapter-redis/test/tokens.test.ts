import { isGatehouseError } from "@gatehousejs/core";
import { describe, expect, it } from "vitest";
import { createRedisStore } from "../src/redis-store.js";
import { after, minutes, t0, tokenRecord } from "./support/records.js";
import { connectTestRedis, requireRedis, useRedisStore } from "./support/redis.js";

const available = await requireRedis();

describe.skipIf(!available)("one-time tokens on Redis", () => {
  const fx = useRedisStore();

  it("finds a token without consuming it, then consumes it exactly once", async () => {
    const token = tokenRecord({ data: { phone: "+15550100" } });
    await fx.store.tokens.create(token);
    expect(await fx.store.tokens.find(token.hash, token.kind, t0)).toEqual(token);
    expect(await fx.store.tokens.find(token.hash, token.kind, t0)).toEqual(token);
    expect(await fx.store.tokens.consume(token.hash, token.kind, t0)).toEqual(token);
    expect(await fx.store.tokens.consume(token.hash, token.kind, t0)).toBeNull();
    expect(await fx.store.tokens.find(token.hash, token.kind, t0)).toBeNull();
  });

  it("gives exactly one of 50 concurrent consumers the token, across connections", async () => {
    const clients = Array.from({ length: 5 }, () => connectTestRedis());
    try {
      const stores = clients.map((redis) => createRedisStore({ redis, keyPrefix: fx.prefix }));
      const token = tokenRecord();
      await fx.store.tokens.create(token);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % stores.length]?.tokens.consume(token.hash, token.kind, t0),
        ),
      );
      expect(results.filter((result) => result !== null)).toEqual([token]);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it("neither finds nor consumes a token as another kind", async () => {
    const token = tokenRecord({ kind: "invitation" });
    await fx.store.tokens.create(token);
    expect(await fx.store.tokens.find(token.hash, "password-reset", t0)).toBeNull();
    expect(await fx.store.tokens.consume(token.hash, "password-reset", t0)).toBeNull();
    expect(await fx.store.tokens.consume(token.hash, "invitation", t0)).toEqual(token);
  });

  it("treats a token as gone once the caller's now reaches its expiresAt", async () => {
    const token = tokenRecord();
    await fx.store.tokens.create(token);
    expect(await fx.store.tokens.find(token.hash, token.kind, after(token.expiresAt, -1))).not.toBeNull();
    expect(await fx.store.tokens.find(token.hash, token.kind, token.expiresAt)).toBeNull();
    expect(await fx.store.tokens.consume(token.hash, token.kind, token.expiresAt)).toBeNull();
  });

  it("gives the key a native TTL from createdAt to expiresAt", async () => {
    const token = tokenRecord({ kind: "sms-code", expiresAt: after(t0, minutes(5)) });
    await fx.store.tokens.create(token);
    const ttl = await fx.redis.pttl(`${fx.prefix}token:sms-code:{${token.hash}}`);
    expect(ttl).toBeGreaterThan(minutes(5) - 5000);
    expect(ttl).toBeLessThanOrEqual(minutes(5));
  });

  it("refuses a second token with the same kind and hash as a CONFLICT naming hash", async () => {
    const token = tokenRecord();
    await fx.store.tokens.create(token);
    const error = await fx.store.tokens.create({ ...token, userId: "usr_mallory" }).catch((e: unknown) => e);
    expect(isGatehouseError(error, "CONFLICT")).toBe(true);
    expect(error).toMatchObject({ details: { issues: [{ path: ["hash"] }] } });
    expect(await fx.store.tokens.find(token.hash, token.kind, t0)).toEqual(token);
  });

  it("deleteByUser voids the user's tokens of one kind only, and counts them", async () => {
    const userId = "usr_voids";
    const resets = [tokenRecord({ userId }), tokenRecord({ userId })];
    const invitation = tokenRecord({ userId, kind: "invitation" });
    const someoneElses = tokenRecord({ userId: "usr_bystander" });
    const used = tokenRecord({ userId });
    for (const token of [...resets, invitation, someoneElses, used]) await fx.store.tokens.create(token);
    await fx.store.tokens.consume(used.hash, used.kind, t0);

    expect(await fx.store.tokens.deleteByUser(userId, "password-reset")).toBe(2);
    for (const token of resets) expect(await fx.store.tokens.find(token.hash, token.kind, t0)).toBeNull();
    expect(await fx.store.tokens.find(invitation.hash, "invitation", t0)).toEqual(invitation);
    expect(await fx.store.tokens.find(someoneElses.hash, someoneElses.kind, t0)).toEqual(someoneElses);
    expect(await fx.store.tokens.deleteByUser(userId, "password-reset")).toBe(0);
  });

  it("does not store a token born expired", async () => {
    const token = tokenRecord({ expiresAt: t0 });
    await fx.store.tokens.create(token);
    expect(await fx.redis.exists(`${fx.prefix}token:password-reset:{${token.hash}}`)).toBe(0);
  });
});
