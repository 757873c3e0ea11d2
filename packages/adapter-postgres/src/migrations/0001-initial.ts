import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

// Columns that are sorted or compared as keyset cursors use the "C" collation: it orders by code point,
// as JavaScript compares strings, on every server whatever its locale, and lets a plain b-tree index serve
// `LIKE 'prefix%'`. Lower-casing happens in JavaScript (e-mails arrive normalised; `name_search` and
// `name_key` are written by the repositories), so PGlite and a server with any locale agree.
const collatedText = sql`text collate "C"`;

/** The first schema: every table of the store and the indexes that keep listings flat at scale. */
export function initialMigration(schema: string | undefined): GatehouseMigration {
  const on = (db: Kysely<unknown>) => (schema === undefined ? db.schema : db.schema.withSchema(schema));

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = on(db);

      await s
        .createTable("organizations")
        .addColumn("id", collatedText, (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("settings", "jsonb", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("updated_at", "timestamptz", (c) => c.notNull())
        .execute();

      // No foreign key to organizations: a user row is valid on its own, and organizations are never deleted.
      await s
        .createTable("users")
        .addColumn("id", collatedText, (c) => c.primaryKey())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("email", collatedText, (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_search", collatedText, (c) => c.notNull())
        .addColumn("phone", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("temporary_password_hash", "text")
        .addColumn("temporary_password_expires_at", "timestamptz")
        .addColumn("password_change_required", "boolean", (c) => c.notNull())
        .addColumn("totp_secret_sealed", "text")
        .addColumn("totp_last_used_step", "bigint")
        .addColumn("totp_enrolled_at", "timestamptz")
        .addColumn("pending_totp_sealed", "text")
        .addColumn("mfa_phone", "text")
        .addColumn("recovery_code_sealed", "text")
        .addColumn("backup_code_hashes", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("updated_at", "timestamptz", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      // One address is one user across the installation, whatever the case it was typed in.
      await s.createIndex("users_email_key").on("users").unique().expression(sql`lower(email)`).execute();
      // Listing by (email, id) and the e-mail prefix search are one range scan of this index.
      await s
        .createIndex("users_listing_idx")
        .on("users")
        .columns(["organization_id", "email", "id"])
        .execute();
      await s
        .createIndex("users_name_search_idx")
        .on("users")
        .columns(["organization_id", "name_search"])
        .execute();

      await s
        .createTable("user_roles")
        .addColumn("user_id", collatedText, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role_id", collatedText, (c) => c.notNull())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("user_roles_pkey", ["user_id", "role_id"])
        .execute();
      await s
        .createIndex("user_roles_role_idx")
        .on("user_roles")
        .columns(["organization_id", "role_id"])
        .execute();

      await s
        .createTable("roles")
        .addColumn("id", collatedText, (c) => c.primaryKey())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", collatedText, (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("permissions", "jsonb", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("updated_at", "timestamptz", (c) => c.notNull())
        .execute();
      // Also the index of `list(organizationId)`, which is ordered by name.
      await s
        .createIndex("roles_name_key")
        .on("roles")
        .unique()
        .columns(["organization_id", "name_key"])
        .execute();

      await s
        .createTable("sessions")
        .addColumn("token_hash", collatedText, (c) => c.primaryKey())
        .addColumn("user_id", collatedText, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("second_factor_verified", "boolean", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("last_active_at", "timestamptz", (c) => c.notNull())
        .addColumn("expires_at", "timestamptz", (c) => c.notNull())
        .execute();
      await s
        .createIndex("sessions_user_idx")
        .on("sessions")
        .columns(["user_id", "created_at desc"])
        .execute();
      await s.createIndex("sessions_expires_idx").on("sessions").column("expires_at").execute();

      await s
        .createTable("login_attempts")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("state", "jsonb", (c) => c.notNull())
        // Every write takes the next value of the identity sequence, which never goes back: a state deleted
        // and stored again cannot reuse a version that a slow caller still holds (no ABA).
        .addColumn("version", "bigint", (c) => c.notNull().generatedByDefaultAsIdentity())
        .addColumn("expires_at", "timestamptz", (c) => c.notNull())
        .execute();
      await s.createIndex("login_attempts_expires_idx").on("login_attempts").column("expires_at").execute();

      await s
        .createTable("tokens")
        .addColumn("hash", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        // No foreign key: an invitation's token is written before its user (if the commit fails, the token
        // expires unused), and the service deletes a removed user's tokens itself.
        .addColumn("user_id", collatedText, (c) => c.notNull())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull())
        .addColumn("expires_at", "timestamptz", (c) => c.notNull())
        .addColumn("data", "jsonb", (c) => c.notNull())
        .execute();
      await s.createIndex("tokens_user_idx").on("tokens").columns(["user_id", "kind"]).execute();
      await s.createIndex("tokens_expires_idx").on("tokens").column("expires_at").execute();

      // No foreign key on subject_user_id or actor_id: the log keeps who removed whom after both are gone.
      await s
        .createTable("audit_log")
        .addColumn("id", collatedText, (c) => c.primaryKey())
        .addColumn("organization_id", collatedText, (c) => c.notNull())
        .addColumn("at", "timestamptz", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("actor_kind", "text", (c) => c.notNull())
        .addColumn("actor_id", collatedText)
        .addColumn("actor_email", "text")
        .addColumn("subject_user_id", collatedText)
        .addColumn("subject_email", "text")
        .addColumn("details", "jsonb", (c) => c.notNull())
        .execute();
      // Every audit query is one organization's, newest first: each index yields a page in order and stops.
      await s
        .createIndex("audit_log_organization_idx")
        .on("audit_log")
        .columns(["organization_id", "at desc", "id desc"])
        .execute();
      await s
        .createIndex("audit_log_subject_idx")
        .on("audit_log")
        .columns(["organization_id", "subject_user_id", "at desc", "id desc"])
        .execute();
      await s
        .createIndex("audit_log_actor_idx")
        .on("audit_log")
        .columns(["organization_id", "actor_id", "at desc", "id desc"])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      for (const table of [
        "audit_log",
        "tokens",
        "login_attempts",
        "sessions",
        "roles",
        "user_roles",
        "users",
      ]) {
        await s.dropTable(table).ifExists().execute();
      }
      await s.dropTable("organizations").ifExists().execute();
    },
  };
}
