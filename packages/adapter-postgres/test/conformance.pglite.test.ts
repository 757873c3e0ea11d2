import { describeStoreConformance } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { corruptAttemptRow } from "./support/corrupt-attempt.js";
import { connectPGlite } from "./support/databases.js";

// The whole conformance suite on embedded PGlite: one instance for the file, since it takes seconds to start.
let db: Kysely<unknown> | undefined;

describeStoreConformance({
  name: "postgres (PGlite)",
  create: async () => {
    db = await connectPGlite();
    await migrateToLatest(db);
    return createPostgresStore({ db });
  },
  corruptAttempt: corruptAttemptRow(() => {
    if (db === undefined) throw new Error("PGlite is not started.");
    return db;
  }),
  teardown: async () => {
    await db?.destroy();
  },
});
