import { describe } from "vitest";
import { connectPGlite } from "./support/databases.js";
import { describeNamePartsMigration } from "./support/name-migration.js";

describe("migration 0002, name parts (PGlite)", () => {
  describeNamePartsMigration(async () => {
    const db = await connectPGlite();
    return { db, schema: "gatehouse", close: () => db.destroy() };
  });
});
