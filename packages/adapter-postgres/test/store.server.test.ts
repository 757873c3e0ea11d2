import { isGatehouseError } from "@gatehousejs/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { connectServer, describeWithServer, dropSchema, freshSchemaName } from "./support/databases.js";
import { newId, organization, user } from "./support/fixtures.js";
import { describePostgresBehaviour } from "./support/store-behaviour.js";

await describeWithServer("postgres store (server)", () => {
  const db = connectServer();
  const schema = freshSchemaName();
  beforeAll(async () => {
    await migrateToLatest(db, { schema });
  });
  afterAll(async () => {
    await dropSchema(db, schema);
    await db.destroy();
  });
  describePostgresBehaviour({ db: () => db, schema });

  it("an address committed between createMany's check and its insert still comes back as CONFLICT naming it", async () => {
    const store = createPostgresStore({ db, schema });
    const created = organization();
    await store.organizations.create(created);
    const email = `${newId("race")}@example.test`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => undefined;
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const first = store.transaction(async (tx) => {
      await tx.users.createMany([user(created.id, { email })]);
      inserted();
      await held;
    });
    await insertedSignal;
    // The check cannot see the uncommitted row; the insert then waits on the unique index for the first.
    // Caught at once: the refusal can arrive in the same tick as the first commit, before `await first` resumes.
    const second = store.users
      .createMany([user(created.id), user(created.id, { email })])
      .catch((caught: unknown) => caught);
    setTimeout(release, 100);
    await first;
    const error = await second;
    expect(isGatehouseError(error, "CONFLICT")).toBe(true);
    expect(isGatehouseError(error) && error.details.issues).toEqual([
      expect.objectContaining({ path: [email], reason: "already-registered" }),
    ]);
  });
});
