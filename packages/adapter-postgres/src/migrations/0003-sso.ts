import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

const collatedText = sql`text collate "C"`;

/**
 * Single sign-on: each organization's connection to its OpenID Connect provider, the e-mail domains the
 * connections claim (unique, so home-realm discovery leads to one organization), and the links of people at
 * providers to users. No foreign key from a link to its user: links outlive a removed user on purpose, so a
 * removed person coming back through the provider is recognised.
 */
export function ssoMigration(schema: string | undefined): GatehouseMigration {
  const on = (db: Kysely<unknown>) => (schema === undefined ? db.schema : db.schema.withSchema(schema));

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s
        .createTable("sso_connections")
        .addColumn("organization_id", collatedText, (c) => c.primaryKey())
        .addColumn("id", collatedText, (c) => c.notNull().unique())
        .addColumn("issuer", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("client_secret_sealed", "text", (c) => c.notNull())
        .addColumn("scopes", "jsonb", (c) => c.notNull())
        .addColumn("domains", "jsonb", (c) => c.notNull())
        .addColumn("jit_provisioning", "boolean", (c) => c.notNull())
        .addColumn("default_roles", "jsonb", (c) => c.notNull())
        .addColumn("second_factor", "text", (c) => c.notNull())
        .addColumn("emergency_administrator_ids", "jsonb", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("updated_at", "timestamptz", (c) => c.notNull())
        .execute();

      await s
        .createTable("sso_domains")
        .addColumn("domain", collatedText, (c) => c.primaryKey())
        .addColumn("organization_id", collatedText, (c) =>
          c.notNull().references("sso_connections.organization_id").onDelete("cascade"),
        )
        .execute();
      await s
        .createIndex("sso_domains_organization_idx")
        .on("sso_domains")
        .column("organization_id")
        .execute();

      await s
        .createTable("identity_links")
        .addColumn("issuer", collatedText, (c) => c.notNull())
        .addColumn("subject", collatedText, (c) => c.notNull())
        .addColumn("user_id", collatedText, (c) => c.notNull())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addPrimaryKeyConstraint("identity_links_pkey", ["issuer", "subject"])
        .execute();
      await s.createIndex("identity_links_user_idx").on("identity_links").column("user_id").execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s.dropTable("identity_links").execute();
      await s.dropTable("sso_domains").execute();
      await s.dropTable("sso_connections").execute();
    },
  };
}
