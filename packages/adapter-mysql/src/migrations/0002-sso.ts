import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, type RawBuilder, sql } from "kysely";

/**
 * Single sign-on, as PostgreSQL's `0003_sso`: each organization's connection, the e-mail domains connections
 * claim (the primary key of `sso_domains`, so a domain leads to one organization installation-wide) and the links
 * of people at providers to users, with no foreign key to `users` (links outlive their user). Domains reach the
 * store lower-case, so their key is exact, as issuers and subjects are: every key in `collation` (binary, NO PAD).
 */
export function ssoMigration(collation: string): GatehouseMigration {
  const text = (length: number): RawBuilder<unknown> => sql.raw(`varchar(${length}) collate ${collation}`);
  const key = text(191);
  const instant = "bigint";
  const tableOptions = sql.raw(`default charset = utf8mb4 collate = ${collation}`);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = (name: string) => db.schema.createTable(name).modifyEnd(tableOptions);

      await table("sso_connections")
        .addColumn("organization_id", key, (c) => c.primaryKey())
        .addColumn("id", key, (c) => c.notNull().unique())
        .addColumn("issuer", "text", (c) => c.notNull())
        .addColumn("client_id", "text", (c) => c.notNull())
        .addColumn("client_secret_sealed", "text", (c) => c.notNull())
        .addColumn("scopes", "json", (c) => c.notNull())
        .addColumn("domains", "json", (c) => c.notNull())
        .addColumn("jit_provisioning", "boolean", (c) => c.notNull())
        .addColumn("default_roles", "json", (c) => c.notNull())
        .addColumn("second_factor", text(32), (c) => c.notNull())
        .addColumn("emergency_administrator_ids", "json", (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("updated_at", instant, (c) => c.notNull())
        .execute();

      // A domain is at most 253 characters (the service checks it).
      await table("sso_domains")
        .addColumn("domain", text(253), (c) => c.primaryKey())
        .addColumn("organization_id", key, (c) =>
          c.notNull().references("sso_connections.organization_id").onDelete("cascade"),
        )
        .execute();

      // An issuer may be 2,000 characters and a subject any length: too long for an InnoDB key in utf8mb4. The
      // unique key is the SHA-256 of the pair (length-prefixed, so no two pairs share it), exact as the bytes
      // are; lookups go through a prefix index and compare the whole values.
      await table("identity_links")
        .addColumn("id", "bigint", (c) => c.autoIncrement().primaryKey())
        .addColumn("issuer", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("link_key", "binary(32)", (c) =>
          c
            .generatedAlwaysAs(sql`unhex(sha2(concat(char_length(issuer), ':', issuer, subject), 256))`)
            .stored(),
        )
        .addColumn("user_id", key, (c) => c.notNull())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("identity_links_key")
        .on("identity_links")
        .unique()
        .column("link_key")
        .execute();
      await sql`create index identity_links_lookup on identity_links (issuer(191), subject(191))`.execute(db);
      await db.schema.createIndex("identity_links_user_idx").on("identity_links").column("user_id").execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const name of ["identity_links", "sso_domains", "sso_connections"]) {
        await db.schema.dropTable(name).ifExists().execute();
      }
    },
  };
}
