import { PGlite } from "@electric-sql/pglite";
import { createGatehouse, createMemoryMailer, generateSecretKey, type Store } from "@gatehousejs/core";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "../src/index.js";
import { DATABASE_URL, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";

// The README's examples, run: they must keep compiling and working.

it("the PGlite example", async () => {
  const pglite = await PGlite.create(); // the README passes a directory; in memory here
  const db = new Kysely<unknown>({ dialect: createPGliteDialect(pglite) });
  await migrateToLatest(db);
  const store = createPostgresStore({ db });
  const staff = { kind: "staff", id: "ops-1" } as const;
  const gatehouse = createGatehouse({
    store,
    mailer: createMemoryMailer(),
    secrets: { current: generateSecretKey("k1") },
  });
  const organization = await gatehouse.createOrganization(staff, { name: "Acme", preset: "enterprise" });
  expect(await store.organizations.findById(organization.id)).toEqual(organization);
  await db.destroy();
});

it("composing: another store's repositories replace the expiring ones, and the result is a Store", async () => {
  const db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create()) });
  const postgres = createPostgresStore({ db });
  const expiring: Pick<Store, "sessions" | "attempts" | "tokens"> = {
    sessions: postgres.sessions,
    attempts: postgres.attempts,
    tokens: postgres.tokens,
  };
  const store: Store = { ...createPostgresStore({ db }), ...expiring };
  expect(typeof store.transaction).toBe("function");
  await db.destroy();
});

await describeWithServer("the server example", () => {
  const schema = freshSchemaName();
  const pool = new pg.Pool({ connectionString: DATABASE_URL });
  pool.on("error", (error) => console.error("postgres pool", error));
  pool.on("connect", (client) => client.on("error", (error) => console.error("postgres client", error)));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  afterAll(async () => {
    await dropSchema(db, schema);
    await db.destroy();
  });

  it("runs as written", async () => {
    await migrateToLatest(db, { schema });
    const gatehouse = createGatehouse({
      store: createPostgresStore({ db, schema }),
      mailer: createMemoryMailer(),
      secrets: { current: process.env.GATEHOUSE_KEY ?? generateSecretKey("k1") },
      links: "https://app.example.com",
    });
    const organization = await gatehouse.createOrganization({ kind: "staff", id: "ops-1" }, { name: "Acme" });
    expect(organization.name).toBe("Acme");
  });
});
