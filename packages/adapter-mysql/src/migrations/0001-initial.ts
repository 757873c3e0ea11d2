import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, type RawBuilder, sql } from "kysely";

// Every string is compared exactly and sorted by code point: the tables' collation is binary and NO PAD
// (`collation`), whatever the server's default (MariaDB's `utf8mb4_general_ci` folds accents and case and
// ignores trailing spaces; even `utf8mb4_bin` ignores trailing spaces). Instants are BIGINT milliseconds.

/** The display name's search key, derived from the two parts' keys (written lower-cased by JavaScript). */
const displayNameKey = sql`(case
  when given_name_search = '' then family_name_search
  when family_name_search = '' then given_name_search
  else concat(given_name_search, ' ', family_name_search) end)`;

/** The first schema, every table in `collation`. */
export function initialMigration(collation: string): GatehouseMigration {
  const text = (length: number): RawBuilder<unknown> => sql.raw(`varchar(${length}) collate ${collation}`);
  const key = text(191);
  const instant = "bigint";
  const tableOptions = sql.raw(`default charset = utf8mb4 collate = ${collation}`);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      const table = (name: string) => s.createTable(name).modifyEnd(tableOptions);

      await table("organizations")
        .addColumn("id", key, (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("settings", "json", (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("updated_at", instant, (c) => c.notNull())
        .execute();
      await table("organization_locks")
        .addColumn("id", key, (c) => c.primaryKey())
        .execute();

      await table("users")
        .addColumn("id", key, (c) => c.primaryKey())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("email", text(320), (c) => c.notNull())
        .addColumn("email_key", text(320), (c) => c.generatedAlwaysAs(sql`lower(email)`).stored())
        .addColumn("given_name", "text")
        .addColumn("family_name", "text")
        .addColumn("given_name_search", text(255), (c) => c.notNull().defaultTo(""))
        .addColumn("family_name_search", text(255), (c) => c.notNull().defaultTo(""))
        .addColumn("name_search", text(511), (c) => c.generatedAlwaysAs(displayNameKey).stored())
        .addColumn("phone", "text")
        .addColumn("status", text(16), (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("temporary_password_hash", "text")
        .addColumn("temporary_password_expires_at", instant)
        .addColumn("password_change_required", "boolean", (c) => c.notNull())
        .addColumn("totp_secret_sealed", "text")
        .addColumn("totp_last_used_step", "bigint")
        .addColumn("totp_enrolled_at", instant)
        .addColumn("pending_totp_sealed", "text")
        .addColumn("mfa_phone", "text")
        .addColumn("recovery_code_sealed", "text")
        .addColumn("backup_code_hashes", "json", (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("updated_at", instant, (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await s.createIndex("users_email_key").on("users").unique().column("email_key").execute();
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
        .createIndex("users_family_name_search_idx")
        .on("users")
        .columns(["organization_id", "family_name_search"])
        .execute();

      await table("user_roles")
        .addColumn("user_id", key, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("role_id", key, (c) => c.notNull())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("user_roles_pkey", ["user_id", "role_id"])
        .execute();
      await s
        .createIndex("user_roles_role_idx")
        .on("user_roles")
        .columns(["organization_id", "role_id"])
        .execute();

      await table("roles")
        .addColumn("id", key, (c) => c.primaryKey())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", text(255), (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("permissions", "json", (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("updated_at", instant, (c) => c.notNull())
        .execute();
      await s
        .createIndex("roles_name_key")
        .on("roles")
        .unique()
        .columns(["organization_id", "name_key"])
        .execute();

      await table("sessions")
        .addColumn("token_hash", text(128), (c) => c.primaryKey())
        .addColumn("user_id", key, (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("stage", text(32), (c) => c.notNull())
        .addColumn("second_factor_verified", "boolean", (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("last_active_at", instant, (c) => c.notNull())
        .addColumn("expires_at", instant, (c) => c.notNull())
        .execute();
      await s.createIndex("sessions_user_idx").on("sessions").columns(["user_id", "created_at"]).execute();
      await s.createIndex("sessions_expires_idx").on("sessions").column("expires_at").execute();

      await table("login_attempts")
        .addColumn("key", text(512), (c) => c.primaryKey())
        .addColumn("state", "json", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("expires_at", instant, (c) => c.notNull())
        .execute();
      await s.createIndex("login_attempts_expires_idx").on("login_attempts").column("expires_at").execute();
      // The one source of attempt versions: it never goes back, so no version repeats after a delete (no ABA).
      await table("attempt_versions")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("value", "bigint", (c) => c.notNull())
        .execute();
      await sql`insert into attempt_versions (id, value) values (1, 0)`.execute(db);

      await table("tokens")
        .addColumn("hash", text(128), (c) => c.primaryKey())
        .addColumn("kind", text(32), (c) => c.notNull())
        .addColumn("user_id", key, (c) => c.notNull())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("created_at", instant, (c) => c.notNull())
        .addColumn("expires_at", instant, (c) => c.notNull())
        .addColumn("data", "json", (c) => c.notNull())
        .execute();
      await s.createIndex("tokens_user_idx").on("tokens").columns(["user_id", "kind"]).execute();
      await s.createIndex("tokens_expires_idx").on("tokens").column("expires_at").execute();

      await table("audit_log")
        .addColumn("id", key, (c) => c.primaryKey())
        .addColumn("organization_id", key, (c) => c.notNull())
        .addColumn("at", instant, (c) => c.notNull())
        .addColumn("action", text(64), (c) => c.notNull())
        .addColumn("actor_kind", text(16), (c) => c.notNull())
        .addColumn("actor_id", key)
        .addColumn("actor_email", "text")
        .addColumn("subject_user_id", key)
        .addColumn("subject_email", "text")
        .addColumn("details", "json", (c) => c.notNull())
        .execute();
      for (const [name, columns] of [
        ["audit_log_organization_idx", ["organization_id", "at", "id"]],
        ["audit_log_subject_idx", ["organization_id", "subject_user_id", "at", "id"]],
        ["audit_log_actor_idx", ["organization_id", "actor_id", "at", "id"]],
      ] as const) {
        await s
          .createIndex(name)
          .on("audit_log")
          .columns([...columns])
          .execute();
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const name of [
        "audit_log",
        "tokens",
        "attempt_versions",
        "login_attempts",
        "sessions",
        "roles",
        "user_roles",
        "users",
        "organization_locks",
        "organizations",
      ]) {
        await db.schema.dropTable(name).ifExists().execute();
      }
    },
  };
}
