import {
  createStoreErrorMapper,
  type ErrorClassifier,
  type StoreErrorMapper,
} from "@gatehousejs/core/adapter-kit";

// The one place MySQL's and MariaDB's errors (as mysql2 reports them) are read.

interface MysqlErrorLike {
  errno?: unknown;
  sqlMessage?: unknown;
}

/** The server's error number of a mysql2 error, or `undefined` for any other error. */
export function errnoOf(error: unknown): number | undefined {
  const errno = (error as MysqlErrorLike | null)?.errno;
  return typeof errno === "number" ? errno : undefined;
}

/**
 * MySQL's errors by number. A duplicate names its key as `users_email_key`, `users.users_email_key` (MySQL 8)
 * or `PRIMARY`, which is the index `"primary"`.
 */
export const classifyMysqlError: ErrorClassifier = (error) => {
  const errno = errnoOf(error);
  // No such table, column or database.
  if (errno === 1146 || errno === 1054 || errno === 1049) return { kind: "missing-schema" };
  if (errno === 1452) return { kind: "foreign-key-violation" };
  if (errno !== 1062) return { kind: "unavailable" };
  const message = String((error as MysqlErrorLike).sqlMessage ?? "");
  const match = /^Duplicate entry '(.*)' for key '(?:[^.']*\.)?([^']*)'$/s.exec(message);
  if (match === null) return { kind: "unique-violation" };
  const [, key = "", index = ""] = match;
  return { kind: "unique-violation", index: index === "PRIMARY" ? "primary" : index, key };
};

/** Maps any error thrown while `operation` ran to the Gatehouse error a caller should see. */
export const toStoreError: StoreErrorMapper = createStoreErrorMapper({
  classify: classifyMysqlError,
  missingSchemaHint: "run migrateToLatest(db) on the store's database",
});
