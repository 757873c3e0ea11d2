import {
  createArgon2Hasher,
  createGatehouse,
  createMemoryMailer,
  generateSecretKey,
} from "@gatehousejs/core";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { DATABASE_URL, describeWithServer, freshSchemaName } from "./support/databases.js";

// The sign-in's joined read is a named statement on node-postgres: parsed and planned once per connection. Two
// stores in two schemas on one pool (one connection, so both statements meet on it) each get their own name and
// read their own rows.

await describeWithServer("prepared statements (server)", () => {
  const schemas = [freshSchemaName(), freshSchemaName()];
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  pool.on("error", () => undefined);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const stores = schemas.map((schema) => createPostgresStore({ db, schema }));
  const email = "same-address@prep.test";
  const organizationIds: string[] = [];

  beforeAll(async () => {
    for (const [i, schema] of schemas.entries()) {
      await migrateToLatest(db, { schema });
      const gatehouse = createGatehouse({
        store: stores[i] as NonNullable<(typeof stores)[number]>,
        mailer: createMemoryMailer(),
        hasher: createArgon2Hasher({ memoryCost: 1024, timeCost: 1 }),
        secrets: { current: generateSecretKey("k1") },
      });
      const system = { kind: "system", name: "test" } as const;
      const organization = await gatehouse.createOrganization(system, { name: `Prepared ${i}` });
      await gatehouse.inviteUsers(system, {
        organizationId: organization.id,
        emails: email,
        roles: ["platform.viewer"],
      });
      organizationIds.push(organization.id);
    }
  });
  afterAll(async () => {
    for (const schema of schemas) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
  });

  it("names the joined read once per text, and each store reads its own schema through its own name", async () => {
    for (const [i, store] of stores.entries()) {
      const found = await store.users.findByEmailWithOrganization?.(email);
      expect(found?.organization?.id).toBe(organizationIds[i]);
      expect(found?.user.email).toBe(email);
      expect(await store.users.findByEmailWithOrganization?.("nobody@prep.test")).toBe(null);
    }
    const { rows } = await sql<{ name: string; statement: string }>`
      select name, statement from pg_prepared_statements where name like 'gatehouse_%'`.execute(db);
    expect(rows).toHaveLength(2);
    for (const [i, schema] of schemas.entries()) {
      const own = rows.filter((row) => row.statement.includes(`"${schema}"."users"`));
      expect(own, `schema ${i}`).toHaveLength(1);
    }
    // Called again, the statements are reused, not prepared anew.
    for (const store of stores) await store.users.findByEmailWithOrganization?.(email);
    const again = await sql`select name from pg_prepared_statements where name like 'gatehouse_%'`.execute(
      db,
    );
    expect(again.rows).toHaveLength(2);
  });
});
