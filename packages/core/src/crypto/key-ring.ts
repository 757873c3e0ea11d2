import { randomBytes } from "node:crypto";
import { GatehouseError } from "../errors.js";

/** One AES-256 key and the id stored next to every ciphertext it seals. */
export interface SecretKey {
  /** Letters, digits, `_` or `-`; MUST be unique in its ring. */
  id: string;
  /** 32 random bytes. */
  key: Uint8Array;
}

/** The key that seals new secrets and the older keys that may still open stored ones. */
export interface KeyRing {
  current: SecretKey;
  /** Retired keys, kept until every value they sealed has been re-sealed with `current`. */
  previous?: readonly SecretKey[];
}

// Ids appear inside the sealed format (`v1.<id>.…`) and the setup string (`<id>:<key>`), so
// neither "." nor ":" may occur in them.
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Parses `keyId:base64key` strings (from environment variables, say) into a {@link KeyRing}.
 * Throws `CONFIGURATION`, without echoing key material, on a malformed entry or a key not 32 bytes.
 * @example parseKeyRing({ current: process.env.GATEHOUSE_KEY!, previous: [process.env.GATEHOUSE_OLD_KEY!] })
 */
export function parseKeyRing(input: { current: string; previous?: readonly string[] }): KeyRing {
  const current = parseSecretKey(input.current, "current");
  const previous = (input.previous ?? []).map((entry, index) => parseSecretKey(entry, `previous[${index}]`));
  const seen = new Set<string>();
  for (const { id } of [current, ...previous]) {
    if (seen.has(id)) {
      throw new GatehouseError("CONFIGURATION", `Secret key id "${id}" appears twice in the key ring.`);
    }
    seen.add(id);
  }
  return previous.length > 0 ? { current, previous } : { current };
}

/**
 * A new `keyId:base64key` string holding 256 random bits, for setup scripts and documentation.
 * @example generateSecretKey("2025-01") // "2025-01:q8v…="
 */
export function generateSecretKey(id: string): string {
  assertKeyId(id);
  return `${id}:${randomBytes(32).toString("base64")}`;
}

/** Throws `CONFIGURATION` unless `id` can be a key id. */
export function assertKeyId(id: string): void {
  if (typeof id !== "string" || !KEY_ID.test(id)) {
    throw new GatehouseError(
      "CONFIGURATION",
      `A secret key id is 1 to 64 letters, digits, "_" or "-", not "${String(id).slice(0, 64)}".`,
    );
  }
}

/** The bytes of canonical base64 or base64url text, or null: Node's decoder skips junk silently. */
export function decodeBase64Strict(text: string, encoding: "base64" | "base64url"): Buffer | null {
  const alphabet = encoding === "base64" ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9_-]*$/;
  if (!alphabet.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, encoding);
  // Re-encoding rejects non-canonical text (set padding bits, missing "="), so that every
  // sealed value has exactly one spelling and a changed character is always a changed value.
  return bytes.toString(encoding) === text ? bytes : null;
}

function parseSecretKey(entry: string, label: string): SecretKey {
  const separator = typeof entry === "string" ? entry.indexOf(":") : -1;
  if (separator < 0) {
    throw new GatehouseError("CONFIGURATION", `The ${label} secret key must be written "keyId:base64key".`);
  }
  const id = entry.slice(0, separator);
  assertKeyId(id);
  const key = decodeBase64Strict(entry.slice(separator + 1).trim(), "base64");
  if (key === null || key.byteLength !== 32) {
    throw new GatehouseError(
      "CONFIGURATION",
      `The secret key "${id}" must be 32 bytes in base64 (44 characters); see generateSecretKey().`,
    );
  }
  return { id, key: new Uint8Array(key) };
}
