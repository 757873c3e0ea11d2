import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

const collatedText = sql`text collate "C"`;

/**
 * Sessions carry their principal: `sessions.principal` holds the snapshot the service writes (opaque text,
 * null until the first validation), and `authorization_versions` each organization's authorization version,
 * which validation reads with the session in one statement and every change affecting a principal replaces.
 * Tokens issued before this version (without the organization tag) no longer validate: users sign in again;
 * their rows expire and are purged as usual.
 */
export function authorizationVersionsMigration(schema: string | undefined): GatehouseMigration {
  const on = (db: Kysely<unknown>) => (schema === undefined ? db.schema : db.schema.withSchema(schema));

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s.alterTable("sessions").addColumn("principal", "text").execute();
      await s
        .createTable("authorization_versions")
        .addColumn("organization_id", collatedText, (c) => c.primaryKey())
        .addColumn("version", "text", (c) => c.notNull())
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s.dropTable("authorization_versions").execute();
      await s.alterTable("sessions").dropColumn("principal").execute();
    },
  };
}
