import type { GatehouseTables, SqlDialect } from "@gatehousejs/sql-base";
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import { classifyMysqlError } from "./store-error.js";

/** The tables of the MySQL schema beyond the base's: the organization locks and the attempt-version counter. */
interface MysqlTables extends GatehouseTables {
  organization_locks: { id: string };
}

/** MySQL 8's and MariaDB 10.11+'s hooks of the SQL base (through mysql2). */
export const mysqlDialect: SqlDialect = {
  name: "MySQL",
  classify: classifyMysqlError,
  missingSchemaHint: "run migrateToLatest(db) on the store's database",
  returning: false,
  insertSkippingDuplicates: "on-duplicate-key",
  // REPEATABLE READ (the default) would answer every read after `lock` from the snapshot of the first read.
  transaction: (db, body) => db.transaction().setIsolationLevel("read committed").execute(body),

  async lockOrganization(trx, id) {
    // An upsert of the organization's lock row takes that row's exclusive lock, held to the end of the
    // transaction, whether or not the organization exists: no gap lock (which does not block) and no shared
    // lock to upgrade (which deadlocks when three wait).
    await (trx as unknown as Kysely<MysqlTables>)
      .insertInto("organization_locks")
      .values({ id })
      .onDuplicateKeyUpdate({ id })
      .execute();
  },

  // GROUP_CONCAT, not JSON_ARRAYAGG: MySQL 8's takes no ORDER BY. MariaDB allows 1 MB of it; on MySQL raise
  // `group_concat_max_len` (1,024 bytes by default) if users hold more than about 30 roles.
  selectRoles: (eb: ExpressionBuilder<GatehouseTables, "users">) => {
    const roles = eb
      .selectFrom("user_roles")
      .select(
        sql<string>`concat('[', group_concat(json_quote(${sql.ref("role_id")}) order by ${sql.ref("position")} separator ','), ']')`.as(
          "roles",
        ),
      )
      .whereRef("user_roles.user_id", "=", "users.id");
    return eb.fn.coalesce(roles, sql<string>`'[]'`).as("roles");
  },

  // `email_key` is generated as lower(email) under the binary NO PAD collation the migration picked, and unique.
  emailKey: {
    column: () => sql<string>`${sql.ref("email_key")}`,
    value: (email) => sql<string>`lower(${email})`,
    of: (email) => email.toLowerCase(),
  },

  // Without the hint MariaDB answers a page after a deep cursor with a `ref` on the organization, reading every
  // index entry before the cursor (100 ms at 1M users, against 0.05 ms for the range scan).
  usersListingFrom: () => sql`${sql.table("users")} force index (users_listing_idx)`,

  // Backup-code hashes are hex: no `%` or `_` for JSON_SEARCH to take as a wildcard.
  jsonArray: {
    contains: (column, value) => sql<boolean>`json_contains(${sql.ref(column)}, json_quote(${value}))`,
    remove: (column, value) =>
      sql<string>`json_remove(${sql.ref(column)}, json_unquote(json_search(${sql.ref(column)}, 'one', ${value})))`,
  },

  // One counter row, bumped with LAST_INSERT_ID(expr): the statement's OK packet carries the new value.
  async nextAttemptVersion(db) {
    const result =
      await sql`update ${sql.table("attempt_versions")} set value = last_insert_id(value + 1)`.execute(db);
    if (result.insertId === undefined) throw new Error("The attempt-version counter row is missing.");
    return Number(result.insertId);
  },

  // Instants are BIGINT milliseconds since the epoch: nothing a pool's or a session's time zone can shift.
  toInstant: (at) => at.getTime(),
  fromInstant: (value) => new Date(Number(value)),
};
