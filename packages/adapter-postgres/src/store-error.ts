import { GatehouseError, type Issue, StorageUnavailableError } from "@gatehousejs/core";

// Nothing a driver throws reaches a caller as it is: a failure of the database becomes
// STORAGE_UNAVAILABLE (the call did not take effect and may be retried), a missing table CONFIGURATION
// (the migrations were not run), and a constraint the repositories did not expect CONFLICT or NOT_FOUND.

/** The fields of a PostgreSQL error that `pg` and PGlite both carry. */
interface DatabaseErrorLike {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
}

/** The SQLSTATE of a database error, or `undefined` for any other error. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as DatabaseErrorLike | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The constraint a database error names, if any. */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as DatabaseErrorLike | null)?.constraint;
  return typeof constraint === "string" ? constraint : undefined;
}

/** True for a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return sqlStateOf(error) === "23505" && (constraint === undefined || constraintOf(error) === constraint);
}

/** The key value a unique violation reports (`Key (lower(email))=(a@b.c) already exists.`), if any. */
export function duplicateKeyOf(error: unknown): string | undefined {
  const detail = (error as DatabaseErrorLike | null)?.detail;
  if (typeof detail !== "string") return undefined;
  return /^Key \(.*?\)=\((.*)\) already exists\.?$/.exec(detail)?.[1];
}

/** A CONFLICT error naming each issue. */
export function conflictError(message: string, issues: readonly Issue[], cause?: unknown): GatehouseError {
  return new GatehouseError("CONFLICT", message, { issues }, cause === undefined ? undefined : { cause });
}

/** Maps any error thrown while `operation` ran to the Gatehouse error a caller should see. */
export function toStoreError(error: unknown, operation: string): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const state = sqlStateOf(error);
  if (state === "42P01" || state === "3F000" || state === "42703") {
    return new GatehouseError(
      "CONFIGURATION",
      `The Gatehouse tables are missing or out of date (${operation}): run migrateToLatest(db) with the store's schema.`,
      {},
      { cause: error },
    );
  }
  if (state === "23505") {
    const constraint = constraintOf(error) ?? "a unique key";
    const issue = {
      path: [constraint],
      reason: "already-exists",
      message: `The value of ${constraint} is already taken.`,
    };
    return conflictError(`A unique key is already taken (${operation}).`, [issue], error);
  }
  if (state === "23503") {
    const issue = {
      path: ["userId"],
      reason: "not-found",
      message: "The record refers to a user that does not exist.",
    };
    return new GatehouseError(
      "NOT_FOUND",
      `No such user (${operation}).`,
      { issues: [issue] },
      { cause: error },
    );
  }
  // Everything else — refused or dropped connections, a closed PGlite, a pool that has ended, timeouts,
  // serialization failures, a server shutting down — is the storage failing, not the caller's mistake.
  return new StorageUnavailableError(`The Gatehouse store is unavailable (${operation}).`, error);
}

/**
 * Wraps every method of a repository so that it throws only Gatehouse errors.
 * @example const users = guardRepository("users", createUserRepository(db));
 */
export function guardRepository<T extends object>(name: string, repository: T, check?: () => void): T {
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repository)) {
    if (typeof value !== "function") {
      guarded[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => Promise<unknown>;
    guarded[key] = async (...args: unknown[]): Promise<unknown> => {
      try {
        check?.();
        return await method.apply(repository, args);
      } catch (error) {
        throw toStoreError(error, `${name}.${key}`);
      }
    };
  }
  return guarded as T;
}
