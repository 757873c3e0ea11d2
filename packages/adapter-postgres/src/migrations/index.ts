import { GatehouseError } from "@gatehousejs/core";
import {
  checkSchemaName,
  type GatehouseMigration,
  loadMigrator,
  type MigratorLike,
} from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";
import type { MigrationProvider, MigrationResultSet } from "kysely/migration";
import { sqlStateOf, toStoreError } from "../store-error.js";
import { initialMigration } from "./0001-initial.js";
import { namePartsMigration } from "./0002-name-parts.js";
import { ssoMigration } from "./0003-sso.js";
import { authorizationVersionsMigration } from "./0004-authorization-versions.js";

export type { GatehouseMigration } from "@gatehousejs/sql-base";

/** Options of {@link migrateToLatest}. */
export interface MigrateOptions {
  /**
   * The PostgreSQL schema to create the tables in (created if missing), with the migration bookkeeping
   * beside them, so Gatehouse lives next to the host's tables without touching them.
   * @default the connection's search_path (normally `public`)
   */
  readonly schema?: string;
}

/** What {@link migrateToLatest} did. */
export interface MigrationReport {
  /** The migrations applied by this call, in order; empty when the schema was already up to date. */
  readonly executed: readonly string[];
}

/** The names of the bookkeeping tables: not kysely's defaults, so they never mix with the host's own. */
const MIGRATION_TABLE = "gatehouse_migrations";
const MIGRATION_LOCK_TABLE = "gatehouse_migrations_lock";

/** The migrations shipped in the package, by name, for a schema (in order of their names). */
export function gatehouseMigrations(schema?: string): Record<string, GatehouseMigration> {
  return {
    "0001_initial": initialMigration(schema),
    "0002_name_parts": namePartsMigration(schema),
    "0003_sso": ssoMigration(schema),
    "0004_authorization_versions": authorizationVersionsMigration(schema),
  };
}

/**
 * Brings the Gatehouse tables up to date; safe to call at every start (it does nothing when up to date)
 * and from several processes at once (one at a time per schema, under a PostgreSQL advisory lock).
 * @example
 * const { executed } = await migrateToLatest(db, { schema: "gatehouse" });
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  if (options.schema !== undefined) checkSchemaName(options.schema);
  let outcome: MigrationResultSet;
  try {
    // kysely locks a row of its bookkeeping table while it migrates, but creating the schema and that table
    // races between processes (PostgreSQL's `if not exists` is not race-free: a concurrent creator's schema can
    // vanish from under a statement, SQLSTATE 3F000). One session-level advisory lock per schema, on one
    // connection, makes the whole call one process at a time.
    outcome = await db.connection().execute(async (connection) => {
      const key = sql`hashtextextended('gatehouse-migrate:' || coalesce(${options.schema ?? null}, current_schema(), ''), 0)`;
      await sql`select pg_advisory_lock(${key})`.execute(connection);
      try {
        const migrator = await migratorFor(connection, options.schema);
        // kysely's checks list every table of the database; one in a schema that another installation drops
        // meanwhile fails that listing (3F000 or a catalog cache miss, XX000). Nothing was applied then: retry.
        for (let attempt = 1; ; attempt++) {
          const result = await migrator.migrateToLatest();
          const state = sqlStateOf(result.error);
          if (attempt >= 3 || (state !== "3F000" && state !== "XX000") || result.results?.length)
            return result;
        }
      } finally {
        await sql`select pg_advisory_unlock(${key})`.execute(connection);
      }
    });
  } catch (error) {
    throw toMigrationError(error, options.schema);
  }
  if (outcome.error !== undefined) throw toMigrationError(outcome.error, options.schema);
  const executed = (outcome.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  return { executed };
}

/**
 * The names of the shipped migrations not yet applied to the schema, in order; reads only (the bookkeeping
 * tables are not created). What `gatehouse-migrate --dry-run` reports.
 */
export async function pendingMigrations<DB>(db: Kysely<DB>, options: MigrateOptions = {}): Promise<string[]> {
  if (options.schema !== undefined) checkSchemaName(options.schema);
  try {
    const migrations = await (await migratorFor(db, options.schema)).getMigrations();
    return migrations.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
  } catch (error) {
    throw toMigrationError(error, options.schema);
  }
}

async function migratorFor<DB>(db: Kysely<DB>, schemaOption: string | undefined): Promise<MigratorLike> {
  // Without a schema, kysely would look for its bookkeeping tables in every schema, and take another
  // installation's for ours: name the schema that unqualified names resolve to instead.
  const schema = schemaOption ?? (await currentSchemaOf(db));
  const provider: MigrationProvider = { getMigrations: async () => gatehouseMigrations(schema) };
  const Migrator = await loadMigrator();
  return new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    migrationTableSchema: schema,
  });
}

function toMigrationError(error: unknown, schema: string | undefined): GatehouseError {
  if (sqlStateOf(error) === "42P07") {
    // A table of ours exists already but not from our migrations: most likely the host's own `users`.
    const where = schema === undefined ? "the default schema" : `schema ${schema}`;
    const message = `A table Gatehouse needs already exists in ${where}; pass another \`schema\` to migrateToLatest and createPostgresStore.`;
    return new GatehouseError("CONFIGURATION", message, {}, { cause: error });
  }
  return toStoreError(error, "migrateToLatest");
}

async function currentSchemaOf<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema) return schema;
  const message = "No schema of the connection's search_path exists: pass a `schema` to migrateToLatest.";
  throw new GatehouseError("CONFIGURATION", message);
}
