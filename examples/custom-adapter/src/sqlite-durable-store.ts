import type { Store } from "@gatehousejs/core";
import { asciiLowerCase, createSqlStore, type GatehouseTables, type SqlDialect } from "@gatehousejs/sql-base";
import { type Kysely, type SqlBool, sql } from "kysely";

// The durable half of the example (organizations, users, roles, audit, SSO connections, identity links and
// `transaction`): on `@gatehousejs/sql-base`, a SQL adapter is one `SqlDialect`, hook by hook what differs
// between databases, each carrying a rule of `store.ts`. This one is for SQLite, written out to be read beside
// the authoring guide; the tables are `@gatehousejs/adapter-sqlite`'s migrations (for another database, start
// from the migrations of the adapter nearest to it). The published adapter is the same dialect.

/** A write that changes nothing, first in a transaction: SQLite's write lock, as `BEGIN IMMEDIATE` takes it. */
const takeWriteLock = async (trx: Kysely<GatehouseTables>) => {
  await sql`update ${sql.table("attempt_versions")} set value = value where 0`.execute(trx);
};

/** SQLite's hooks, as an adapter author writes them. */
export const exampleSqliteDialect: SqlDialect = {
  name: "SQLite (example)",
  // Unique violations name their index (an expression index by name, a primary key by its extended code).
  classify: (error) => {
    const { errcode, message } = error as { errcode?: number; message?: string };
    if (/^no such (table|column)/.test(message ?? "")) return { kind: "missing-schema" };
    if (errcode === 787) return { kind: "foreign-key-violation" };
    if (errcode === 1555) return { kind: "unique-violation", index: "primary" };
    if (errcode !== 2067) return { kind: "unavailable" };
    const index = /index '([^']+)'/.exec(message ?? "")?.[1];
    if (index !== undefined) return { kind: "unique-violation", index };
    if (message?.includes("roles.name_key")) return { kind: "unique-violation", index: "roles_name_key" };
    return { kind: "unique-violation" };
  },
  missingSchemaHint: "run migrateToLatest(db) from @gatehousejs/adapter-sqlite",
  // RETURNING exists (3.35+): tokens are consumed by one DELETE … RETURNING.
  returning: true,
  // Reads after `lock` see every commit: the whole transaction holds the one write lock.
  transaction: (db, body) =>
    db.transaction().execute(async (trx) => {
      await takeWriteLock(trx);
      return body(trx);
    }),
  // It blocks whether or not the organization's row exists: it is the database's lock.
  lockOrganization: (trx) => takeWriteLock(trx),
  // The role ids in `position` order, as JSON text.
  selectRoles: (eb) =>
    eb.fn
      .coalesce(
        eb
          .selectFrom("user_roles")
          .select(sql<string>`json_group_array(role_id order by position)`.as("roles"))
          .whereRef("user_roles.user_id", "=", "users.id"),
        sql<string>`'[]'`,
      )
      .as("roles"),
  // ASCII letters folded, nothing else: SQLite's lower() exactly, under the BINARY collation.
  emailKey: {
    column: () => sql<string>`lower(email)`,
    value: (email) => sql<string>`lower(${email})`,
    of: asciiLowerCase,
  },
  jsonArray: {
    contains: (column, value) =>
      sql<boolean>`exists (select 1 from json_each(${sql.ref(column)}) where value = ${value})`,
    remove: (column, value) =>
      sql<string>`json_remove(${sql.ref(column)}, (select fullkey from json_each(${sql.ref(column)}) where value = ${value} limit 1))`,
  },
  // Exact and case-sensitive: GLOB, its wildcards escaped (LIKE folds ASCII case and has no escape here).
  startsWith: (column, prefix) =>
    sql<SqlBool>`${sql.ref(column)} glob ${`${prefix.replace(/[*?[]/g, "[$&]")}*`}`,
  // A counter that only goes up: no attempt version repeats after a delete.
  nextAttemptVersion: async (db) => {
    const { rows } = await sql<{ value: number }>`update attempt_versions set value = value + 1
      returning value`.execute(db);
    return Number(rows[0]?.value);
  },
  // Epoch milliseconds: no time zone anywhere to shift them.
  toInstant: (at) => at.getTime(),
  fromInstant: (value) => new Date(Number(value)),
};

/** The durable store of the example on a Kysely instance over SQLite. */
export function createExampleDurableStore(db: Kysely<unknown>): Store {
  return createSqlStore(exampleSqliteDialect, { db });
}
