import { type Argon2Options, createArgon2Hasher, type PasswordHasher } from "../crypto/passwords.js";
import type { MemoryMailer } from "../messages/memory-mailer.js";

/** A password hasher that counts the verifications it runs (dummy ones included). */
export interface CountingHasher extends PasswordHasher {
  verifications: number;
}

/**
 * argon2id with a small cost by default, so suites that sign in often stay fast, counting every verification:
 * what the lockout tests measure ("no more passwords checked than the policy allows").
 */
export function createCountingHasher(
  options: Partial<Argon2Options> = { memoryCost: 1024, timeCost: 1 },
): CountingHasher {
  const inner = createArgon2Hasher(options);
  const hasher: CountingHasher = {
    verifications: 0,
    hash: (password) => inner.hash(password),
    verify: async (hash, password) => {
      hasher.verifications++;
      return inner.verify(hash, password);
    },
    verifyDummy: async (password) => {
      hasher.verifications++;
      return inner.verifyDummy(password);
    },
  };
  return hasher;
}

/** The temporary password of the newest invitation a memory mailer holds for an address. */
export function temporaryPasswordFor(mailer: MemoryMailer, email: string): string {
  const mail = mailer.lastTo(email, "invitation");
  if (mail?.message.kind !== "invitation") throw new Error(`no invitation to ${email}`);
  return mail.message.temporaryPassword;
}

/** The token in the newest activation or reset link a memory mailer holds for an address. */
export function linkTokenFor(
  mailer: MemoryMailer,
  email: string,
  kind: "activation" | "password-reset",
): string {
  const mail = mailer.lastTo(email, kind);
  if (!mail) throw new Error(`no ${kind} mail to ${email}`);
  const match = /token=([^\s&]+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no token in the ${kind} mail to ${email}`);
  return decodeURIComponent(match[1]);
}
