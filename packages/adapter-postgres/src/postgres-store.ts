import type { Store } from "@gatehousejs/core";
import { createSqlStore } from "@gatehousejs/sql-base";
import type { Kysely } from "kysely";
import { postgresDialect } from "./postgres-dialect.js";

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions<DB> {
  /**
   * The host's kysely instance on PostgreSQL (a `pg` pool) or on PGlite (`createPGliteDialect`). Its
   * database type does not matter: Gatehouse only touches its own tables.
   */
  readonly db: Kysely<DB>;
  /**
   * The PostgreSQL schema holding the Gatehouse tables; the same as given to `migrateToLatest`.
   * @default the connection's search_path (normally `public`)
   */
  readonly schema?: string;
}

/**
 * The Gatehouse store on PostgreSQL: every repository, and transactions of the durable ones.
 * @example
 * const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString }) }) });
 * await migrateToLatest(db, { schema: "gatehouse" });
 * const store = createPostgresStore({ db, schema: "gatehouse" });
 */
export function createPostgresStore<DB>(options: PostgresStoreOptions<DB>): Store {
  return createSqlStore(postgresDialect, options);
}
