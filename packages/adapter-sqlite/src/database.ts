import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SqliteDatabase } from "kysely";

/** Options of {@link openSqliteDatabase}. */
export interface OpenSqliteOptions {
  /**
   * How long a statement waits for another connection's write lock (another process on the same file) before
   * it fails with SQLITE_BUSY, which the store reports as STORAGE_UNAVAILABLE. @default 5000
   */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens a SQLite database with Node's built-in `node:sqlite` (Node 22.13+), as kysely's `SqliteDialect` takes it:
 * foreign keys enforced, a busy timeout, write-ahead logging for a file (readers never wait for the writer), and
 * booleans bound as 1 and 0.
 * `":memory:"` is a private in-memory database, gone when it is closed.
 * @example const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqliteDatabase("app.db") }) });
 */
export function openSqliteDatabase(filename: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const database = new DatabaseSync(filename);
  database.exec(`pragma busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  database.exec("pragma foreign_keys = on");
  if (filename !== ":memory:" && filename !== "") database.exec("pragma journal_mode = wal");
  return {
    close: () => database.close(),
    prepare(source) {
      const statement = database.prepare(source);
      // node:sqlite binds no booleans: 1 and 0, as the store's plugin does for any driver.
      const bind = (parameters: ReadonlyArray<unknown>) =>
        parameters.map((value) => (typeof value === "boolean" ? Number(value) : value)) as Parameters<
          StatementSync["all"]
        >;
      return {
        reader: returnsRows(statement, source),
        all: (parameters) => statement.all(...bind(parameters)),
        run: (parameters) => statement.run(...bind(parameters)),
        iterate: (parameters) => statement.iterate(...bind(parameters)),
      };
    },
  };
}

/** Whether a statement returns rows: its columns (Node 22.16+), or else what it says. */
function returnsRows(statement: StatementSync, source: string): boolean {
  if (typeof statement.columns === "function") return statement.columns().length > 0;
  return /^\s*(select|with|pragma|values)\b|\breturning\b/i.test(source);
}
