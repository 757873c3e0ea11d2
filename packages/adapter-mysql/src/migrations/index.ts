import { GatehouseError } from "@gatehousejs/core";
import { type GatehouseMigration, loadMigrator } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";
import type { MigrationProvider } from "kysely/migration";
import { toStoreError } from "../store-error.js";
import { initialMigration } from "./0001-initial.js";
import { ssoMigration } from "./0002-sso.js";
import { authorizationVersionsMigration } from "./0003-authorization-versions.js";

/** What {@link migrateToLatest} did. */
export interface MysqlMigrationReport {
  /** The migrations applied by this call, in order; empty when the database was already up to date. */
  readonly executed: readonly string[];
}

/** The collations that compare exactly and sort by code point: MySQL 8's, then MariaDB's. */
const EXACT_COLLATIONS = ["utf8mb4_0900_bin", "utf8mb4_nopad_bin"];

/** The migrations shipped in the package, by name, in `collation` (binary and NO PAD). */
export function gatehouseMigrations(collation: string): Record<string, GatehouseMigration> {
  return {
    "0001_initial": initialMigration(collation),
    "0002_sso": ssoMigration(collation),
    "0003_authorization_versions": authorizationVersionsMigration(collation),
  };
}

/**
 * Brings the Gatehouse tables of the connection's database up to date; safe at every start and from several
 * processes at once (kysely holds a lock while it migrates).
 * @example const { executed } = await migrateToLatest(db);
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MysqlMigrationReport> {
  try {
    const collation = await exactCollationOf(db);
    const provider: MigrationProvider = { getMigrations: async () => gatehouseMigrations(collation) };
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

async function exactCollationOf<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{
    name: string;
  }>`select collation_name as name from information_schema.collations
    where collation_name in (${sql.join(EXACT_COLLATIONS)})`.execute(db);
  const found = EXACT_COLLATIONS.find((name) => rows.some((row) => row.name === name));
  if (found !== undefined) return found;
  const message = `The server has none of the collations Gatehouse needs (${EXACT_COLLATIONS.join(", ")}): MySQL 8 or MariaDB 10.11+ is required.`;
  throw new GatehouseError("CONFIGURATION", message);
}
