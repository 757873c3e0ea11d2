import { describeServiceFlows } from "@gatehousejs/core/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { connectPGlite } from "./support/databases.js";

// On PGlite's single connection, a flow that queried outside its own transaction would fail here.
let db: Kysely<unknown> | undefined;
beforeAll(async () => {
  db = await connectPGlite();
  await migrateToLatest(db);
});
afterAll(async () => {
  await db?.destroy();
});

describeServiceFlows(() => {
  if (db === undefined) throw new Error("PGlite did not start");
  return createPostgresStore({ db });
});
