import { asciiLowerCase, type GatehouseTables, type SqlDialect } from "@gatehousejs/sql-base";
import { type ExpressionBuilder, sql } from "kysely";
import { classifyPostgresError } from "./store-error.js";

/** PostgreSQL's hooks of the SQL base (a server through `pg`, or PGlite). */
export const postgresDialect: SqlDialect = {
  name: "PostgreSQL",
  classify: classifyPostgresError,
  missingSchemaHint: "run migrateToLatest(db) with the store's schema",
  returning: true,
  insertSkippingDuplicates: "on-conflict",
  // READ COMMITTED, PostgreSQL's default: every statement sees what committed before it began.
  transaction: (db, body) => db.transaction().execute(body),

  async lockOrganization(trx, id) {
    const row = await trx
      .selectFrom("organizations")
      .select("id")
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
    if (row !== undefined) return;
    // No row to lock yet: an advisory lock for the rest of the transaction serialises callers all the same.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:organization:${id}`}, 0))`.execute(
      trx,
    );
  },

  // The role ids in the order they were given, as one JSONB array (no extra round trip).
  selectRoles: (eb: ExpressionBuilder<GatehouseTables, "users">) => {
    const roles = eb
      .selectFrom("user_roles")
      .select(sql<string[]>`jsonb_agg(${sql.ref("role_id")} order by ${sql.ref("position")})`.as("roles"))
      .whereRef("user_roles.user_id", "=", "users.id");
    return eb.fn.coalesce(roles, sql<string[]>`'[]'::jsonb`).as("roles");
  },

  // `email` is collated "C": lower() folds ASCII letters only, and the unique index is on lower(email).
  emailKey: {
    column: () => sql<string>`lower(email)`,
    value: (email) => sql<string>`lower(${email})`,
    of: asciiLowerCase,
  },

  jsonArray: {
    contains: (column, value) => sql<boolean>`jsonb_exists(${sql.ref(column)}, ${value}::text)`,
    remove: (column, value) => sql<string>`${sql.ref(column)} - ${value}::text`,
  },

  // The identity column's sequence: `default` takes its next value, which never goes back.
  nextAttemptVersion: async () => sql<number>`default`,

  // `timestamptz` binds and reads `Date`s as instants, whatever the session's TimeZone.
  toInstant: (at) => at,
  fromInstant: (value) => (value instanceof Date ? value : new Date(value as string)),
};
