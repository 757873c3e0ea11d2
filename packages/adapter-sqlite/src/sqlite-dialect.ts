import { asciiLowerCase, type GatehouseTables, type SqlDialect } from "@gatehousejs/sql-base";
import { type ExpressionBuilder, type Kysely, type SqlBool, sql } from "kysely";
import { classifySqliteError } from "./store-error.js";

/**
 * Takes the database's write lock, held to the end of the transaction: a write that changes nothing, as the
 * first statement of a transaction, is SQLite's `BEGIN IMMEDIATE` (another connection holding the lock makes it
 * wait up to `busy_timeout`, then fail with SQLITE_BUSY). Kysely begins transactions with a plain `BEGIN`.
 */
async function takeWriteLock(trx: Kysely<GatehouseTables>): Promise<void> {
  await sql`update ${sql.table("attempt_versions")} set value = value where 0`.execute(trx);
}

/**
 * SQLite's hooks of the SQL base (3.44 or later, as node:sqlite bundles). SQLite has one writer at a time: every
 * Gatehouse transaction takes the write lock first, so transactions run one after the other, and a read after
 * `organizations.lock` sees everything committed before it.
 */
export const sqliteDialect: SqlDialect = {
  name: "SQLite",
  classify: classifySqliteError,
  missingSchemaHint: "run migrateToLatest(db) on the store's database",
  returning: true,
  insertSkippingDuplicates: "on-conflict",

  transaction: (db, body) =>
    db.transaction().execute(async (trx) => {
      await takeWriteLock(trx);
      return body(trx);
    }),

  // The transaction holds the database's write lock already (a transaction of `atomically` takes it here): no
  // other writer runs until it ends, whether or not the organization's row exists.
  lockOrganization: (trx) => takeWriteLock(trx),

  selectRoles: (eb: ExpressionBuilder<GatehouseTables, "users">) => {
    const roles = eb
      .selectFrom("user_roles")
      .select(
        sql<string>`json_group_array(${sql.ref("role_id")} order by ${sql.ref("position")})`.as("roles"),
      )
      .whereRef("user_roles.user_id", "=", "users.id");
    return eb.fn.coalesce(roles, sql<string>`'[]'`).as("roles");
  },

  // The unique index `users_email_key` is on lower(email): SQLite's lower() folds ASCII letters and nothing else
  // (without the ICU extension), the contract's key exactly; the BINARY collation compares the rest byte for byte.
  emailKey: {
    column: () => sql<string>`lower(${sql.ref("email")})`,
    value: (email) => sql<string>`lower(${email})`,
    of: asciiLowerCase,
  },

  jsonArray: {
    contains: (column, value) =>
      sql<boolean>`exists (select 1 from json_each(${sql.ref(column)}) where value = ${value})`,
    remove: (column, value) =>
      sql<string>`json_remove(${sql.ref(column)}, (select fullkey from json_each(${sql.ref(column)}) where value = ${value} limit 1))`,
  },

  // LIKE has no default escape character in SQLite and folds ASCII case; GLOB compares exactly, with `*`, `?`
  // and `[` escaped as one-character classes.
  startsWith: (column, prefix) =>
    sql<SqlBool>`${sql.ref(column)} glob ${`${prefix.replace(/[*?[]/g, "[$&]")}*`}`,

  // One counter row that only goes up: no version repeats for a key after a delete.
  async nextAttemptVersion(db) {
    const { rows } = await sql<{
      value: number;
    }>`update ${sql.table("attempt_versions")} set value = value + 1 returning value`.execute(db);
    const value = rows[0]?.value;
    if (value === undefined) throw new Error("The attempt-version counter row is missing.");
    return Number(value);
  },

  // Instants are INTEGER milliseconds since the epoch: SQLite has no time zone to shift them.
  toInstant: (at) => at.getTime(),
  fromInstant: (value) => new Date(Number(value)),
};
