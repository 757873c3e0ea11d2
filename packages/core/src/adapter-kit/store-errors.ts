import { GatehouseError, type Issue, StorageUnavailableError } from "../errors.js";

// Nothing a driver throws reaches a caller as it is: a failure of the database becomes STORAGE_UNAVAILABLE (the
// call did not take effect and may be retried), a missing table CONFIGURATION (the schema was not installed),
// and a constraint the repositories did not expect CONFLICT or NOT_FOUND. Only the classifier knows the driver.

/** What a driver's error means to a store, as a database's classifier tells it. */
export type StoreErrorKind =
  /** A unique key is taken; `index` names it (`"primary"` for a primary key), `key` is the value if known. */
  | { readonly kind: "unique-violation"; readonly index?: string; readonly key?: string }
  /** A row refers to a user that does not exist. */
  | { readonly kind: "foreign-key-violation" }
  /** A table, column or schema is missing: the migrations were not run. */
  | { readonly kind: "missing-schema" }
  /** Anything else: a refused or dropped connection, a timeout, a serialization failure, a shutdown. */
  | { readonly kind: "unavailable" };

/**
 * Reads a driver's error: the one per-database part of the error handling.
 * @example const classify: ErrorClassifier = (error) => (code(error) === "23505" ? { kind: "unique-violation" } : { kind: "unavailable" });
 */
export type ErrorClassifier = (error: unknown) => StoreErrorKind;

/** Turns any error thrown while `operation` ran into the Gatehouse error a caller should see. */
export type StoreErrorMapper = (error: unknown, operation: string) => GatehouseError;

/** Options of {@link createStoreErrorMapper}. */
export interface StoreErrorMapperOptions {
  readonly classify: ErrorClassifier;
  /** What to do when the schema is missing, e.g. "run migrateToLatest(db) with the store's schema". */
  readonly missingSchemaHint: string;
}

/**
 * The mapping from driver errors to Gatehouse errors over a classifier: Gatehouse errors pass as they are.
 * @example const toStoreError = createStoreErrorMapper({ classify, missingSchemaHint: "run migrateToLatest(db)" });
 */
export function createStoreErrorMapper(options: StoreErrorMapperOptions): StoreErrorMapper {
  return (error, operation) => {
    if (error instanceof GatehouseError) return error;
    const classified = options.classify(error);
    switch (classified.kind) {
      case "missing-schema":
        return new GatehouseError(
          "CONFIGURATION",
          `The Gatehouse tables are missing or out of date (${operation}): ${options.missingSchemaHint}.`,
          {},
          { cause: error },
        );
      case "unique-violation": {
        const index = classified.index ?? "a unique key";
        const issue = {
          path: [index],
          reason: "already-exists",
          message: `The value of ${index} is already taken.`,
        };
        return conflictError(`A unique key is already taken (${operation}).`, [issue], error);
      }
      case "foreign-key-violation": {
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
      default:
        return new StorageUnavailableError(`The Gatehouse store is unavailable (${operation}).`, error);
    }
  };
}

/** A CONFLICT error naming each issue, keeping the driver's error as its cause. */
export function conflictError(message: string, issues: readonly Issue[], cause?: unknown): GatehouseError {
  return new GatehouseError("CONFLICT", message, { issues }, cause === undefined ? undefined : { cause });
}

/**
 * Wraps every method of a repository so that it throws only Gatehouse errors, after `check` (e.g. "the
 * transaction has not ended").
 * @example const users = guardRepository("users", createUserRepository(db), toStoreError);
 */
export function guardRepository<T extends object>(
  name: string,
  repository: T,
  toStoreError: StoreErrorMapper,
  check?: () => void,
): T {
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
