import type { Commands } from "./commands.js";
import { deleteOwnedScript } from "./scripts/delete-owned.js";
import { indexAddScript } from "./scripts/index-add.js";

/**
 * A per-user index of record keys (a sorted set of hashes), so that "end every session of this user" and
 * "void this user's older links" are one call without `KEYS` or `SCAN`. It lives in another cluster slot
 * than the records, so it is kept correct by the order of single-key steps rather than by one transaction:
 *
 * 1. A record is indexed *before* it is written. A crash in between leaves an index entry without a record
 *    (harmless: it is skipped and pruned), never a record that "end all" cannot find.
 * 2. "End all" reads the index, deletes each record that belongs to the user, and removes from the index
 *    only the entries whose record it deleted (or found to be someone else's). An entry whose record is not
 *    there yet (a create in flight, between its steps 1 and 2) stays indexed, so if that record lands after
 *    the deletion, the next "end all" still finds it.
 * 3. Entries leave the index by time only otherwise (`index-add.ts`), never because a read found no record:
 *    that read may race with a create in flight, exactly as in 2.
 *
 * On a single server (a client with `isCluster: false`) a session's creation does 1 and its write in one
 * script instead (`createIndexedScript`): no step in between, one round trip.
 *
 * The residual race is the one no store can close alone: a record created while "end all" runs may land
 * after it and survive it. The service decides which comes first (change the password, then end sessions).
 */
export interface UserIndex {
  add(operation: string, indexKey: string, member: string, ttlMs: number): Promise<void>;
  members(operation: string, indexKey: string): Promise<string[]>;
  /**
   * Deletes the record of each member (`recordKey(member)`) that belongs to `userId` and unindexes the ones
   * it deleted; returns how many records it deleted.
   */
  deleteAll(
    operation: string,
    userId: string,
    indexKey: string,
    recordKey: (member: string) => string,
  ): Promise<number>;
}

/** The per-user index operations on one client. */
export function createUserIndex(commands: Commands): UserIndex {
  const members = (operation: string, indexKey: string): Promise<string[]> =>
    commands.run(operation, (redis) => redis.zrange(indexKey, 0, "-1"));

  return {
    async add(operation, indexKey, member, ttlMs) {
      await commands.script(operation, indexAddScript, indexKey, [member, Math.ceil(ttlMs)]);
    },
    members,
    async deleteAll(operation, userId, indexKey, recordKey) {
      const indexed = await members(operation, indexKey);
      // One script per record: records live in other slots than the index and than each other, so one
      // multi-key command could fail on a cluster. They run side by side; the bound is one round trip.
      const outcomes = await Promise.all(
        indexed.map((member) => commands.script(operation, deleteOwnedScript, recordKey(member), [userId])),
      );
      const settled = indexed.filter((_, i) => outcomes[i] === 1 || outcomes[i] === -1);
      if (settled.length > 0) {
        await commands.run(operation, (redis) => redis.zrem(indexKey, ...settled));
      }
      return outcomes.filter((outcome) => outcome === 1).length;
    },
  };
}
