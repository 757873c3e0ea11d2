import type { SessionRepository } from "@gatehousejs/core";
import { conflictError, newAuthorizationVersion } from "@gatehousejs/core/adapter-kit";
import { isUniqueViolation, type SqlContext } from "../context.js";
import { toSession } from "../rows.js";

// Expiry is decided by the `now` the service passes (its clock), never by the database's own clock, so a
// test clock and the server agree. Expired rows are ignored by every read; a purge job deletes them.

/** The session repository, with the organizations' authorization versions (`authorization_versions`). */
export function createSessionRepository({ db, dialect }: SqlContext): SessionRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;

  /** Stores `version` as the organization's first one; false when it has one already. */
  const insertVersion = async (organizationId: string, version: string): Promise<boolean> => {
    try {
      await db
        .insertInto("authorization_versions")
        .values({ organization_id: organizationId, version })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(dialect, error)) return false;
      throw error;
    }
  };

  /** The organization's version, minted when it has none (a missing version never matches a snapshot). */
  const mintVersion = async (organizationId: string): Promise<string> => {
    const version = newAuthorizationVersion();
    if (await insertVersion(organizationId, version)) return version;
    const row = await db
      .selectFrom("authorization_versions")
      .select("version")
      .where("organization_id", "=", organizationId)
      .executeTakeFirstOrThrow();
    return row.version;
  };

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
            principal: session.principal ?? null,
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

    async findCurrent(tokenHash, organizationId, now) {
      // One statement: the session and its organization's version side by side.
      const row = await db
        .selectFrom("sessions")
        .leftJoin("authorization_versions as v", (join) => join.on("v.organization_id", "=", organizationId))
        .selectAll("sessions")
        .select("v.version as authorization_version")
        .where("sessions.token_hash", "=", tokenHash)
        .where("sessions.expires_at", ">", instant(now))
        .executeTakeFirst();
      if (row === undefined) return null;
      const { authorization_version, ...session } = row;
      const version = authorization_version ?? (await mintVersion(organizationId));
      return { session: toSession(session, dialect.fromInstant), version };
    },

    async savePrincipal(tokenHash, principal) {
      // An UPDATE never inserts: a session deleted meanwhile stays gone.
      await db.updateTable("sessions").set({ principal }).where("token_hash", "=", tokenHash).execute();
    },

    async bumpVersion(organizationId) {
      const version = newAuthorizationVersion();
      const result = await db
        .updateTable("authorization_versions")
        .set({ version })
        .where("organization_id", "=", organizationId)
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) return;
      if (await insertVersion(organizationId, version)) return;
      // A concurrent first reader minted one in between: replace it.
      await db
        .updateTable("authorization_versions")
        .set({ version })
        .where("organization_id", "=", organizationId)
        .execute();
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
