import type { TokenKind } from "../../policy/token.js";
import type { TokenRecord } from "../records.js";
import type { TokenRepository } from "../store.js";
import { conflict, copy } from "./table.js";

/** The memory `TokenRepository`: a map by hash; consuming deletes in the same synchronous step as the read. */
export function createMemoryTokens(): TokenRepository {
  // Expired tokens are hidden, not pruned, for the reason given in the sessions repository: `now` is the caller's.
  const tokens = new Map<string, TokenRecord>();
  const usable = (hash: string, kind: TokenKind, now: Date): TokenRecord | undefined => {
    const token = tokens.get(hash);
    return token !== undefined && token.kind === kind && now.getTime() < token.expiresAt.getTime()
      ? token
      : undefined;
  };

  return {
    async create(token: TokenRecord): Promise<void> {
      if (tokens.has(token.hash)) {
        const message = "A token with this hash exists.";
        throw conflict(message, [{ path: ["hash"], reason: "already-exists", message }]);
      }
      tokens.set(token.hash, copy(token));
    },

    async consume(hash: string, kind: TokenKind, now: Date): Promise<TokenRecord | null> {
      const token = usable(hash, kind, now);
      if (token === undefined) return null;
      tokens.delete(hash);
      return copy(token);
    },

    async find(hash: string, kind: TokenKind, now: Date): Promise<TokenRecord | null> {
      const token = usable(hash, kind, now);
      return token === undefined ? null : copy(token);
    },

    async deleteByUser(userId: string, kind: TokenKind): Promise<number> {
      const voided = [...tokens.values()].filter((token) => token.userId === userId && token.kind === kind);
      for (const token of voided) tokens.delete(token.hash);
      return voided.length;
    },
  };
}
