import { ValidationError } from "../errors.js";

// A keyset cursor is the sort key of the last row of a page, as base64url JSON: opaque to callers, and a
// position rather than an offset, so a deep page costs what the first one does.

/**
 * Encodes the sort key of a page's last row as an opaque cursor.
 * @example const nextCursor = encodeCursor([last.email, last.id]);
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** Decodes a cursor of `length` strings; throws VALIDATION when it was not made by {@link encodeCursor}. */
export function decodeCursor(cursor: string, length: number): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // A malformed cursor is the caller's input, not a storage failure: the VALIDATION error below.
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== length || !key.every((part) => typeof part === "string")) {
    throw invalidCursor();
  }
  return key as string[];
}

/** The VALIDATION error of a cursor that no page returned. */
export function invalidCursor(): ValidationError {
  const message = "The cursor is not one this listing returned.";
  return new ValidationError(message, [{ path: ["cursor"], reason: "invalid-cursor", message }]);
}
