import { isGatehouseError } from "@gatehousejs/core";
import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";
import { migrateToLatest } from "../src/index.js";
import { connectPGlite } from "./support/databases.js";

const db = await connectPGlite();
afterAll(async () => {
  await db.destroy();
});

it("a host table of the same name stops the migration with CONFIGURATION, and a schema avoids it", async () => {
  await sql`create table users (id serial primary key, login text)`.execute(db);
  await sql`insert into users (login) values ('host-user')`.execute(db);
  const error = await migrateToLatest(db).catch((caught: unknown) => caught);
  expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
  expect((error as Error).message).toMatch(/schema/);
  expect(await migrateToLatest(db, { schema: "gatehouse" })).toEqual({
    executed: ["0001_initial", "0002_name_parts", "0003_sso", "0004_authorization_versions"],
  });
  const { rows } = await sql<{ login: string }>`select login from users`.execute(db);
  expect(rows).toEqual([{ login: "host-user" }]);
});
