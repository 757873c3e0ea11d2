import { StorageUnavailableError } from "@gatehousejs/core";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { connectServer, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";
import { organization, user } from "./support/fixtures.js";

await describeWithServer("server failures", () => {
  const schema = freshSchemaName();
  const victim = `gatehouse-victim-${schema}`;
  const db = connectServer(4, victim);
  const admin = connectServer(1);
  beforeAll(async () => {
    await migrateToLatest(db, { schema });
  });
  afterAll(async () => {
    await dropSchema(admin, schema);
    await Promise.all([db.destroy(), admin.destroy()]);
  });

  it("a connection the server terminates mid-transaction fails with STORAGE_UNAVAILABLE, and the pool recovers", async () => {
    const store = createPostgresStore({ db, schema });
    const created = organization();
    await store.organizations.create(created);
    const run = store.transaction(async (tx) => {
      await tx.organizations.lock(created.id);
      // Ends the backends of this pool, as a failover or an administrator would.
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${victim}`.execute(
        admin,
      );
      await tx.users.createMany([user(created.id)]);
    });
    const error = await run.then(
      () => expect.fail("the transaction should have failed"),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(await store.organizations.findById(created.id)).toEqual(created);
  });
});
