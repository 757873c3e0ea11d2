import { describe, expect, it } from "vitest";
import { generateToken, hashToken } from "../../crypto/tokens.js";
import { DAY_MS, type SuiteContext } from "../context.js";
import { makeSession } from "../fixtures.js";

const MINUTE_MS = 60_000;

/** The `SessionRepository` cases. Expiries lie in the real future, so native TTLs never interfere. */
export function describeSessions(ctx: SuiteContext): void {
  const sessions = () => ctx.store().sessions;

  describe("sessions", () => {
    it("create stores a session that find returns field for field", async () => {
      const session = makeSession(await ctx.newOwner(), { stage: "mfa", secondFactorVerified: true });
      await sessions().create(session);
      expect(await sessions().find(session.tokenHash, session.createdAt)).toEqual(session);
    });

    it("find returns null for an unknown token hash", async () => {
      expect(await sessions().find(hashToken(generateToken()), new Date())).toBeNull();
    });

    it("find returns the session until now reaches expiresAt, and null from that instant", async () => {
      const session = makeSession(await ctx.newOwner());
      await sessions().create(session);
      const expiry = session.expiresAt.getTime();
      expect(await sessions().find(session.tokenHash, new Date(expiry - 1))).toEqual(session);
      expect(await sessions().find(session.tokenHash, new Date(expiry))).toBeNull();
      expect(await sessions().find(session.tokenHash, new Date(expiry + DAY_MS))).toBeNull();
    });

    it("touch moves lastActiveAt and expiresAt", async () => {
      const session = makeSession(await ctx.newOwner());
      await sessions().create(session);
      const lastActiveAt = new Date(session.createdAt.getTime() + 5 * MINUTE_MS);
      const expiresAt = new Date(session.expiresAt.getTime() + DAY_MS);
      await sessions().touch(session.tokenHash, lastActiveAt, expiresAt);
      const found = await sessions().find(session.tokenHash, session.expiresAt);
      expect(found).toEqual({ ...session, lastActiveAt, expiresAt });
      expect(await sessions().find(session.tokenHash, expiresAt)).toBeNull();
    });

    it("touch does not bring back a deleted session", async () => {
      const session = makeSession(await ctx.newOwner());
      await sessions().create(session);
      await sessions().delete(session.tokenHash);
      await sessions().touch(session.tokenHash, new Date(), new Date(Date.now() + DAY_MS));
      expect(await sessions().find(session.tokenHash, session.createdAt)).toBeNull();
    });

    it("delete ends the session, and deleting it again is harmless", async () => {
      const session = makeSession(await ctx.newOwner());
      await sessions().create(session);
      await sessions().delete(session.tokenHash);
      expect(await sessions().find(session.tokenHash, session.createdAt)).toBeNull();
      await expect(sessions().delete(session.tokenHash)).resolves.toBeUndefined();
    });

    it("deleteByUser ends every session of the user, and only theirs, returning how many", async () => {
      const owner = await ctx.newOwner();
      const other = await ctx.newOwner();
      const mine = [makeSession(owner), makeSession(owner), makeSession(owner)];
      const theirs = makeSession(other);
      for (const session of [...mine, theirs]) await sessions().create(session);
      expect(await sessions().deleteByUser(owner.id)).toBe(3);
      for (const session of mine)
        expect(await sessions().find(session.tokenHash, session.createdAt)).toBeNull();
      expect(await sessions().find(theirs.tokenHash, theirs.createdAt)).toEqual(theirs);
      expect(await sessions().deleteByUser(owner.id)).toBe(0);
    });

    it("listByUser returns the user's live sessions, newest first", async () => {
      const owner = await ctx.newOwner();
      const base = Date.now();
      const at = (minutes: number) => new Date(base + minutes * MINUTE_MS);
      const oldest = makeSession(owner, { createdAt: at(0), lastActiveAt: at(0), expiresAt: at(24 * 60) });
      const expired = makeSession(owner, { createdAt: at(1), lastActiveAt: at(1), expiresAt: at(5) });
      const newest = makeSession(owner, { createdAt: at(2), lastActiveAt: at(2), expiresAt: at(24 * 60) });
      const theirs = makeSession(await ctx.newOwner(), { createdAt: at(3), lastActiveAt: at(3) });
      for (const session of [oldest, newest, expired, theirs]) await sessions().create(session);
      // `now` is past one session's expiry while its native TTL, if any, still keeps it: the store must compare.
      expect(await sessions().listByUser(owner.id, at(10))).toEqual([newest, oldest]);
      expect(await sessions().listByUser(owner.id, at(24 * 60))).toEqual([]);
    });
  });
}
