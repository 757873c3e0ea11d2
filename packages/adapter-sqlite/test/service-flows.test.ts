import type { Store } from "@gatehousejs/core";
import { describeServiceFlows } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe } from "vitest";
import { createSqliteStore, migrateToLatest } from "../src/index.js";
import { connect, temporaryDatabaseFile } from "./support/databases.js";

// The service end to end on SQLite, on a database file and in memory.
for (const where of ["file", ":memory:"] as const) {
  describe(`service flows: sqlite (${where})`, () => {
    const file = where === "file" ? temporaryDatabaseFile() : undefined;
    let db: Kysely<unknown> | undefined;
    let store: Store | undefined;
    beforeAll(async () => {
      db = connect(file?.filename ?? ":memory:");
      await migrateToLatest(db);
      store = createSqliteStore({ db });
    });
    afterAll(async () => {
      await db?.destroy();
      file?.remove();
    });
    describeServiceFlows(() => {
      if (store === undefined) throw new Error("The store is not created.");
      return store;
    });
  });
}
