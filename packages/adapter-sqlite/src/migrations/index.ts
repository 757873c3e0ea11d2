import { type GatehouseMigration, loadMigrator } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import type { MigrationProvider } from "kysely/migration";
import { toStoreError } from "../store-error.js";
import { initialMigration } from "./0001-initial.js";
import { ssoMigration } from "./0002-sso.js";
import { authorizationVersionsMigration } from "./0003-authorization-versions.js";

/** What {@link migrateToLatest} did. */
export interface SqliteMigrationReport {
  /** The migrations applied by this call, in order; empty when the database was already up to date. */
  readonly executed: readonly string[];
}

/** The migrations shipped in the package, by name. */
export function gatehouseMigrations(): Record<string, GatehouseMigration> {
  return {
    "0001_initial": initialMigration,
    "0002_sso": ssoMigration,
    "0003_authorization_versions": authorizationVersionsMigration,
  };
}

/**
 * Brings the Gatehouse tables of the database up to date, in one transaction; safe at every start. Run it from
 * one process at a time (kysely takes no migration lock on SQLite).
 * @example const { executed } = await migrateToLatest(db);
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<SqliteMigrationReport> {
  try {
    const provider: MigrationProvider = { getMigrations: async () => gatehouseMigrations() };
    const Migrator = await loadMigrator();
    const migrator = new Migrator({
      db,
      provider,
      migrationTableName: "gatehouse_migrations",
      migrationLockTableName: "gatehouse_migrations_lock",
    });
    const outcome = await migrator.migrateToLatest();
    if (outcome.error !== undefined) throw outcome.error;
    return {
      executed: (outcome.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
    };
  } catch (error) {
    throw toStoreError(error, "migrateToLatest");
  }
}
