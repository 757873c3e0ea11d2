import { describeStoreConformance } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
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
  teardown: async () => {
    await db?.destroy();
  },
});
