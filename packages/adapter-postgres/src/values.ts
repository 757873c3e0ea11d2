// Conversions between the records and the column values, the same whichever driver (`pg`, PGlite) read them.

/** A `Date` from a `timestamptz` value. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

/** The same, keeping `null`. */
export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A number from a `bigint` or `count(*)` value (`pg` reads them as strings, PGlite as numbers). */
export function toNumber(value: string | number | bigint): number {
  return Number(value);
}

/** JSON text for a JSONB parameter: `pg` would turn a bare array into a PostgreSQL array literal. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** A JSONB value as read back: parsed by both drivers, but a JSON string if a host's type parser is raw. */
export function fromJson<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

/** `items` in slices of at most `size`: PostgreSQL takes at most 65,535 parameters per statement. */
export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
