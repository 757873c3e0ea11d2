import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, type RawBuilder, sql } from "kysely";

/**
 * As PostgreSQL's `0004_authorization_versions`: `sessions.principal` (the snapshot the service writes,
 * `mediumtext`, null until the first validation) and `authorization_versions`, each organization's version.
 * Session keys now name their organization (`<organization tag>.<SHA-256 hex>`), so `token_hash` widens
 * to hold the base64url of the longest organization id (191 characters) before the hash.
 */
export function authorizationVersionsMigration(collation: string): GatehouseMigration {
  const text = (length: number): RawBuilder<unknown> => sql.raw(`varchar(${length}) collate ${collation}`);
  const tableOptions = sql.raw(`default charset = utf8mb4 collate = ${collation}`);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await sql`alter table sessions modify token_hash ${text(330)} not null`.execute(db);
      await db.schema.alterTable("sessions").addColumn("principal", sql`mediumtext`).execute();
      await db.schema
        .createTable("authorization_versions")
        .modifyEnd(tableOptions)
        .addColumn("organization_id", text(191), (c) => c.primaryKey())
        .addColumn("version", text(64), (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("authorization_versions").execute();
      await db.schema.alterTable("sessions").dropColumn("principal").execute();
      await sql`alter table sessions modify token_hash ${text(128)} not null`.execute(db);
    },
  };
}
