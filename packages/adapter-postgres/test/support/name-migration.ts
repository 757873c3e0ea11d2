import { toUser } from "@gatehousejs/core";
import { type Kysely, sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, gatehouseMigrations, migrateToLatest } from "../../src/index.js";

/** A database with a schema of its own for one run of the migration cases. */
export interface MigrationTarget {
  readonly db: Kysely<unknown>;
  readonly schema: string;
  close(): Promise<void>;
}

const ORG = "org_migrated";
/** Names as a 0001 store held them: the column and its JavaScript-lower-cased search key. */
const OLD_USERS = [
  { id: "usr_ann", name: "Ann Lee" },
  { id: "usr_invitee", name: "" },
  { id: "usr_emile", name: "Émile Zola" },
  { id: "usr_mary", name: "Mary Ann van der Berg" },
];

/** The 0002 cases: rows written under 0001 read back whole after 0002, and come back after its `down`. */
export function describeNamePartsMigration(open: () => Promise<MigrationTarget>): void {
  let target: MigrationTarget;
  let migrator: Migrator;
  beforeAll(async () => {
    target = await open();
    // The bookkeeping tables migrateToLatest uses, so it carries on from where this migrator stopped.
    migrator = new Migrator({
      db: target.db,
      provider: { getMigrations: async () => gatehouseMigrations(target.schema) },
      migrationTableName: "gatehouse_migrations",
      migrationLockTableName: "gatehouse_migrations_lock",
      migrationTableSchema: target.schema,
    });
  });
  afterAll(async () => {
    await target.close();
  });
  const users = () => sql.table(`${target.schema}.users`);

  it("a user written under 0001 reads back after 0002 with the whole name as given name, nothing lost", async () => {
    const { error } = await migrator.migrateTo("0001_initial");
    expect(error).toBeUndefined();
    for (const { id, name } of OLD_USERS) {
      await sql`insert into ${users()} (id, organization_id, email, name, name_search, status,
          password_change_required, created_at, updated_at)
        values (${id}, ${ORG}, ${`${id}@migrated.test`}, ${name}, ${name.toLowerCase()}, 'active', false,
          now(), now())`.execute(target.db);
    }
    await sql`insert into ${sql.table(`${target.schema}.user_roles`)} (user_id, role_id, organization_id, position)
      values ('usr_ann', 'callback.viewer', ${ORG}, 0)`.execute(target.db);

    expect(await migrateToLatest(target.db, { schema: target.schema })).toEqual({
      executed: ["0002_name_parts", "0003_sso", "0004_authorization_versions"],
    });

    const store = createPostgresStore({ db: target.db, schema: target.schema });
    for (const { id, name } of OLD_USERS) {
      const user = await store.users.findById(id);
      expect(user, id).toMatchObject({ givenName: name === "" ? null : name, familyName: null });
      expect(toUser(user as NonNullable<typeof user>).displayName ?? "", id).toBe(name);
    }
    expect((await store.users.findById("usr_ann"))?.roles).toEqual(["callback.viewer"]);
  });

  it("after 0002 the search finds migrated users by their old name's prefixes, and follows edits", async () => {
    const store = createPostgresStore({ db: target.db, schema: target.schema });
    const search = async (text: string) =>
      (await store.users.list({ organizationId: ORG, search: text, limit: 10 })).items.map((u) => u.id);
    expect(await search("ann l")).toEqual(["usr_ann"]);
    expect(await search("ÉMI")).toEqual(["usr_emile"]);
    expect(await search("mary ann van")).toEqual(["usr_mary"]);
    await store.users.update("usr_ann", { givenName: "Ann", familyName: "Lee" });
    expect(await search("lee")).toEqual(["usr_ann"]);
    expect(await search("ann lee")).toEqual(["usr_ann"]);
    // A family name added to a migrated user joins the whole old name, which stays their given name.
    await store.users.update("usr_emile", { familyName: "Zola" });
    expect(await search("émile zola zola")).toEqual(["usr_emile"]);
    expect(await search("zola")).toEqual(["usr_emile"]);
  });

  it("0002's down puts every name back in one column (given, a space, family), and up again moves it", async () => {
    const { error } = await migrator.migrateTo("0001_initial");
    expect(error).toBeUndefined();
    const { rows } = await sql<{ id: string; name: string; name_search: string }>`
      select id, name, name_search from ${users()} order by id`.execute(target.db);
    expect(rows).toEqual([
      { id: "usr_ann", name: "Ann Lee", name_search: "ann lee" },
      { id: "usr_emile", name: "Émile Zola Zola", name_search: "émile zola zola" },
      { id: "usr_invitee", name: "", name_search: "" },
      { id: "usr_mary", name: "Mary Ann van der Berg", name_search: "mary ann van der berg" },
    ]);
    expect(await migrateToLatest(target.db, { schema: target.schema })).toEqual({
      executed: ["0002_name_parts", "0003_sso", "0004_authorization_versions"],
    });
    const store = createPostgresStore({ db: target.db, schema: target.schema });
    expect(await store.users.findById("usr_ann")).toMatchObject({ givenName: "Ann Lee", familyName: null });
  });
}
