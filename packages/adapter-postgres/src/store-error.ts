import {
  createStoreErrorMapper,
  type ErrorClassifier,
  type StoreErrorMapper,
} from "@gatehousejs/core/adapter-kit";

// The one place PostgreSQL's errors are read: the kit's mapper turns what this classifier says into
// STORAGE_UNAVAILABLE, CONFIGURATION (the migrations were not run), CONFLICT or NOT_FOUND.

/** The fields of a PostgreSQL error that `pg` and PGlite both carry. */
interface DatabaseErrorLike {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/** The SQLSTATE of a database error, or `undefined` for any other error. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as DatabaseErrorLike | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** PostgreSQL's errors by SQLSTATE; a primary key's constraint (`…_pkey`) is the index `"primary"`. */
export const classifyPostgresError: ErrorClassifier = (error) => {
  const state = sqlStateOf(error);
  if (state === "42P01" || state === "3F000" || state === "42703") return { kind: "missing-schema" };
  if (state === "23503") return { kind: "foreign-key-violation" };
  if (state !== "23505") return { kind: "unavailable" };
  const { constraint, detail } = error as DatabaseErrorLike;
  const index = typeof constraint === "string" ? constraint.replace(/^.*_pkey$/, "primary") : undefined;
  // `Key (lower(email))=(a@b.c) already exists.`
  const key =
    typeof detail === "string" ? /^Key \(.*?\)=\((.*)\) already exists\.?$/.exec(detail)?.[1] : undefined;
  return {
    kind: "unique-violation",
    ...(index === undefined ? {} : { index }),
    ...(key === undefined ? {} : { key }),
  };
};

/** Maps any error thrown while `operation` ran to the Gatehouse error a caller should see. */
export const toStoreError: StoreErrorMapper = createStoreErrorMapper({
  classify: classifyPostgresError,
  missingSchemaHint: "run migrateToLatest(db) with the store's schema",
});
