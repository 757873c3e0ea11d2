import {
  type AttemptRepository,
  decodeAttemptState,
  emptyAttemptState,
  encodeAttemptState,
} from "@gatehousejs/core";
import { type Kysely, sql } from "kysely";
import type { GatehouseTables } from "../schema.js";
import { fromJson, toJson, toNumber } from "../values.js";

/** The login-attempt repository: a versioned JSONB state per key, written with compare-and-set. */
export function createAttemptRepository(db: Kysely<GatehouseTables>): AttemptRepository {
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
      if (expectedVersion === 0) {
        // The primary key decides between concurrent first writers: one inserts, the others do nothing.
        const row = await db
          .insertInto("login_attempts")
          .values({ key, state, expires_at: expiresAt })
          .onConflict((oc) => oc.column("key").doNothing())
          .returning("key")
          .executeTakeFirst();
        return row !== undefined;
      }
      // The row lock of the UPDATE makes a concurrent writer re-check `version` after this one commits,
      // so of callers holding the same version exactly one matches. The new version is the identity's next.
      const row = await db
        .updateTable("login_attempts")
        .set({ state, version: sql<never>`default`, expires_at: expiresAt })
        .where("key", "=", key)
        .where("version", "=", expectedVersion)
        .returning("key")
        .executeTakeFirst();
      return row !== undefined;
    },

    async delete(key) {
      await db.deleteFrom("login_attempts").where("key", "=", key).execute();
    },
  };
}
