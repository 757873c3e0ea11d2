import { describeServiceFlows } from "@gatehousejs/core/testing";
import { afterAll, beforeAll } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { connectServer, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";

await describeWithServer("service flows (server)", () => {
  const db = connectServer();
  const schema = freshSchemaName();
  beforeAll(async () => {
    await migrateToLatest(db, { schema });
  });
  afterAll(async () => {
    await dropSchema(db, schema);
    await db.destroy();
  });
  describeServiceFlows(() => createPostgresStore({ db, schema }));
});
