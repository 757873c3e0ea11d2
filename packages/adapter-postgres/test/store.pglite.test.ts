import type { Kysely } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { migrateToLatest } from "../src/index.js";
import { connectPGlite } from "./support/databases.js";
import { describePostgresBehaviour } from "./support/store-behaviour.js";

let db: Kysely<unknown> | undefined;
beforeAll(async () => {
  db = await connectPGlite();
  // In a schema of its own, so the `schema` option is exercised on PGlite too.
  await migrateToLatest(db, { schema: "gatehouse" });
});
afterAll(async () => {
  await db?.destroy();
});

describePostgresBehaviour({
  db: () => {
    if (db === undefined) throw new Error("PGlite did not start");
    return db;
  },
  schema: "gatehouse",
});
