import type { Algorithm } from "@node-rs/argon2";
import { loadArgon2, loadedArgon2 } from "./argon2-module.js";
import { hashToken, timingSafeEqualString } from "./tokens.js";

/** The argon2id cost parameters of a password hash. */
export interface Argon2Options {
  /** Memory in KiB. @default 19456 */
  memoryCost: number;
  /** Passes over the memory. @default 2 */
  timeCost: number;
  /** Lanes. @default 1 */
  parallelism: number;
}

/** OWASP's argon2id minimum (m = 19 MiB, t = 2, p = 1): tens of milliseconds per guess on a server. */
export const defaultArgon2Options: Readonly<Argon2Options> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** Hashes and verifies user-chosen passwords; a host or a test may inject a cheaper one. */
export interface PasswordHasher {
  /** Returns a self-describing hash (PHC string) of `password` with a fresh salt. */
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`; MUST resolve `false`, not reject, on a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
  /**
   * Does the work of one `verify` against a dummy hash and resolves `false`, so that a sign-in with an
   * unknown e-mail address takes as long as one with a wrong password (no user enumeration by timing).
   */
  verifyDummy(password: string): Promise<false>;
}

// `Algorithm` is an ambient const enum, which isolatedModules cannot read; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;

/** Creates a {@link PasswordHasher} using argon2id with the given cost. */
export function createArgon2Hasher(options: Partial<Argon2Options> = {}): PasswordHasher {
  const cost: Argon2Options = { ...defaultArgon2Options, ...options };
  // Computed on first use rather than at start-up, so that importing the library costs nothing.
  let dummyHash: Promise<string> | undefined;

  const hasher: PasswordHasher = {
    hash: async (password) => (await loadArgon2()).hash(password, { ...cost, algorithm: ARGON2ID }),
    async verify(stored, password) {
      try {
        // Once loaded, the hash starts on libuv's pool before this call returns: the caller prepares its next
        // step meanwhile (see `login`).
        return await (loadedArgon2() ?? (await loadArgon2())).verify(stored, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummyHash ??= hasher.hash("gatehouse dummy password").catch((error: unknown) => {
        dummyHash = undefined;
        throw error;
      });
      await hasher.verify(await dummyHash, password);
      return false;
    },
  };
  return hasher;
}

const defaultHasher = createArgon2Hasher();

/** Hashes a user-chosen password with argon2id (the {@link defaultArgon2Options} unless told). */
export function hashPassword(password: string, options?: Partial<Argon2Options>): Promise<string> {
  return options === undefined ? defaultHasher.hash(password) : createArgon2Hasher(options).hash(password);
}

/** Whether `password` matches an argon2 `hash`; `false`, never a rejection, if the hash is malformed. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  // Parameters come from the hash itself, so any hasher verifies hashes made with any cost.
  return defaultHasher.verify(hash, password);
}

/** Spends the time of one {@link verifyPassword} with the default cost and resolves `false`. */
export function verifyDummyPassword(password: string): Promise<false> {
  return defaultHasher.verifyDummy(password);
}

/** Whether a hash was made with another algorithm or cost than `options` and should be replaced at next sign-in. */
export function needsRehash(hash: string, options: Partial<Argon2Options> = {}): boolean {
  const wanted: Argon2Options = { ...defaultArgon2Options, ...options };
  // Read from the PHC string itself, so this stays synchronous without loading the native module.
  const used = ARGON2ID_PHC.exec(hash);
  return (
    used === null ||
    Number(used[1]) !== wanted.memoryCost ||
    Number(used[2]) !== wanted.timeCost ||
    Number(used[3]) !== wanted.parallelism
  );
}

// argon2id, version 0x13 (RFC 9106), then m, t, p; salt and hash in unpadded base64.
const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * The SHA-256 (hex) of a high-entropy random secret such as a temporary password.
 * Not for user-chosen passwords: use {@link hashPassword}.
 */
export function hashSecret(secret: string): string {
  // A temporary password has ~115 random bits: no dictionary to try, so a slow hash adds nothing
  // but cost, and inviting 1,000 people would spend minutes in argon2.
  return hashToken(secret);
}

/** Whether `secret` hashes to `hash` (from {@link hashSecret}), compared in constant time. */
export function verifySecret(hash: string, secret: string): boolean {
  return timingSafeEqualString(hash, hashSecret(secret));
}
