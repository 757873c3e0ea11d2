import { connectServer, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";
import { describeNamePartsMigration } from "./support/name-migration.js";

await describeWithServer("migration 0002, name parts (server)", () => {
  describeNamePartsMigration(async () => {
    const db = connectServer(2);
    const schema = freshSchemaName();
    return {
      db,
      schema,
      close: async () => {
        await dropSchema(db, schema);
        await db.destroy();
      },
    };
  });
});
