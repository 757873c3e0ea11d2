import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, SqliteDialect, sql } from "kysely";
import { type OpenSqliteOptions, openSqliteDatabase } from "../../src/index.js";

/** A kysely instance on a SQLite database through node:sqlite: `":memory:"` or a file. */
export function connect(filename: string, options?: OpenSqliteOptions): Kysely<unknown> {
  return new Kysely<unknown>({
    dialect: new SqliteDialect({ database: openSqliteDatabase(filename, options) }),
  });
}

/** A database file in a fresh temporary directory, and how to remove it. */
export function temporaryDatabaseFile(): { filename: string; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), "gatehouse-sqlite-"));
  return {
    filename: join(directory, "gatehouse.db"),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** The conformance suite's `corruptAttempt` hook on SQLite: any JSON as an attempt row's state, past the codec. */
export function corruptAttemptRow(db: () => Kysely<unknown>) {
  return async (key: string, raw: unknown): Promise<void> => {
    const result =
      await sql`update login_attempts set state = ${JSON.stringify(raw)} where ${sql.ref("key")} = ${key}`.execute(
        db(),
      );
    if (result.numAffectedRows !== 1n) throw new Error(`No attempt row to damage under ${key}.`);
  };
}
