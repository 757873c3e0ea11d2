import type { GatehouseError } from "@gatehousejs/core";
import { makeOrganization, makeUser } from "@gatehousejs/core/testing/fixtures";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { booleansAsIntegers } from "../src/booleans.js";
import { createSqliteStore, migrateToLatest } from "../src/index.js";
import { classifySqliteError } from "../src/store-error.js";
import { connect, temporaryDatabaseFile } from "./support/databases.js";

describe("sqlite: what the conformance suite does not reach", () => {
  it("GLOB's wildcards in a search are plain characters (SQLite's LIKE would fold case and has no escape)", async () => {
    const db = connect(":memory:");
    try {
      await migrateToLatest(db);
      const store = createSqliteStore({ db });
      const organizationId = makeOrganization().id;
      const users = ["star*@x.test", "what?@x.test", "[br]@x.test", "starry@x.test", "Upper@x.test"].map(
        (email) => makeUser(organizationId, { email }),
      );
      await store.users.createMany(users);
      const search = async (text: string) =>
        (await store.users.list({ organizationId, search: text, limit: 10 })).items.map((user) => user.email);
      expect(await search("star*")).toEqual(["star*@x.test"]);
      expect(await search("what?")).toEqual(["what?@x.test"]);
      expect(await search("[br]")).toEqual(["[br]@x.test"]);
      expect(await search("*")).toEqual([]);
      expect(await search("?")).toEqual([]);
      // The search is lower-cased; the stored address is compared exactly, as on PostgreSQL.
      expect(await search("upper")).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("the store binds booleans as 1 and 0 for any driver (better-sqlite3 binds none either)", () => {
    const db = new Kysely<{ t: { flag: boolean; other: boolean } }>({
      dialect: new SqliteDialect({ database: async () => Promise.reject(new Error("not connected")) }),
    }).withPlugin(booleansAsIntegers);
    const insert = db
      .insertInto("t")
      .values([{ flag: true, other: false }])
      .compile();
    const update = db.updateTable("t").set({ flag: false }).where("other", "=", true).compile();
    expect([insert.parameters, update.parameters]).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it("reads errors of node:sqlite (errcode) and of drivers that name the code (better-sqlite3)", () => {
    const unique = (message: string, errcode = 2067) => ({ code: "ERR_SQLITE_ERROR", errcode, message });
    expect(classifySqliteError(unique("UNIQUE constraint failed: index 'users_email_key'"))).toEqual({
      kind: "unique-violation",
      index: "users_email_key",
    });
    expect(
      classifySqliteError(unique("UNIQUE constraint failed: roles.organization_id, roles.name_key")),
    ).toEqual({ kind: "unique-violation", index: "roles_name_key" });
    expect(classifySqliteError(unique("UNIQUE constraint failed: tokens.hash", 1555))).toEqual({
      kind: "unique-violation",
      index: "primary",
    });
    expect(
      classifySqliteError({
        code: "SQLITE_CONSTRAINT_PRIMARYKEY",
        message: "UNIQUE constraint failed: users.id",
      }),
    ).toEqual({ kind: "unique-violation", index: "primary" });
    expect(
      classifySqliteError({ code: "SQLITE_CONSTRAINT_FOREIGNKEY", message: "FOREIGN KEY constraint failed" }),
    ).toEqual({ kind: "foreign-key-violation" });
    expect(classifySqliteError({ errcode: 1, message: "no such table: users" })).toEqual({
      kind: "missing-schema",
    });
    expect(classifySqliteError({ errcode: 5, message: "database is locked" })).toEqual({
      kind: "unavailable",
    });
    expect(classifySqliteError(new Error("socket hang up"))).toEqual({ kind: "unavailable" });
  });
});

// SQLite has one writer per database. In one process, kysely's SqliteDialect runs everything on one connection,
// so Gatehouse's transactions simply queue. Another connection (another process, or a second Kysely instance on
// the same file) waits for the write lock up to busy_timeout and then fails: the store reports STORAGE_UNAVAILABLE,
// never a write that a transaction's reads did not see. Readers do not wait (write-ahead logging). Here the second
// connection has busy_timeout 0, so it fails at once instead of blocking the thread: node:sqlite is synchronous,
// and a connection waiting in this process would stop the very transaction it waits for.
describe("sqlite: a second connection to the same file", () => {
  const file = temporaryDatabaseFile();
  let first: Kysely<unknown>;
  let second: Kysely<unknown>;
  beforeAll(async () => {
    first = connect(file.filename);
    await migrateToLatest(first);
    second = connect(file.filename, { busyTimeoutMs: 0 });
  });
  afterAll(async () => {
    await second.destroy();
    await first.destroy();
    file.remove();
  });

  it("cannot write while a transaction holds the write lock, reads the last commit meanwhile, and writes after it", async () => {
    const writer = createSqliteStore({ db: first });
    const other = createSqliteStore({ db: second });
    const organization = makeOrganization();
    const late = makeOrganization();
    await writer.transaction(async (tx) => {
      await tx.organizations.lock(organization.id);
      await tx.organizations.create(organization);
      const refused = await other.organizations.create(late).catch((error: unknown) => error);
      expect((refused as GatehouseError).code).toBe("STORAGE_UNAVAILABLE");
      expect(await other.organizations.findById(organization.id)).toBeNull();
    });
    expect(await other.organizations.findById(organization.id)).toEqual(organization);
    await other.organizations.create(late);
    expect(await writer.organizations.findById(late.id)).toEqual(late);
  });

  it("a transaction takes the write lock before its first read, so it never reads a state another writer changes", async () => {
    const writer = createSqliteStore({ db: first });
    const other = createSqliteStore({ db: second });
    const organization = makeOrganization();
    await writer.organizations.create(organization);
    // The transaction only reads, yet holds the lock from its start: the other connection's write waits for it.
    await writer.transaction(async (tx) => {
      expect(await tx.organizations.findById(organization.id)).toEqual(organization);
      const refused = await other.organizations
        .update(organization.id, { name: "Renamed" })
        .catch((error: unknown) => error);
      expect((refused as GatehouseError).code).toBe("STORAGE_UNAVAILABLE");
    });
    expect((await other.organizations.update(organization.id, { name: "Renamed" }))?.name).toBe("Renamed");
  });
});
