import type { TokenRecord, TokenRepository } from "@gatehousejs/core";
import { decodeToken, encodeToken } from "./codec.js";
import type { Commands } from "./commands.js";
import { conflictError } from "./conflict.js";
import type { KeyLayout } from "./keys.js";
import { lifetimeMs } from "./lifetime.js";
import { createUserIndex } from "./user-index.js";

/**
 * One-time tokens and codes on Redis: one key per kind and hash, with a native TTL counted from the token's
 * `createdAt` to its `expiresAt`, and a per-user, per-kind index for "asking again voids the older links".
 * The kind is part of the key, so a token can only be found or consumed as the kind it was issued as.
 */
export function createTokenRepository(commands: Commands, keys: KeyLayout): TokenRepository {
  const index = createUserIndex(commands);
  const usable = (token: TokenRecord | null, now: Date): TokenRecord | null =>
    token !== null && now.getTime() < token.expiresAt.getTime() ? token : null;

  return {
    async create(token) {
      const ttlMs = lifetimeMs(token.createdAt, token.expiresAt);
      if (ttlMs <= 0) return; // Born expired: nothing could ever consume it.
      // Indexed first, so a token can never exist without "void the older links" being able to find it.
      await index.add("tokens.create", keys.userTokens(token.userId, token.kind), token.hash, ttlMs);
      const written = await commands.run("tokens.create", (redis) =>
        redis.set(keys.token(token.kind, token.hash), encodeToken(token), "PX", ttlMs, "NX"),
      );
      if (written === null) throw conflictError("token", "hash");
    },

    async consume(hash, kind, now) {
      // GETDEL is one atomic step: of concurrent callers exactly one receives the value, every other nil.
      // An expired token is deleted too, which changes nothing: it could never be used again anyway.
      const text = await commands.run("tokens.consume", (redis) => redis.getdel(keys.token(kind, hash)));
      return usable(text === null ? null : decodeToken(text), now);
    },

    async find(hash, kind, now) {
      const text = await commands.run("tokens.find", (redis) => redis.get(keys.token(kind, hash)));
      return usable(text === null ? null : decodeToken(text), now);
    },

    deleteByUser(userId, kind) {
      return index.deleteAll("tokens.deleteByUser", userId, keys.userTokens(userId, kind), (hash) =>
        keys.token(kind, hash),
      );
    },
  };
}
