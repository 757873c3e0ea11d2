import { type AttemptRepository, type AttemptState, emptyAttemptState } from "@gatehousejs/core";
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
      return { state: reviveAttemptState(fromJson(row.state)), version: toNumber(row.version) };
    },

    async compareAndSet(key, expectedVersion, next, expiresAt) {
      const state = toJson(serializeAttemptState(next));
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

/** The state as JSON: its instants become ISO strings (the rest is plain JSON already). */
export function serializeAttemptState(state: AttemptState): Record<string, unknown> {
  return {
    ...state,
    failureAts: state.failureAts.map((at) => at.toISOString()),
    lastFailureAt: state.lastFailureAt?.toISOString() ?? null,
    lockedUntil: state.lockedUntil?.toISOString() ?? null,
    inFlight: state.inFlight.map((at) => at.toISOString()),
  };
}

/** The state back from JSON, its instants as `Date`s again; missing fields take their empty values. */
export function reviveAttemptState(json: Record<string, unknown>): AttemptState {
  const empty = emptyAttemptState();
  const date = (value: unknown): Date | null => (typeof value === "string" ? new Date(value) : null);
  const dates = (value: unknown): Date[] =>
    Array.isArray(value) ? value.flatMap((at) => (typeof at === "string" ? [new Date(at)] : [])) : [];
  return {
    ...empty,
    ...json,
    failures: typeof json.failures === "number" ? json.failures : empty.failures,
    failureAts: dates(json.failureAts),
    lastFailureAt: date(json.lastFailureAt),
    lockedUntil: date(json.lockedUntil),
    locks: typeof json.locks === "number" ? json.locks : empty.locks,
    inFlight: dates(json.inFlight),
  };
}
