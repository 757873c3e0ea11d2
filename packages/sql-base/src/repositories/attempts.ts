import { type AttemptRepository, emptyAttemptState } from "@gatehousejs/core";
import {
  decodeAttemptState,
  encodeAttemptState,
  fromJson,
  toJson,
  toNumber,
} from "@gatehousejs/core/adapter-kit";
import { isUniqueViolation, type SqlContext } from "../context.js";

/** The login-attempt repository: a versioned JSON state per key, written with compare-and-set. */
export function createAttemptRepository({ db, dialect }: SqlContext): AttemptRepository {
  return {
    async get(key) {
      const row = await db
        .selectFrom("login_attempts")
        .select(["state", "version"])
        .where("key", "=", key)
        .executeTakeFirst();
      if (row === undefined) return { state: emptyAttemptState(), version: 0 };
      // Through core's strict codec: a damaged row fails closed (STORAGE_UNAVAILABLE), never reads as 0 failures.
      return { state: decodeAttemptState(fromJson(row.state)), version: toNumber(row.version) };
    },

    async compareAndSet(key, expectedVersion, next, expiresAt) {
      const state = toJson(encodeAttemptState(next));
      const expires_at = dialect.toInstant(expiresAt) as Date;
      // The version comes from a source that never goes back, so a state deleted and stored again never
      // reuses a version that a slow caller still holds (no ABA).
      const version = await dialect.nextAttemptVersion(db);
      if (expectedVersion === 0) {
        // The primary key decides between concurrent first writers: one inserts, the others fail and say so.
        try {
          await db.insertInto("login_attempts").values({ key, state, version, expires_at }).execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(dialect, error)) return false;
          throw error;
        }
      }
      // The row lock of the UPDATE makes a concurrent writer re-check `version` after this one commits,
      // so of callers holding the same version exactly one matches.
      const result = await db
        .updateTable("login_attempts")
        .set({ state, version, expires_at })
        .where("key", "=", key)
        .where("version", "=", expectedVersion)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(key) {
      await db.deleteFrom("login_attempts").where("key", "=", key).execute();
    },
  };
}
