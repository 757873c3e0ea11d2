/**
 * The durable Gatehouse store on kysely for MySQL 8 and MariaDB 10.11+ (through mysql2): the SQL base of
 * `@gatehousejs/sql-base` with MySQL's hooks, and its migrations. Explicit named exports only.
 *
 * @module @gatehousejs/adapter-mysql
 */

export { gatehouseMigrations, type MysqlMigrationReport, migrateToLatest } from "./migrations/index.js";
export { createMysqlStore, type MysqlStoreOptions } from "./mysql-store.js";
export { type PurgeOptions, type PurgeReport, purgeExpired } from "./purge-expired.js";
