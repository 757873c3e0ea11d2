import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

/**
 * Single sign-on, as PostgreSQL's `0003_sso`: each organization's connection, the e-mail domains connections
 * claim (the primary key of `sso_domains`, so a domain leads to one organization installation-wide) and the links
 * of people at providers to users, keyed by (issuer, subject) exactly, with no foreign key to `users` (links
 * outlive their user). SQLite's keys have no length limit: an issuer of 2,000 characters is its own key.
 */
export const ssoMigration: GatehouseMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const table = (name: string) => db.schema.createTable(name).modifyEnd(sql`strict`);

    await table("sso_connections")
      .addColumn("organization_id", "text", (c) => c.primaryKey())
      .addColumn("id", "text", (c) => c.notNull().unique())
      .addColumn("issuer", "text", (c) => c.notNull())
      .addColumn("client_id", "text", (c) => c.notNull())
      .addColumn("client_secret_sealed", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("domains", "text", (c) => c.notNull())
      .addColumn("jit_provisioning", "integer", (c) => c.notNull())
      .addColumn("default_roles", "text", (c) => c.notNull())
      .addColumn("second_factor", "text", (c) => c.notNull())
      .addColumn("emergency_administrator_ids", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("updated_at", "integer", (c) => c.notNull())
      .execute();

    await table("sso_domains")
      .addColumn("domain", "text", (c) => c.primaryKey())
      .addColumn("organization_id", "text", (c) =>
        c.notNull().references("sso_connections.organization_id").onDelete("cascade"),
      )
      .execute();
    await sql`create trigger sso_connections_delete_cascade after delete on sso_connections begin
      delete from sso_domains where organization_id = old.organization_id;
    end`.execute(db);

    await table("identity_links")
      .addColumn("issuer", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("identity_links_pkey", ["issuer", "subject"])
      .execute();
    await db.schema.createIndex("identity_links_user_idx").on("identity_links").column("user_id").execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const name of ["identity_links", "sso_domains", "sso_connections"]) {
      await db.schema.dropTable(name).ifExists().execute();
    }
  },
};
