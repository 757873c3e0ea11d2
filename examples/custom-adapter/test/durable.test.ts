import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateToLatest, openSqliteDatabase } from "@gatehousejs/adapter-sqlite";
import { describeServiceFlows, describeStoreConformance } from "@gatehousejs/core/testing";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll } from "vitest";
import { createJsonFileStore } from "../src/json-file-store.js";
import { createExampleDurableStore } from "../src/sqlite-durable-store.js";

// The complete example adapter: its durable half (a sql-base dialect on SQLite) with its expiring half (the
// JSON file), every repository, through the whole conformance suite and the service's flows.

const dir = mkdtempSync(join(tmpdir(), "gatehouse-example-durable-"));
const db = new Kysely<unknown>({
  dialect: new SqliteDialect({ database: openSqliteDatabase(join(dir, "durable.db")) }),
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describeStoreConformance({
  name: "example: sqlite dialect + json-file",
  create: async () => {
    await migrateToLatest(db);
    return {
      ...createExampleDurableStore(db),
      ...createJsonFileStore({ path: join(dir, "conformance.json") }),
    };
  },
});

describeServiceFlows(() => ({
  ...createExampleDurableStore(db),
  ...createJsonFileStore({ path: join(dir, "flows.json") }),
}));
