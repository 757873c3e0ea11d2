import { describeStoreConformance } from "@gatehousejs/core/testing";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { corruptAttemptRow } from "./support/corrupt-attempt.js";
import { connectServer, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";

// The whole conformance suite on a PostgreSQL server, through a `pg` pool, in a schema of its own.
await describeWithServer("store conformance: postgres (server)", () => {
  const db = connectServer();
  // The same schema through a pool whose sessions run in Chatham time (UTC+12:45, with daylight saving).
  const chatham = connectServer(4, "gatehouse-test-chatham", "Pacific/Chatham");
  const schema = freshSchemaName();
  describeStoreConformance({
    name: "postgres (server)",
    create: async () => {
      await migrateToLatest(db, { schema });
      return createPostgresStore({ db, schema });
    },
    createInOtherTimeZone: () => createPostgresStore({ db: chatham, schema }),
    corruptAttempt: corruptAttemptRow(() => db, schema),
    teardown: async () => {
      await chatham.destroy();
      await dropSchema(db, schema);
      await db.destroy();
    },
  });
});
