import { PGlite } from "@electric-sql/pglite";
import { isGatehouseError, StorageUnavailableError } from "@gatehousejs/core";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPGliteDialect, createPostgresStore, migrateToLatest } from "../src/index.js";
import { organization } from "./support/fixtures.js";

// Nothing a driver throws reaches the caller: these cases need no server, so they run everywhere.

/** A kysely instance on a port where nothing listens. */
function unreachable(): Kysely<unknown> {
  const pool = new pg.Pool({
    connectionString: "postgres://postgres@127.0.0.1:1/test",
    connectionTimeoutMillis: 2000,
  });
  pool.on("error", () => undefined);
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail("expected the call to fail"),
    (error: unknown) => error,
  );
}

describe("an unreachable server", () => {
  it("fails every call with STORAGE_UNAVAILABLE, the driver's error as its cause", async () => {
    const db = unreachable();
    const store = createPostgresStore({ db });
    const calls = [
      () => store.users.findByEmail("ann@example.test"),
      () => store.organizations.create(organization()),
      () => store.attempts.get("login:ann@example.test"),
      () => store.tokens.consume("hash", "password-reset", new Date()),
      () => store.transaction(async (tx) => tx.users.findById("x")),
      () => migrateToLatest(db),
    ];
    for (const call of calls) {
      const error = await failureOf(call());
      expect(error).toBeInstanceOf(StorageUnavailableError);
      expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
    }
    await db.destroy();
  });
});

describe("a closed PGlite", () => {
  it("fails calls with STORAGE_UNAVAILABLE", async () => {
    const pglite = await PGlite.create();
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(pglite) });
    await migrateToLatest(db);
    const store = createPostgresStore({ db });
    await pglite.close();
    const error = await failureOf(store.users.findById("x"));
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(isGatehouseError(error, "STORAGE_UNAVAILABLE")).toBe(true);
  });
});

describe("misuse", () => {
  it("a store on a database without the tables says to run the migrations (CONFIGURATION)", async () => {
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create()) });
    const error = await failureOf(createPostgresStore({ db, schema: "nowhere" }).users.findById("x"));
    expect(isGatehouseError(error, "CONFIGURATION")).toBe(true);
    expect((error as Error).message).toMatch(/migrateToLatest/);
    await db.destroy();
  });

  it("a schema name that is not a plain identifier is refused at once", () => {
    const db = unreachable();
    expect(() => createPostgresStore({ db, schema: 'x"; drop table users; --' })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
    void db.destroy();
  });

  it("a cursor no page returned is a VALIDATION error, not a database error", async () => {
    const db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create()) });
    await migrateToLatest(db);
    const store = createPostgresStore({ db });
    for (const cursor of ["not-a-cursor", Buffer.from('["2026-01-01"]').toString("base64url")]) {
      const error = await failureOf(store.users.list({ organizationId: "o", cursor, limit: 5 }));
      expect(isGatehouseError(error, "VALIDATION")).toBe(true);
    }
    const badInstant = Buffer.from('["yesterday","aud_1"]').toString("base64url");
    const error = await failureOf(store.audit.list({ organizationId: "o", cursor: badInstant, limit: 5 }));
    expect(isGatehouseError(error, "VALIDATION")).toBe(true);
    await db.destroy();
  });
});
