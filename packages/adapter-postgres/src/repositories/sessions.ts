import type { SessionRecord, SessionRepository } from "@gatehousejs/core";
import type { Kysely, Selectable } from "kysely";
import type { GatehouseTables, SessionsTable } from "../schema.js";
import { conflictError, isUniqueViolation } from "../store-error.js";
import { toDate } from "../values.js";

// Expiry is decided by the `now` the service passes (its clock), never by the database's own clock, so a
// test clock and the server agree. Expired rows are ignored by every read; `purgeExpired` deletes them.

/** The session repository. */
export function createSessionRepository(db: Kysely<GatehouseTables>): SessionRepository {
  return {
    async create(session) {
      try {
        await db
          .insertInto("sessions")
          .values({
            token_hash: session.tokenHash,
            user_id: session.userId,
            organization_id: session.organizationId,
            stage: session.stage,
            second_factor_verified: session.secondFactorVerified,
            created_at: session.createdAt,
            last_active_at: session.lastActiveAt,
            expires_at: session.expiresAt,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error, "sessions_pkey")) throw error;
        const message = "A session with this token hash exists.";
        throw conflictError(message, [{ path: ["tokenHash"], reason: "already-exists", message }], error);
      }
    },

    async find(tokenHash, now) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row === undefined ? null : toSession(row);
    },

    async touch(tokenHash, lastActiveAt, expiresAt) {
      await db
        .updateTable("sessions")
        .set({ last_active_at: lastActiveAt, expires_at: expiresAt })
        .where("token_hash", "=", tokenHash)
        .execute();
    },

    async delete(tokenHash) {
      await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
    },

    async deleteByUser(userId) {
      const rows = await db
        .deleteFrom("sessions")
        .where("user_id", "=", userId)
        .returning("token_hash")
        .execute();
      return rows.length;
    },

    async listByUser(userId, now) {
      const rows = await db
        .selectFrom("sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .where("expires_at", ">", now)
        .orderBy("created_at", "desc")
        .orderBy("token_hash", "desc")
        .execute();
      return rows.map(toSession);
    },
  };
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    organizationId: row.organization_id,
    stage: row.stage,
    secondFactorVerified: row.second_factor_verified,
    createdAt: toDate(row.created_at),
    lastActiveAt: toDate(row.last_active_at),
    expiresAt: toDate(row.expires_at),
  };
}
