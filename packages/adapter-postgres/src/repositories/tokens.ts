import type { TokenRecord, TokenRepository } from "@gatehousejs/core";
import type { Kysely, Selectable } from "kysely";
import type { GatehouseTables, TokensTable } from "../schema.js";
import { conflictError, isUniqueViolation } from "../store-error.js";
import { fromJson, toDate, toJson } from "../values.js";

/** The one-time token repository. */
export function createTokenRepository(db: Kysely<GatehouseTables>): TokenRepository {
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
            created_at: token.createdAt,
            expires_at: token.expiresAt,
            data: toJson(token.data),
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error, "tokens_pkey")) throw error;
        const message = "A token with this hash exists.";
        throw conflictError(message, [{ path: ["hash"], reason: "already-exists", message }], error);
      }
    },

    async consume(hash, kind, now) {
      // One statement that deletes and returns: of concurrent callers, the first to lock the row deletes
      // it, and every other finds no row once that commits. Exactly one winner, with no transaction needed.
      const row = await db
        .deleteFrom("tokens")
        .where("hash", "=", hash)
        .where("kind", "=", kind)
        .where("expires_at", ">", now)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : toToken(row);
    },

    async find(hash, kind, now) {
      const row = await db
        .selectFrom("tokens")
        .selectAll()
        .where("hash", "=", hash)
        .where("kind", "=", kind)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row === undefined ? null : toToken(row);
    },

    async deleteByUser(userId, kind) {
      const rows = await db
        .deleteFrom("tokens")
        .where("user_id", "=", userId)
        .where("kind", "=", kind)
        .returning("hash")
        .execute();
      return rows.length;
    },
  };
}

function toToken(row: Selectable<TokensTable>): TokenRecord {
  return {
    hash: row.hash,
    kind: row.kind,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    data: fromJson<Record<string, string>>(row.data),
  };
}
