import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

/**
 * As PostgreSQL's `0004_authorization_versions`: `sessions.principal` (the snapshot the service writes, null
 * until the first validation) and `authorization_versions`, each organization's version. Session keys now name
 * their organization (`<organization tag>.<SHA-256 hex>`); SQLite's text keys need no widening.
 */
export const authorizationVersionsMigration: GatehouseMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("sessions").addColumn("principal", "text").execute();
    await db.schema
      .createTable("authorization_versions")
      .modifyEnd(sql`strict`)
      .addColumn("organization_id", "text", (c) => c.primaryKey())
      .addColumn("version", "text", (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("authorization_versions").execute();
    await db.schema.alterTable("sessions").dropColumn("principal").execute();
  },
};
