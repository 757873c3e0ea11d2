/**
 * The durable Gatehouse store on kysely, for a PostgreSQL server (`pg`) or embedded PGlite.
 * Explicit named exports only.
 *
 * @module @gatehousejs/adapter-postgres
 */

export type {
  AuditLogTable,
  GatehouseTables,
  JsonColumn,
  LoginAttemptsTable,
  OrganizationsTable,
  RolesTable,
  SessionsTable,
  TokensTable,
  UserRolesTable,
  UsersTable,
} from "@gatehousejs/sql-base";
export {
  type GatehouseMigration,
  gatehouseMigrations,
  type MigrateOptions,
  type MigrationReport,
  migrateToLatest,
} from "./migrations/index.js";
export { createPGliteDialect, type PGliteLike } from "./pglite-dialect.js";
export { createPostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export { type PurgeOptions, type PurgeReport, purgeExpired } from "./purge-expired.js";
