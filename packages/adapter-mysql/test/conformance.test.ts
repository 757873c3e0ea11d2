import { describeStoreConformance } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { createMysqlStore, migrateToLatest } from "../src/index.js";
import { corruptAttemptRow } from "./support/corrupt-attempt.js";
import {
  connect,
  connectInTimeZone,
  createFreshDatabase,
  describeWithServer,
  dropDatabase,
} from "./support/databases.js";

// The whole conformance suite on the server (MariaDB here, whose defaults are the careless ones: collation
// utf8mb4_general_ci, REPEATABLE READ), in a database of its own, and again through a pool in Kathmandu time.
await describeWithServer("store conformance: mysql (server)", () => {
  let database = "";
  let db: Kysely<unknown> | undefined;
  let kathmandu: Kysely<unknown> | undefined;
  describeStoreConformance({
    name: "mysql (server)",
    create: async () => {
      database = await createFreshDatabase();
      db = connect({ database });
      await migrateToLatest(db);
      return createMysqlStore({ db });
    },
    createInOtherTimeZone: () => {
      kathmandu = connectInTimeZone(database, "+05:45");
      return createMysqlStore({ db: kathmandu });
    },
    corruptAttempt: corruptAttemptRow(() => {
      if (db === undefined) throw new Error("The store is not created.");
      return db;
    }),
    teardown: async () => {
      await kathmandu?.destroy();
      await db?.destroy();
      await dropDatabase(database);
    },
  });
});
