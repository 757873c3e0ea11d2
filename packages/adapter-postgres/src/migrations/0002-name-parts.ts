import type { GatehouseMigration } from "@gatehousejs/sql-base";
import { type Kysely, sql } from "kysely";

const collatedText = sql`text collate "C"`;

// The display name's search key is derived in the database from the two parts' keys, so a patch that
// changes one part keeps it right without reading the other (and two concurrent edits cannot leave it stale).
// The keys themselves are lower-cased by the repository in JavaScript, as every search key is (see 0001).
const displayNameKey = sql`(case
  when given_name_search = '' then family_name_search
  when family_name_search = '' then given_name_search
  else given_name_search || ' ' || family_name_search end)`;

/**
 * A user's single `name` becomes a given and a family name (seed 003's "First name" and "Last name").
 * Every existing name moves whole into `given_name`, with `family_name` null: where a given name ends is
 * not knowable from the text ("Mary Ann Smith", "van der Berg", family-first names), so nothing is guessed,
 * and each user's display name reads exactly as their name did. An empty name (an invitee's) becomes null.
 */
export function namePartsMigration(schema: string | undefined): GatehouseMigration {
  const on = (db: Kysely<unknown>) => (schema === undefined ? db.schema : db.schema.withSchema(schema));
  const users = sql.table(schema === undefined ? "users" : `${schema}.users`);

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s
        .alterTable("users")
        .addColumn("given_name", "text")
        .addColumn("family_name", "text")
        .addColumn("given_name_search", collatedText, (c) => c.notNull().defaultTo(""))
        .addColumn("family_name_search", collatedText, (c) => c.notNull().defaultTo(""))
        .execute();
      // `name_search` already holds the name lower-cased by JavaScript's rules: it is the given name's key.
      await sql`update ${users} set given_name = nullif(name, ''), given_name_search = name_search`.execute(
        db,
      );
      // Dropping `name_search` drops `users_name_search_idx` with it; both come back, derived, below.
      await s.alterTable("users").dropColumn("name").dropColumn("name_search").execute();
      await s
        .alterTable("users")
        .addColumn("name_search", collatedText, (c) => c.notNull().generatedAlwaysAs(displayNameKey).stored())
        .execute();
      // A given-name prefix and a whole-name prefix are both prefixes of the display name's key.
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
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const s = on(db);
      await s
        .alterTable("users")
        .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("name_key", collatedText, (c) => c.notNull().defaultTo(""))
        .execute();
      await sql`update ${users} set name = concat_ws(' ', given_name, family_name), name_key = name_search`.execute(
        db,
      );
      await s
        .alterTable("users")
        .dropColumn("name_search")
        .dropColumn("given_name")
        .dropColumn("family_name")
        .dropColumn("given_name_search")
        .dropColumn("family_name_search")
        .execute();
      await s.alterTable("users").renameColumn("name_key", "name_search").execute();
      await s
        .alterTable("users")
        .alterColumn("name", (c) => c.dropDefault())
        .execute();
      await s
        .alterTable("users")
        .alterColumn("name_search", (c) => c.dropDefault())
        .execute();
      await s
        .createIndex("users_name_search_idx")
        .on("users")
        .columns(["organization_id", "name_search"])
        .execute();
    },
  };
}
