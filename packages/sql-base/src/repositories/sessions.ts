import type { SessionRepository } from "@gatehousejs/core";
import { conflictError } from "@gatehousejs/core/adapter-kit";
import { isUniqueViolation, type SqlContext } from "../context.js";
import { toSession } from "../rows.js";

// Expiry is decided by the `now` the service passes (its clock), never by the database's own clock, so a
// test clock and the server agree. Expired rows are ignored by every read; a purge job deletes them.

/** The session repository. */
export function createSessionRepository({ db, dialect }: SqlContext): SessionRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
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
            created_at: instant(session.createdAt),
            last_active_at: instant(session.lastActiveAt),
            expires_at: instant(session.expiresAt),
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(dialect, error, "primary")) throw error;
        const message = "A session with this token hash exists.";
        throw conflictError(message, [{ path: ["tokenHash"], reason: "already-exists", message }], error);
      }
    },

    async find(tokenHash, now) {
      const row = await db
        .selectFrom("sessions")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .where("expires_at", ">", instant(now))
        .executeTakeFirst();
      return row === undefined ? null : toSession(row, dialect.fromInstant);
    },

    async touch(tokenHash, lastActiveAt, expiresAt) {
      await db
        .updateTable("sessions")
        .set({ last_active_at: instant(lastActiveAt), expires_at: instant(expiresAt) })
        .where("token_hash", "=", tokenHash)
        .execute();
    },

    async delete(tokenHash) {
      await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
    },

    async deleteByUser(userId) {
      const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async listByUser(userId, now) {
      const rows = await db
        .selectFrom("sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .where("expires_at", ">", instant(now))
        .orderBy("created_at", "desc")
        .orderBy("token_hash", "desc")
        .execute();
      return rows.map((row) => toSession(row, dialect.fromInstant));
    },
  };
}
