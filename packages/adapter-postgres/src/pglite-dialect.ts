import { GatehouseError } from "@gatehousejs/core";
import { type TransactionScope, transactionScope } from "@gatehousejs/core/adapter-kit";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/**
 * The slice of a PGlite instance (`@electric-sql/pglite`) the dialect uses; a `PGlite` satisfies it, and
 * the package does not import PGlite itself.
 */
export interface PGliteLike {
  query<R>(query: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
}

/**
 * A kysely dialect for PGlite, embedded PostgreSQL: the zero-setup store.
 *
 * PGlite is one session. A transaction has it to itself until it ends: every other query, in or out of a
 * transaction, waits its turn, so transactions are isolated and `SELECT … FOR UPDATE` serialises them as
 * on a server. (A driver that lets other queries through while a transaction is open runs them inside it.)
 * Consequently a transaction's callback MUST NOT wait on a query made outside it, or it waits forever.
 * `db.destroy()` closes the PGlite instance.
 * @example
 * const db = new Kysely<unknown>({ dialect: createPGliteDialect(await PGlite.create("./.data/gatehouse")) });
 */
export function createPGliteDialect(pglite: PGliteLike): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(pglite),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  #queue: Promise<void> = Promise.resolve();
  /** The transaction scope whose query or transaction holds the connection, if any. */
  #holder: TransactionScope | undefined;

  constructor(pglite: PGliteLike) {
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const scope = transactionScope.getStore();
    if (scope?.active && scope === this.#holder) {
      // Called from inside a store transaction that holds the one connection: waiting would never end.
      throw new GatehouseError(
        "CONFIGURATION",
        "PGlite has one connection and this transaction holds it: inside store.transaction, use the repositories it passes.",
      );
    }
    // A queue of holders: each acquirer waits for the previous one's release.
    const previous = this.#queue;
    let release = (): void => undefined;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#holder = scope;
    this.#connection.release = () => {
      this.#holder = undefined;
      release();
    };
    return this.#connection;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).release();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = "start transaction";
    if (settings.isolationLevel !== undefined) statement += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode !== undefined) statement += ` ${settings.accessMode}`;
    await connection.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async destroy(): Promise<void> {
    await this.#connection.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly pglite: PGliteLike;
  release: () => void = () => undefined;

  constructor(pglite: PGliteLike) {
    this.pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    return { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) };
  }

  // biome-ignore lint/correctness/useYield: PGlite returns whole results; there is nothing to stream.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("PGlite does not stream query results.");
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
