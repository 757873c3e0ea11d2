import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import { GatehouseError } from "../errors.js";
import { assertKeyId, decodeBase64Strict, type KeyRing } from "./key-ring.js";

export { generateSecretKey, type KeyRing, parseKeyRing, type SecretKey } from "./key-ring.js";

/** Encrypts secrets that must be readable again (TOTP secrets, the recovery code) with AES-256-GCM. */
export interface SecretBox {
  /**
   * Encrypts `plaintext` with the current key, bound to `associatedData` (e.g. `totp:<userId>`).
   * Returns `v1.<keyId>.<base64url iv>.<base64url ciphertext+tag>`.
   */
  seal(plaintext: string | Uint8Array, associatedData: string): string;
  /**
   * Decrypts a sealed value; MUST be given the same `associatedData` it was sealed with.
   * Throws `TOKEN_INVALID` if it is malformed, tampered with or bound to other data, and
   * `CONFIGURATION` if its key id is not in the ring (a key was removed too early).
   */
  open(sealed: string, associatedData: string): Uint8Array;
  /** {@link SecretBox.open}, decoding the plaintext as UTF-8 (`TOKEN_INVALID` if it is not). */
  openString(sealed: string, associatedData: string): string;
  /** Whether a sealed value was sealed with a key other than the current one and should be re-sealed. */
  needsRotation(sealed: string): boolean;
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Creates a {@link SecretBox} over a key ring; throws `CONFIGURATION` on a bad key or a repeated id. */
export function createSecretBox(ring: KeyRing): SecretBox {
  const keys = new Map<string, KeyObject>();
  for (const { id, key } of [ring.current, ...(ring.previous ?? [])]) {
    assertKeyId(id);
    if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
      throw new GatehouseError("CONFIGURATION", `Secret key "${id}" must be 32 bytes for AES-256.`);
    }
    if (keys.has(id)) {
      throw new GatehouseError("CONFIGURATION", `Secret key id "${id}" appears twice in the key ring.`);
    }
    keys.set(id, createSecretKey(key));
  }
  const currentId = ring.current.id;
  const currentKey = keys.get(currentId) as KeyObject;

  function open(sealed: string, associatedData: string): Uint8Array {
    const { keyId, iv, body } = parseSealed(sealed);
    const key = keys.get(keyId);
    if (key === undefined) {
      throw new GatehouseError("CONFIGURATION", `No key "${keyId}" in the key ring to open a stored secret.`);
    }
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId, associatedData));
    decipher.setAuthTag(body.subarray(body.byteLength - TAG_BYTES));
    try {
      const plain = decipher.update(body.subarray(0, body.byteLength - TAG_BYTES));
      return new Uint8Array(Buffer.concat([plain, decipher.final()]));
    } catch (cause) {
      throw new GatehouseError("TOKEN_INVALID", "A stored secret failed authentication.", {}, { cause });
    }
  }

  return {
    seal(plaintext, associatedData) {
      // A random 96-bit IV per seal: NIST SP 800-38D allows 2^32 random-IV seals per key, far more
      // than a user table ever needs, and no counter has to be stored or coordinated.
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(currentId, associatedData));
      const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
      const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}.${currentId}.${iv.toString("base64url")}.${body.toString("base64url")}`;
    },
    open,
    openString(sealed, associatedData) {
      try {
        return new TextDecoder("utf-8", { fatal: true }).decode(open(sealed, associatedData));
      } catch (cause) {
        if (cause instanceof GatehouseError) throw cause;
        throw new GatehouseError("TOKEN_INVALID", "A stored secret is not UTF-8 text.", {}, { cause });
      }
    },
    needsRotation(sealed) {
      return parseSealed(sealed).keyId !== currentId;
    },
  };
}

/** The authenticated header and the owner binding: a ciphertext moved to another row fails to open. */
function additionalData(keyId: string, associatedData: string): Buffer {
  // The header is authenticated too, so the format version and key id cannot be swapped unnoticed;
  // key ids contain no ".", so the concatenation is unambiguous.
  return Buffer.from(`${VERSION}.${keyId}.${associatedData}`, "utf8");
}

function parseSealed(sealed: string): { keyId: string; iv: Buffer; body: Buffer } {
  const parts = sealed.split(".");
  const [version, keyId, ivText, bodyText] = parts;
  const iv = ivText === undefined ? null : decodeBase64Strict(ivText, "base64url");
  const body = bodyText === undefined ? null : decodeBase64Strict(bodyText, "base64url");
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    keyId === undefined ||
    keyId === "" ||
    iv?.byteLength !== IV_BYTES ||
    body === null ||
    body.byteLength < TAG_BYTES
  ) {
    throw new GatehouseError("TOKEN_INVALID", "A stored secret is not in the sealed format.");
  }
  return { keyId, iv, body };
}
