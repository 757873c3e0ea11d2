import {
  type AttemptRepository,
  type AttemptState,
  emptyAttemptState,
  type VersionedAttemptState,
} from "@gatehousejs/core";
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
  async function get(key: string): Promise<VersionedAttemptState> {
    const row = await db
      .selectFrom("login_attempts")
      .select(["state", "version"])
      .where("key", "=", key)
      .executeTakeFirst();
    if (row === undefined) return { state: emptyAttemptState(), version: 0 };
    // Through core's strict codec: a damaged row fails closed (STORAGE_UNAVAILABLE), never reads as 0 failures.
    return { state: decodeAttemptState(fromJson(row.state)), version: toNumber(row.version) };
  }

  /** Stores `next` if the version is still `expectedVersion`; the version written, or `null` if it differed. */
  async function store(
    key: string,
    expectedVersion: number,
    next: AttemptState,
    expiresAt: Date,
  ): Promise<number | null> {
    const state = toJson(encodeAttemptState(next));
    const expires_at = dialect.toInstant(expiresAt) as Date;
    // The version comes from a source that never goes back, so a state deleted and stored again never
    // reuses a version that a slow caller still holds (no ABA).
    const version = await dialect.nextAttemptVersion(db);
    // A dialect whose version is an SQL expression (a column default from a sequence) reads it back with
    // RETURNING, in the same statement; one that hands out a number already knows it.
    const known = typeof version === "number" ? version : null;
    if (expectedVersion === 0) {
      // The primary key decides between concurrent first writers: one inserts, the others fail and say so.
      try {
        const insert = db.insertInto("login_attempts").values({ key, state, version, expires_at });
        if (known !== null) {
          await insert.execute();
          return known;
        }
        return toNumber((await insert.returning("version").executeTakeFirstOrThrow()).version);
      } catch (error) {
        if (isUniqueViolation(dialect, error)) return null;
        throw error;
      }
    }
    // The row lock of the UPDATE makes a concurrent writer re-check `version` after this one commits,
    // so of callers holding the same version exactly one matches.
    const update = db
      .updateTable("login_attempts")
      .set({ state, version, expires_at })
      .where("key", "=", key)
      .where("version", "=", expectedVersion);
    if (known !== null) return (await update.executeTakeFirst()).numUpdatedRows > 0n ? known : null;
    const row = await update.returning("version").executeTakeFirst();
    return row === undefined ? null : toNumber(row.version);
  }

  /** Removes the state if its version is still `expectedVersion` (0: nothing stored, which stays so). */
  async function remove(key: string, expectedVersion: number): Promise<boolean> {
    if (expectedVersion === 0) return (await get(key)).version === 0;
    const result = await db
      .deleteFrom("login_attempts")
      .where("key", "=", key)
      .where("version", "=", expectedVersion)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  return {
    get,

    async compareAndSet(key, expectedVersion, next, expiresAt) {
      return (await store(key, expectedVersion, next, expiresAt)) !== null;
    },

    async compareAndSwap(key, expectedVersion, next, expiresAt) {
      if (next === null) {
        if (await remove(key, expectedVersion)) return { swapped: true, version: 0 };
      } else {
        const version = await store(key, expectedVersion, next, expiresAt);
        if (version !== null) return { swapped: true, version };
      }
      // A conflict is rare (two sign-ins of one address at once): the current state is read right after it.
      return { swapped: false, current: await get(key) };
    },

    async delete(key) {
      await db.deleteFrom("login_attempts").where("key", "=", key).execute();
    },
  };
}
