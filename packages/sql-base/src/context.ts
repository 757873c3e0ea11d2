import type { Kysely } from "kysely";
import type { SqlDialect } from "./dialect.js";
import type { GatehouseTables } from "./schema.js";

/** A repository's connection (the pool, or a transaction's) and the database's hooks. */
export interface SqlContext {
  readonly db: Kysely<GatehouseTables>;
  readonly dialect: SqlDialect;
}

/** True for a unique violation, optionally of the named index (`"primary"` for a primary key). */
export function isUniqueViolation(dialect: SqlDialect, error: unknown, index?: string): boolean {
  const classified = dialect.classify(error);
  return classified.kind === "unique-violation" && (index === undefined || classified.index === index);
}

/** The key value a unique violation reports, if the driver says. */
export function duplicateKeyOf(dialect: SqlDialect, error: unknown): string | undefined {
  const classified = dialect.classify(error);
  return classified.kind === "unique-violation" ? classified.key : undefined;
}

/** The e-mail key the unique index holds, computed in JavaScript: ASCII letters lower-cased, nothing else. */
export function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
