import { describe, expect, it } from "vitest";
import { generateToken, hashToken } from "../../crypto/tokens.js";
import { RACERS, type SuiteContext } from "../context.js";
import { makeToken } from "../fixtures.js";

/** The `TokenRepository` cases. Expiries lie in the real future, so native TTLs never interfere. */
export function describeTokens(ctx: SuiteContext): void {
  const tokens = () => ctx.store().tokens;

  describe("tokens", () => {
    it("consume returns the token field for field once, then null", async () => {
      const token = makeToken(await ctx.newOwner(), { kind: "sms-code", data: { phone: "+15555550100" } });
      await tokens().create(token);
      expect(await tokens().consume(token.hash, "sms-code", token.createdAt)).toEqual(token);
      expect(await tokens().consume(token.hash, "sms-code", token.createdAt)).toBeNull();
      expect(await tokens().find(token.hash, "sms-code", token.createdAt)).toBeNull();
    });

    it("consume and find return null for an unknown hash", async () => {
      const hash = hashToken(generateToken());
      expect(await tokens().consume(hash, "password-reset", new Date())).toBeNull();
      expect(await tokens().find(hash, "password-reset", new Date())).toBeNull();
    });

    it("a token is usable until now reaches expiresAt, and not from that instant", async () => {
      const owner = await ctx.newOwner();
      const expired = makeToken(owner);
      const live = makeToken(owner);
      await tokens().create(expired);
      await tokens().create(live);
      const justBefore = new Date(live.expiresAt.getTime() - 1);
      expect(await tokens().find(expired.hash, expired.kind, expired.expiresAt)).toBeNull();
      expect(await tokens().consume(expired.hash, expired.kind, expired.expiresAt)).toBeNull();
      expect(await tokens().find(live.hash, live.kind, justBefore)).toEqual(live);
      expect(await tokens().consume(live.hash, live.kind, justBefore)).toEqual(live);
    });

    it("a token of another kind is neither found nor consumed", async () => {
      const token = makeToken(await ctx.newOwner(), { kind: "password-reset" });
      await tokens().create(token);
      expect(await tokens().find(token.hash, "invitation", token.createdAt)).toBeNull();
      expect(await tokens().consume(token.hash, "invitation", token.createdAt)).toBeNull();
      expect(await tokens().consume(token.hash, "password-reset", token.createdAt)).toEqual(token);
    });

    it("find does not consume the token", async () => {
      const token = makeToken(await ctx.newOwner(), { kind: "activation" });
      await tokens().create(token);
      expect(await tokens().find(token.hash, "activation", token.createdAt)).toEqual(token);
      expect(await tokens().find(token.hash, "activation", token.createdAt)).toEqual(token);
      expect(await tokens().consume(token.hash, "activation", token.createdAt)).toEqual(token);
    });

    it(`of ${RACERS} concurrent consumers of one token, exactly one gets it`, async () => {
      const token = makeToken(await ctx.newOwner(), { kind: "invitation" });
      await tokens().create(token);
      const results = await Promise.all(
        Array.from({ length: RACERS }, () => tokens().consume(token.hash, "invitation", token.createdAt)),
      );
      expect(results.filter((result) => result !== null)).toEqual([token]);
    });

    it("deleteByUser voids every token of that kind of that user, and no other, returning how many", async () => {
      const owner = await ctx.newOwner();
      const other = await ctx.newOwner();
      const resets = [makeToken(owner), makeToken(owner)];
      const invitation = makeToken(owner, { kind: "invitation" });
      const othersReset = makeToken(other);
      for (const token of [...resets, invitation, othersReset]) await tokens().create(token);
      expect(await tokens().deleteByUser(owner.id, "password-reset")).toBe(2);
      for (const token of resets)
        expect(await tokens().find(token.hash, token.kind, token.createdAt)).toBeNull();
      expect(await tokens().find(invitation.hash, "invitation", invitation.createdAt)).toEqual(invitation);
      expect(await tokens().find(othersReset.hash, "password-reset", othersReset.createdAt)).toEqual(
        othersReset,
      );
      expect(await tokens().deleteByUser(owner.id, "password-reset")).toBe(0);
    });
  });
}
