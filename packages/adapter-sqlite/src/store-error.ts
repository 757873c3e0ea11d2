import {
  createStoreErrorMapper,
  type ErrorClassifier,
  type StoreErrorMapper,
} from "@gatehousejs/core/adapter-kit";

// The one place SQLite's errors are read: node:sqlite's (`errcode`, the extended result code) and those of
// drivers that name the code instead (better-sqlite3's `code: "SQLITE_CONSTRAINT_UNIQUE"`).

interface SqliteErrorLike {
  errcode?: unknown;
  code?: unknown;
  message?: unknown;
}

const CODES: Record<string, number> = {
  SQLITE_CONSTRAINT_FOREIGNKEY: 787,
  SQLITE_CONSTRAINT_PRIMARYKEY: 1555,
  SQLITE_CONSTRAINT_UNIQUE: 2067,
};

/**
 * The unique indexes SQLite reports by their columns (`UNIQUE constraint failed: roles.organization_id,
 * roles.name_key`), by the names the SQL base knows; an index on an expression is reported by its name.
 */
const INDEX_OF_COLUMNS: Record<string, string> = {
  "roles.organization_id, roles.name_key": "roles_name_key",
  "sso_connections.id": "sso_connections_id_key",
};

/** SQLite's extended result code of a driver error, or `undefined` for any other error. */
function codeOf(error: unknown): number | undefined {
  const { errcode, code } = (error ?? {}) as SqliteErrorLike;
  if (typeof errcode === "number") return errcode;
  return typeof code === "string" ? CODES[code] : undefined;
}

/** SQLite's errors by extended result code; a primary key's violation is the index `"primary"`. */
export const classifySqliteError: ErrorClassifier = (error) => {
  const code = codeOf(error);
  const message = String((error as SqliteErrorLike | null)?.message ?? "");
  if (/^no such (table|column)/.test(message)) return { kind: "missing-schema" };
  if (code === 787) return { kind: "foreign-key-violation" };
  if (code === 1555) return { kind: "unique-violation", index: "primary" };
  if (code !== 2067) return { kind: "unavailable" };
  const failed = /UNIQUE constraint failed: (?:index '([^']+)'|(.+))$/.exec(message);
  const index = failed?.[1] ?? INDEX_OF_COLUMNS[failed?.[2] ?? ""];
  return index === undefined ? { kind: "unique-violation" } : { kind: "unique-violation", index };
};

/** Maps any error thrown while `operation` ran to the Gatehouse error a caller should see. */
export const toStoreError: StoreErrorMapper = createStoreErrorMapper({
  classify: classifySqliteError,
  missingSchemaHint: "run migrateToLatest(db) on the store's database",
});
