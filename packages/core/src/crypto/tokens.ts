import { createHash, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { GatehouseError } from "../errors.js";

/**
 * Characters of a temporary password: no 0/O/o, 1/l/I/i, so that a password read from an
 * e-mail on a phone can be typed on a laptop without guessing. 8 digits + 23 lower + 24 upper.
 */
const TEMPORARY_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/** Crockford's base32: no I, L, O, U, so a recovery code read aloud or handwritten survives. */
const RECOVERY_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const ID_PREFIX = /^[a-z][a-z0-9]*$/;

/** A new opaque token of 256 random bits, base64url without padding (43 characters). */
export function generateToken(): string {
  // 256 bits: guessing is hopeless even against an oracle that answers billions of times.
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 of a token, lower-case hex: what is stored instead of the token itself. */
export function hashToken(token: string): string {
  // A fast hash suffices: the token is 256 random bits, so there is nothing to brute-force. One-shot
  // `crypto.hash` (no Hash object): every validated request hashes its token.
  return hash("sha256", token, "hex");
}

/**
 * A new temporary password such as `7kQmz-RtW3p-…`: 4 groups of 5 characters, ≈ 115 bits.
 * @example generateTemporaryPassword() // "h7Ks2-qPzX9-mEt4B-w8RcN"
 */
export function generateTemporaryPassword(): string {
  // 20 characters from 55 give 20 × log2(55) ≈ 115.6 bits. Redrawing the whole password until it
  // holds a digit, a lower- and an upper-case letter (and the hyphens a symbol) keeps every
  // accepted password equally likely and costs < 0.1 bit, since ~96 % of draws already qualify.
  for (;;) {
    const chars = pickUniform(TEMPORARY_PASSWORD_ALPHABET, 20);
    if (/[0-9]/.test(chars) && /[a-z]/.test(chars) && /[A-Z]/.test(chars)) {
      return groupsOfFive(chars);
    }
  }
}

/** A new numeric one-time code of `digits` decimal digits, each uniformly random. */
export function generateNumericCode(digits = 6): string {
  if (!Number.isInteger(digits) || digits < 1 || digits > 32) {
    throw new GatehouseError("CONFIGURATION", `A numeric code has 1 to 32 digits, not ${digits}.`);
  }
  return pickUniform("0123456789", digits);
}

/** A new recovery code of 20 Crockford base32 characters (100 bits), as `XXXXX-XXXXX-XXXXX-XXXXX`. */
export function generateRecoveryCode(): string {
  // 20 × 5 bits = 100 bits; 32 divides 256, so every byte maps to a character without bias.
  return groupsOfFive(pickUniform(RECOVERY_CODE_ALPHABET, 20));
}

/**
 * The canonical form of a recovery code as a person typed it: upper case, hyphens and spaces
 * dropped, the look-alikes O→0 and I/L→1 mapped as Crockford's base32 prescribes, regrouped.
 */
export function normalizeRecoveryCode(input: string): string {
  const chars = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return groupsOfFive(chars);
}

/** Whether two strings are equal, in a time that depends on neither their content nor their lengths. */
export function timingSafeEqualString(a: string, b: string): boolean {
  // Hashing first gives two 32-byte buffers whatever the inputs, so neither the position of the
  // first difference nor a difference in length shows in the time taken; equal digests mean equal
  // strings because SHA-256 is collision resistant.
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * A new random identifier: 128 bits, lower-case base32 (26 characters), after `prefix_` if given.
 * @example generateId("usr") // "usr_4f3kq2…"
 */
export function generateId(prefix?: string): string {
  // 128 bits make a collision between ids generated anywhere, ever, negligible without coordination.
  const id = encodeBase32LowerCaseNoPadding(randomBytes(16));
  if (prefix === undefined) {
    return id;
  }
  if (!ID_PREFIX.test(prefix)) {
    throw new GatehouseError(
      "CONFIGURATION",
      `An id prefix is lower-case letters and digits, not "${prefix}".`,
    );
  }
  return `${prefix}_${id}`;
}

/** `count` characters drawn uniformly from `alphabet` (at most 256 characters) by rejection sampling. */
function pickUniform(alphabet: string, count: number): string {
  // Bytes at or above the largest multiple of the alphabet's length are thrown away: keeping them
  // with `% length` would make the first characters of the alphabet more likely (modulo bias).
  const limit = 256 - (256 % alphabet.length);
  let result = "";
  while (result.length < count) {
    for (const byte of randomBytes(count - result.length + 8)) {
      if (byte < limit && result.length < count) {
        result += alphabet[byte % alphabet.length];
      }
    }
  }
  return result;
}

function groupsOfFive(chars: string): string {
  return chars.match(/.{1,5}/g)?.join("-") ?? "";
}
