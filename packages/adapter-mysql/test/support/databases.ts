import { randomBytes } from "node:crypto";
import { Kysely, MysqlDialect, sql } from "kysely";
import { createPool, type PoolOptions } from "mysql2";
import { describe, it } from "vitest";

/** The server the tests use; CI starts MariaDB (or installs it) when it is missing. */
export const MYSQL_URL = process.env.MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** True in CI, where a missing server is a failure, never a skip. */
export const IN_CI = process.env.CI === "true";

/** A kysely instance on a fresh mysql2 pool; `database` and pool options override the URL's. */
export function connect(options: PoolOptions = {}): Kysely<unknown> {
  const url = new URL(MYSQL_URL);
  const pool = createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1) || "test",
    connectionLimit: 10,
    ...options,
  });
  return new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) });
}

/**
 * A pool in another time zone than UTC, for mysql2's conversion of dates (`timezone`) and for the server's
 * session (`time_zone`): instants must read back the same through it.
 */
export function connectInTimeZone(database: string, offset: string): Kysely<unknown> {
  const url = new URL(MYSQL_URL);
  const pool = createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || "root"),
    password: decodeURIComponent(url.password),
    database,
    connectionLimit: 4,
    timezone: offset,
  });
  pool.on("connection", (connection) => {
    connection.query(`set time_zone = '${offset}'`);
  });
  return new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) });
}

/** Creates a database no other run uses and returns its name. */
export async function createFreshDatabase(): Promise<string> {
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  const admin = connect({ connectionLimit: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  return name;
}

/** Drops a database made by a test run. */
export async function dropDatabase(name: string): Promise<void> {
  const admin = connect({ connectionLimit: 1 });
  try {
    await sql`drop database if exists ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
}

/** Whether the server answers. */
export async function serverIsUp(): Promise<boolean> {
  const db = connect({ connectionLimit: 1, connectTimeout: 3000 });
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

/** Declares `declare()` when the server answers; outside CI a missing server skips the file, in CI it fails. */
export async function describeWithServer(title: string, declare: () => void): Promise<void> {
  if (await serverIsUp()) {
    declare();
    return;
  }
  const reason = `no MySQL or MariaDB server answers at ${MYSQL_URL}`;
  if (IN_CI) throw new Error(`${title}: ${reason}, and CI requires one (.ci/run starts MariaDB).`);
  console.warn(`Skipping "${title}": ${reason}. Start one, or set MYSQL_URL; CI fails instead of skipping.`);
  describe.skip(`${title} (${reason})`, () => {
    it("needs a MySQL or MariaDB server", () => undefined);
  });
}
