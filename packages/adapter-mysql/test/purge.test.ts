import { makeOrganization, makeToken, makeUser } from "@gatehousejs/core/testing/fixtures";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMysqlStore, migrateToLatest, purgeExpired } from "../src/index.js";
import { connect, createFreshDatabase, describeWithServer, dropDatabase } from "./support/databases.js";

await describeWithServer("mysql: migrations and purge", () => {
  let database = "";
  let db: Kysely<unknown>;
  beforeAll(async () => {
    database = await createFreshDatabase();
    db = connect({ database });
  });
  afterAll(async () => {
    await db.destroy();
    await dropDatabase(database);
  });

  it("migrateToLatest applies the migrations once, then has nothing to do", async () => {
    expect(await migrateToLatest(db)).toEqual({
      executed: ["0001_initial", "0002_sso", "0003_authorization_versions"],
    });
    expect(await migrateToLatest(db)).toEqual({ executed: [] });
  });

  it("purgeExpired deletes what expired and nothing live", async () => {
    const store = createMysqlStore({ db });
    const owner = makeUser(makeOrganization().id);
    const now = new Date();
    const expired = makeToken(owner, { expiresAt: new Date(now.getTime() - 1) });
    const live = makeToken(owner, { expiresAt: new Date(now.getTime() + 60_000) });
    await store.tokens.create(expired);
    await store.tokens.create(live);
    expect(await purgeExpired(db, { now })).toEqual({ sessions: 0, tokens: 1, loginAttempts: 0 });
    expect(await store.tokens.find(live.hash, live.kind, now)).toEqual(live);
  });
});
