import { AsyncLocalStorage } from "node:async_hooks";
import { GatehouseError } from "../errors.js";
import type { DurableRepositories } from "../store/store.js";
import type { StoreErrorMapper } from "./store-errors.js";

/** The async context of a running `store.transaction` callback. */
export interface TransactionScope {
  /** The store that runs it: a transaction may not start another of the same store. */
  readonly owner: object;
  /** False once the transaction has committed or rolled back: its repositories then refuse to work. */
  active: boolean;
}

/**
 * Marks the async context of a transaction callback. Stores read it to refuse nested transactions and stale
 * repositories; a single-connection driver (PGlite) reads it to refuse, rather than wait forever for, a query
 * made outside a transaction that holds its only connection.
 */
export const transactionScope: AsyncLocalStorage<TransactionScope> =
  new AsyncLocalStorage<TransactionScope>();

/** What {@link runStoreTransaction} needs of an adapter. */
export interface StoreTransaction<Connection, T> {
  /** The store whose `transaction` this is. */
  readonly owner: object;
  /** Begins a transaction, runs `body` on its connection, commits when it resolves, rolls back when it throws. */
  readonly begin: (body: (connection: Connection) => Promise<T>) => Promise<T>;
  /** The durable repositories on the transaction's connection, each calling `check` first. */
  readonly repositories: (connection: Connection, check: () => void) => DurableRepositories;
  readonly toStoreError: StoreErrorMapper;
}

/**
 * Runs the callback of `store.transaction` with the rules every adapter needs: a nested transaction of the same
 * store is a CONFIGURATION error (it would wait for locks the outer one holds), repositories used after the end
 * refuse, the callback's own error goes back as thrown, and a failure to begin or commit is the store's.
 * @example transaction: (fn) => runStoreTransaction({ owner: store, begin: (body) => db.transaction().execute(body), repositories, toStoreError }, fn)
 */
export async function runStoreTransaction<Connection, T>(
  options: StoreTransaction<Connection, T>,
  fn: (tx: DurableRepositories) => Promise<T>,
): Promise<T> {
  const outer = transactionScope.getStore();
  if (outer?.active && outer.owner === options.owner) {
    throw new GatehouseError(
      "CONFIGURATION",
      "A transaction was started inside another: use the repositories the outer transaction passes.",
    );
  }
  const scope: TransactionScope = { owner: options.owner, active: true };
  const check = (): void => {
    if (!scope.active) {
      throw new GatehouseError("CONFIGURATION", "A transaction's repositories were used after it ended.");
    }
  };
  let failure: { error: unknown } | undefined;
  try {
    return await transactionScope.run(scope, () =>
      options.begin(async (connection) => {
        try {
          return await fn(options.repositories(connection, check));
        } catch (error) {
          failure = { error };
          throw error;
        }
      }),
    );
  } catch (error) {
    if (failure !== undefined && failure.error === error) throw error;
    throw options.toStoreError(error, "transaction");
  } finally {
    scope.active = false;
  }
}
