import type { GatehouseError } from "@gatehousejs/core";
import { makeOrganization, makeToken, makeUser } from "@gatehousejs/core/testing/fixtures";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteStore, gatehouseMigrations, migrateToLatest, purgeExpired } from "../src/index.js";
import { connect } from "./support/databases.js";

describe("sqlite: migrations and purge", () => {
  let db: Kysely<unknown>;
  beforeAll(() => {
    db = connect(":memory:");
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("a store on a database without the tables says to migrate (CONFIGURATION)", async () => {
    const error = await createSqliteStore({ db })
      .organizations.findById("org_x")
      .catch((caught: unknown) => caught);
    expect((error as GatehouseError).code).toBe("CONFIGURATION");
    expect((error as GatehouseError).message).toMatch(/migrateToLatest/);
  });

  it("migrateToLatest applies the migrations once, then has nothing to do", async () => {
    expect(await migrateToLatest(db)).toEqual({
      executed: ["0001_initial", "0002_sso", "0003_authorization_versions"],
    });
    expect(await migrateToLatest(db)).toEqual({ executed: [] });
  });

  it("purgeExpired deletes what expired and nothing live", async () => {
    const store = createSqliteStore({ db });
    const owner = makeUser(makeOrganization().id);
    const now = new Date();
    const expired = makeToken(owner, { expiresAt: new Date(now.getTime() - 1) });
    const live = makeToken(owner, { expiresAt: new Date(now.getTime() + 60_000) });
    await store.tokens.create(expired);
    await store.tokens.create(live);
    expect(await purgeExpired(db, { now })).toEqual({ sessions: 0, tokens: 1, loginAttempts: 0 });
    expect(await store.tokens.find(live.hash, live.kind, now)).toEqual(live);
  });

  it("deleting a user takes its sessions and role rows with it even on a connection with foreign_keys off", async () => {
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      const store = createSqliteStore({ db });
      const user = makeUser(makeOrganization().id, { roles: ["admin"] });
      await store.users.createMany([user]);
      const now = new Date();
      await store.sessions.create({
        tokenHash: `h${user.id}`,
        userId: user.id,
        organizationId: user.organizationId,
        stage: "authenticated",
        secondFactorVerified: true,
        createdAt: now,
        lastActiveAt: now,
        expiresAt: new Date(now.getTime() + 60_000),
        principal: null,
      });
      expect(await store.users.delete(user.id)).toBe(true);
      expect(await store.sessions.listByUser(user.id, now)).toEqual([]);
      expect(await store.users.countWithAnyRole(user.organizationId, ["admin"])).toBe(0);
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  });

  it("the tables are STRICT: a value of the wrong type is refused, not stored as it came", async () => {
    const refused = await sql`insert into organizations (id, name, settings, created_at, updated_at)
      values ('org_text_instant', 'x', '{}', '2026-01-01T00:00:00Z', 0)`
      .execute(db)
      .catch((error: unknown) => error);
    expect(String(refused)).toMatch(/cannot store TEXT value in INTEGER column/);
  });

  it("0002_sso goes down and up again", async () => {
    const tables = async () =>
      (
        await sql<{ name: string }>`select name from sqlite_master where type = 'table'
          and name in ('sso_connections', 'sso_domains', 'identity_links')`.execute(db)
      ).rows.length;
    const { "0002_sso": sso } = gatehouseMigrations();
    await sso?.down?.(db);
    expect(await tables()).toBe(0);
    await sso?.up(db);
    expect(await tables()).toBe(3);
  });

  it("0003_authorization_versions goes down and up again (sessions.principal, authorization_versions)", async () => {
    const shape = async () => ({
      versions: (
        await sql<{
          name: string;
        }>`select name from sqlite_master where name = 'authorization_versions'`.execute(db)
      ).rows.length,
      principal: (
        await sql<{
          name: string;
        }>`select name from pragma_table_info('sessions') where name = 'principal'`.execute(db)
      ).rows.length,
    });
    const { "0003_authorization_versions": versions } = gatehouseMigrations();
    await versions?.down?.(db);
    expect(await shape()).toEqual({ versions: 0, principal: 0 });
    await versions?.up(db);
    expect(await shape()).toEqual({ versions: 1, principal: 1 });
  });
});
