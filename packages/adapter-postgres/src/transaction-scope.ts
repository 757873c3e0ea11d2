import { AsyncLocalStorage } from "node:async_hooks";

/** The async context of a running `store.transaction` callback. */
export interface TransactionScope {
  /** The store that runs it: a transaction may not start another of the same store. */
  readonly owner: object;
  /** False once the transaction has committed or rolled back: its repositories then refuse to work. */
  active: boolean;
}

/**
 * Marks the async context of a transaction callback. The store reads it to refuse nested transactions and
 * stale repositories; the PGlite driver reads it to refuse, rather than wait forever for, a query made
 * outside a transaction that holds PGlite's only connection.
 */
export const transactionScope: AsyncLocalStorage<TransactionScope> =
  new AsyncLocalStorage<TransactionScope>();
