import type { Store } from "@gatehousejs/core";
import { createSqlStore } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import { booleansAsIntegers } from "./booleans.js";
import { sqliteDialect } from "./sqlite-dialect.js";

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions<DB> {
  /**
   * The host's kysely instance on SQLite (`SqliteDialect` over {@link openSqliteDatabase}); one per database
   * file per process (see the README: the drivers are synchronous, SQLite has one writer).
   */
  readonly db: Kysely<DB>;
}

/**
 * The Gatehouse store on SQLite: every repository, and transactions of the durable ones (which run one at a
 * time: each holds the database's write lock).
 * @example
 * const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqliteDatabase("app.db") }) });
 * await migrateToLatest(db);
 * const store = createSqliteStore({ db });
 */
export function createSqliteStore<DB>(options: SqliteStoreOptions<DB>): Store {
  return createSqlStore(sqliteDialect, { db: options.db.withPlugin(booleansAsIntegers) });
}
