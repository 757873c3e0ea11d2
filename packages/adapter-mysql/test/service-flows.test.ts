import type { Store } from "@gatehousejs/core";
import { describeServiceFlows } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { createMysqlStore, migrateToLatest } from "../src/index.js";
import { connect, createFreshDatabase, describeWithServer, dropDatabase } from "./support/databases.js";

// The service end to end on MySQL: every flow, in a database of its own.
await describeWithServer("service flows: mysql (server)", () => {
  let database = "";
  let db: Kysely<unknown> | undefined;
  let store: Store | undefined;
  beforeAll(async () => {
    database = await createFreshDatabase();
    db = connect({ database });
    await migrateToLatest(db);
    store = createMysqlStore({ db });
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(database);
  });
  describeServiceFlows(() => {
    if (store === undefined) throw new Error("The store is not created.");
    return store;
  });
});
