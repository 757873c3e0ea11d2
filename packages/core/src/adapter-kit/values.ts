// Conversions between records and column values, whatever the driver read them as.

/** A `Date` from an instant column read as a `Date` or as ISO-8601 text with its offset. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** {@link toDate}, keeping `null`. */
export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A number from an integer column (`bigint` and `count(*)` come back as strings from some drivers). */
export function toNumber(value: string | number | bigint): number {
  return Number(value);
}

/** A boolean from a boolean column (MySQL's are `TINYINT(1)`, read as 0 and 1). */
export function toBoolean(value: boolean | number | string): boolean {
  return value === true || value === 1 || value === "1" || value === "t" || value === "true";
}

/** JSON text for a JSON parameter (a driver might turn a bare array into an SQL array literal). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSON column as read back: parsed by most drivers, text by some (MariaDB's JSON is LONGTEXT). */
export function fromJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

/**
 * `items` in slices of at most `size`, for statements with a bounded number of parameters.
 * @example for (const chunk of inChunks(rows, 500)) await db.insertInto("users").values(chunk).execute();
 */
export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
