import type { Store } from "@gatehousejs/core";
import { createSqlStore } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import { mysqlDialect } from "./mysql-dialect.js";

/** Options of {@link createMysqlStore}. */
export interface MysqlStoreOptions<DB> {
  /** The host's kysely instance on MySQL or MariaDB (`MysqlDialect` over a mysql2 pool), any time zone. */
  readonly db: Kysely<DB>;
}

/**
 * The Gatehouse store on MySQL 8 or MariaDB 10.11+: every repository, and transactions of the durable ones.
 * @example
 * const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createPool(process.env.MYSQL_URL) }) });
 * await migrateToLatest(db);
 * const store = createMysqlStore({ db });
 */
export function createMysqlStore<DB>(options: MysqlStoreOptions<DB>): Store {
  return createSqlStore(mysqlDialect, { db: options.db });
}
