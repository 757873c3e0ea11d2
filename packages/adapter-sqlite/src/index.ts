/**
 * The durable Gatehouse store on kysely for SQLite (through Node's built-in `node:sqlite`), for small apps and
 * tests: the SQL base of `@gatehousejs/sql-base` with SQLite's hooks, and its migrations. Explicit named
 * exports only.
 *
 * @module @gatehousejs/adapter-sqlite
 */

export { type OpenSqliteOptions, openSqliteDatabase } from "./database.js";
export { gatehouseMigrations, migrateToLatest, type SqliteMigrationReport } from "./migrations/index.js";
export { type PurgeOptions, type PurgeReport, purgeExpired } from "./purge-expired.js";
export { createSqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
