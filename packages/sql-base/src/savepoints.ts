import { type Kysely, sql } from "kysely";

let savepoints = 0;

/**
 * Runs `fn` all or nothing: in a transaction of its own, or, on a connection already in one, inside a
 * savepoint (see `inSavepoint`).
 */
export async function atomically<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? inSavepoint(db, fn) : db.transaction().execute(fn);
}

/**
 * On a connection in a transaction, runs `fn` inside a savepoint; elsewhere runs it as it is (one statement
 * is atomic by itself). A failed statement aborts a whole PostgreSQL transaction; the savepoint undoes
 * only this call, so a caller inside `store.transaction` may catch a CONFLICT and go on, as it could with
 * any other store.
 */
export async function inSavepoint<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return fn(db);
  savepoints += 1;
  const name = sql.id(`gatehouse_${savepoints}`);
  await sql`savepoint ${name}`.execute(db);
  try {
    const result = await fn(db);
    await sql`release savepoint ${name}`.execute(db);
    return result;
  } catch (error) {
    // If even the rollback fails the connection is gone, and the first error says more.
    await sql`rollback to savepoint ${name}`.execute(db).catch(() => undefined);
    throw error;
  }
}
