/**
 * `@gatehousejs/sql-base`: the kysely SQL base of the Gatehouse stores. Every repository is written once here;
 * an adapter supplies a {@link SqlDialect} (its error classifier, the organization lock, role aggregation, the
 * attempt-version source, JSON arrays, the e-mail key, instant conversions) and its migrations. Explicit named
 * exports only.
 *
 * @module @gatehousejs/sql-base
 */

export { asciiLowerCase } from "./context.js";
export type { SqlDialect } from "./dialect.js";
export { type GatehouseMigration, loadMigrator, type MigratorLike } from "./migrator.js";
export { type PurgeOptions, type PurgeReport, purgeExpiredRows } from "./purge.js";
// The row mappers, for a host's or an adapter's own queries of the tables (rows to records).
export { toAuditRecord, toOrganization, toRole, toSession, toToken } from "./rows.js";
export { atomically, inSavepoint } from "./savepoints.js";
export type {
  AuditLogTable,
  GatehouseTables,
  IdentityLinksTable,
  JsonColumn,
  LoginAttemptsTable,
  OrganizationsTable,
  RolesTable,
  SessionsTable,
  SsoConnectionsTable,
  SsoDomainsTable,
  TokensTable,
  UserRolesTable,
  UsersTable,
} from "./schema.js";
export { checkSchemaName } from "./schema-name.js";
export { createSqlStore, type SqlStoreOptions } from "./sql-store.js";
export { toUserRecord, type UserRow } from "./user-rows.js";
