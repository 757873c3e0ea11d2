import { isGatehouseError } from "@gatehousejs/core";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore, migrateToLatest } from "../src/index.js";
import { connectPGlite } from "./support/databases.js";
import { organization, user } from "./support/fixtures.js";

let db: Kysely<unknown>;
beforeAll(async () => {
  db = await connectPGlite();
  await migrateToLatest(db);
});
afterAll(async () => {
  await db.destroy();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("a transaction has PGlite to itself: a query from outside waits and never sees its uncommitted rows", async () => {
  const store = createPostgresStore({ db });
  const created = organization();
  await store.organizations.create(created);
  const doomed = user(created.id);
  let inserted: () => void = () => undefined;
  const insertedSignal = new Promise<void>((resolve) => {
    inserted = resolve;
  });
  const transaction = store.transaction(async (tx) => {
    await tx.users.createMany([doomed]);
    inserted();
    await pause(50);
    throw new Error("rolled back");
  });
  await insertedSignal;
  // One session: a driver that let this through would run it inside the open transaction and find the user.
  expect(await store.users.findById(doomed.id)).toBeNull();
  await expect(transaction).rejects.toThrow("rolled back");
});

it("a query outside the transaction made from inside its callback fails at once instead of waiting forever", async () => {
  const store = createPostgresStore({ db });
  const error = await store
    .transaction(async () => store.sessions.find("hash", new Date()))
    .catch((caught: unknown) => caught);
  expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
  expect((error as Error).message).toMatch(/one connection/);
  // And PGlite is free again afterwards.
  expect(await store.sessions.find("hash", new Date())).toBeNull();
});

it("concurrent transactions run one after the other and all commit", async () => {
  const store = createPostgresStore({ db });
  const created = organization({ name: "0" });
  await store.organizations.create(created);
  await Promise.all(
    Array.from({ length: 10 }, () =>
      store.transaction(async (tx) => {
        const current = await tx.organizations.findById(created.id);
        await pause(1);
        await tx.organizations.update(created.id, { name: String(Number(current?.name) + 1) });
      }),
    ),
  );
  expect((await store.organizations.findById(created.id))?.name).toBe("10");
});
