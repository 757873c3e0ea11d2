import type { TokenRepository } from "@gatehousejs/core";
import { conflictError, toJson } from "@gatehousejs/core/adapter-kit";
import { isUniqueViolation, type SqlContext } from "../context.js";
import { toToken } from "../rows.js";

/** The one-time token repository. */
export function createTokenRepository({ db, dialect }: SqlContext): TokenRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
  const usable = (hash: string, kind: string, now: Date) =>
    db
      .selectFrom("tokens")
      .selectAll()
      .where("hash", "=", hash)
      .where("kind", "=", kind as never)
      .where("expires_at", ">", instant(now));

  return {
    async create(token) {
      try {
        await db
          .insertInto("tokens")
          .values({
            hash: token.hash,
            kind: token.kind,
            user_id: token.userId,
            organization_id: token.organizationId,
            created_at: instant(token.createdAt),
            expires_at: instant(token.expiresAt),
            data: toJson(token.data),
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(dialect, error, "primary")) throw error;
        const message = "A token with this hash exists.";
        throw conflictError(message, [{ path: ["hash"], reason: "already-exists", message }], error);
      }
    },

    async consume(hash, kind, now) {
      const gone = db
        .deleteFrom("tokens")
        .where("hash", "=", hash)
        .where("kind", "=", kind)
        .where("expires_at", ">", instant(now));
      if (dialect.returning) {
        // One statement that deletes and returns: of concurrent callers, the first to lock the row deletes
        // it, and every other finds no row once that commits. Exactly one winner, with no transaction needed.
        const row = await gone.returningAll().executeTakeFirst();
        return row === undefined ? null : toToken(row, dialect.fromInstant);
      }
      // Read, then delete: every caller may read the row, but only one delete removes it, and only the caller
      // whose delete did gets the token.
      const row = await usable(hash, kind, now).executeTakeFirst();
      if (row === undefined) return null;
      const result = await gone.executeTakeFirst();
      return result.numDeletedRows === 1n ? toToken(row, dialect.fromInstant) : null;
    },

    async find(hash, kind, now) {
      const row = await usable(hash, kind, now).executeTakeFirst();
      return row === undefined ? null : toToken(row, dialect.fromInstant);
    },

    async deleteByUser(userId, kind) {
      const result = await db
        .deleteFrom("tokens")
        .where("user_id", "=", userId)
        .where("kind", "=", kind)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
