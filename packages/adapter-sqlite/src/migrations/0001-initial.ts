import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

// STRICT tables (a value of the wrong type is refused, not stored as it came). Text compares and sorts with
// SQLite's BINARY collation: byte by byte of UTF-8, which is code-point order, exact, with no padding. Instants
// are INTEGER milliseconds, booleans INTEGER 0 or 1, JSON is TEXT.

/** The display name's search key, derived from the two parts' keys (written lower-cased by JavaScript). */
const displayNameKey = sql`(case
  when given_name_search = '' then family_name_search
  when family_name_search = '' then given_name_search
  else given_name_search || ' ' || family_name_search end)`;

const strict = sql`strict`;

/** The first schema. */
export const initialMigration: GatehouseMigration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const s = db.schema;
    const table = (name: string) => s.createTable(name).modifyEnd(strict);

    await table("organizations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("settings", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("updated_at", "integer", (c) => c.notNull())
      .execute();

    await table("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("given_name", "text")
      .addColumn("family_name", "text")
      .addColumn("given_name_search", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("family_name_search", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("name_search", "text", (c) => c.generatedAlwaysAs(displayNameKey).stored())
      .addColumn("phone", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("password_hash", "text")
      .addColumn("temporary_password_hash", "text")
      .addColumn("temporary_password_expires_at", "integer")
      .addColumn("password_change_required", "integer", (c) => c.notNull())
      .addColumn("totp_secret_sealed", "text")
      .addColumn("totp_last_used_step", "integer")
      .addColumn("totp_enrolled_at", "integer")
      .addColumn("pending_totp_sealed", "text")
      .addColumn("mfa_phone", "text")
      .addColumn("recovery_code_sealed", "text")
      .addColumn("backup_code_hashes", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("updated_at", "integer", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
      .execute();
    // SQLite names an expression index in its errors: the base tells a taken address by `users_email_key`.
    await sql`create unique index users_email_key on users (lower(email))`.execute(db);
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
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("role_id", "text", (c) => c.notNull())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("user_roles_pkey", ["user_id", "role_id"])
      .execute();
    await s
      .createIndex("user_roles_role_idx")
      .on("user_roles")
      .columns(["organization_id", "role_id"])
      .execute();

    await table("roles")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("permissions", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("updated_at", "integer", (c) => c.notNull())
      .execute();
    await s
      .createIndex("roles_name_key")
      .on("roles")
      .unique()
      .columns(["organization_id", "name_key"])
      .execute();

    await table("sessions")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("second_factor_verified", "integer", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("last_active_at", "integer", (c) => c.notNull())
      .addColumn("expires_at", "integer", (c) => c.notNull())
      .execute();
    await s.createIndex("sessions_user_idx").on("sessions").columns(["user_id", "created_at"]).execute();
    await s.createIndex("sessions_expires_idx").on("sessions").column("expires_at").execute();
    // The cascades again as a trigger: they hold on a connection that left `foreign_keys` off (SQLite's default).
    await sql`create trigger users_delete_cascade after delete on users begin
      delete from user_roles where user_id = old.id;
      delete from sessions where user_id = old.id;
    end`.execute(db);

    await table("login_attempts")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("expires_at", "integer", (c) => c.notNull())
      .execute();
    await s.createIndex("login_attempts_expires_idx").on("login_attempts").column("expires_at").execute();
    // The one source of attempt versions: it never goes back, so no version repeats after a delete (no ABA).
    // Its row is also what a transaction writes first to take the write lock (see the dialect).
    await table("attempt_versions")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("value", "integer", (c) => c.notNull())
      .execute();
    await sql`insert into attempt_versions (id, value) values (1, 0)`.execute(db);

    await table("tokens")
      .addColumn("hash", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("created_at", "integer", (c) => c.notNull())
      .addColumn("expires_at", "integer", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
    await s.createIndex("tokens_user_idx").on("tokens").columns(["user_id", "kind"]).execute();
    await s.createIndex("tokens_expires_idx").on("tokens").column("expires_at").execute();

    await table("audit_log")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("organization_id", "text", (c) => c.notNull())
      .addColumn("at", "integer", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("actor_kind", "text", (c) => c.notNull())
      .addColumn("actor_id", "text")
      .addColumn("actor_email", "text")
      .addColumn("subject_user_id", "text")
      .addColumn("subject_email", "text")
      .addColumn("details", "text", (c) => c.notNull())
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
      "organizations",
    ]) {
      await db.schema.dropTable(name).ifExists().execute();
    }
  },
};
