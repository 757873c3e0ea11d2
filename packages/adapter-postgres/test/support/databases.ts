import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { describe, it } from "vitest";
import { createPGliteDialect } from "../../src/pglite-dialect.js";

/** The server the tests use; CI provides it. */
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** True in CI, where a missing server is a failure, never a skip. */
export const IN_CI = process.env.CI === "true";

/** A schema name no other run uses. */
export function freshSchemaName(): string {
  return `gh_test_${randomBytes(6).toString("hex")}`;
}

/**
 * Whether the PostgreSQL server answers. Outside CI a test file skips itself when it does not, with a
 * message saying so; in CI the file fails instead (see `describeServer`).
 */
export async function serverIsUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A kysely instance on a fresh pool to the server; `applicationName` lets a test find its backends. */
export function connectServer(
  max = 10,
  applicationName = "gatehouse-test",
  timeZone?: string,
): Kysely<unknown> {
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max,
    application_name: applicationName,
    // The session's TimeZone: `timestamptz` keeps instants, so no zone may change what reads back.
    ...(timeZone === undefined ? {} : { options: `-c TimeZone=${timeZone}` }),
  });
  // A client whose backend ends emits "error" (on the pool when idle, on the client when checked out);
  // unheard, it would crash the process. The failing query reports it to the store anyway.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}

/** Drops a schema made by a test run, with everything in it. */
export async function dropSchema(db: Kysely<unknown>, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}

/** A kysely instance on a new in-memory PGlite (about 2–3 s to start). */
export async function connectPGlite(): Promise<Kysely<unknown>> {
  const pglite = await PGlite.create();
  return new Kysely<unknown>({ dialect: createPGliteDialect(pglite) });
}

/**
 * Declares `declare()` when the server answers. Outside CI a missing server skips the file with a message
 * saying why; in CI it fails the run, since a skipped suite would pass silently.
 */
export async function describeWithServer(title: string, declare: () => void): Promise<void> {
  if (await serverIsUp()) {
    declare();
    return;
  }
  const reason = `no PostgreSQL server answers at ${DATABASE_URL}`;
  if (IN_CI)
    throw new Error(
      `${title}: ${reason}, and CI requires one (set DATABASE_URL, or start PostgreSQL as the repository README says).`,
    );
  console.warn(
    `Skipping "${title}": ${reason}. Start one, or set DATABASE_URL; CI fails instead of skipping.`,
  );
  describe.skip(`${title} (${reason})`, () => {
    it("needs a PostgreSQL server", () => undefined);
  });
}
