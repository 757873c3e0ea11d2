import { GatehouseError } from "../../../src/errors.js";
import type { UserRecord } from "../../../src/store/records.js";
import type { Store, UserRepository } from "../../../src/store/store.js";

/** How a careless database compares and orders addresses: a key that folds more than ASCII case, an order. */
export interface EmailCollation {
  readonly keyOf: (email: string) => string;
  readonly compare?: (a: string, b: string) => number;
}

/** MariaDB's default or MySQL's `_ai_ci` collations: accents, compatibility forms and ß fold away. */
export const accentInsensitive: EmailCollation = {
  keyOf: (email) => email.normalize("NFKD").replace(/\p{M}/gu, "").replace(/ß/g, "ss").toLowerCase(),
};

/** A PAD SPACE collation (every MySQL and MariaDB one, `utf8mb4_bin` included): trailing spaces ignored. */
export const padSpace: EmailCollation = { keyOf: (email) => email.replace(/ +$/, "").toLowerCase() };

/** A locale order that ignores punctuation and accents: `a_b` after `aab`, `é` with `e`. */
export const localeOrder: EmailCollation = {
  keyOf: (email) => email.toLowerCase(),
  compare: new Intl.Collator("en", { ignorePunctuation: true, sensitivity: "base" }).compare,
};

/**
 * The memory store behind a unique index of addresses under `collation`, as a SQL store whose e-mail column
 * has that collation would behave: lookups, conflicts and (with `compare`) the listing follow it.
 */
export function withEmailCollation(base: Store, collation: EmailCollation): Store {
  const users = base.users;
  const index = new Map<string, string>();
  const { keyOf } = collation;
  const taken = (email: string, message: string) =>
    new GatehouseError("CONFLICT", message, {
      issues: [{ path: [email], reason: "already-registered", message }],
    });
  const wrapped: UserRepository = {
    ...users,
    async createMany(batch) {
      const clash = batch.find((user) => index.has(keyOf(user.email)));
      if (clash) throw taken(clash.email, `${clash.email} is already registered.`);
      await users.createMany(batch);
      for (const user of batch) index.set(keyOf(user.email), user.email);
    },
    async findByEmail(email) {
      const stored = index.get(keyOf(email));
      return stored === undefined ? null : users.findByEmail(stored);
    },
    async findRegisteredEmails(emails) {
      return [...new Set(emails)].filter((email) => index.has(keyOf(email)));
    },
    async update(id, patch) {
      const before = await users.findById(id);
      if (patch.email !== undefined && before !== null) {
        const holder = index.get(keyOf(patch.email));
        if (holder !== undefined && holder !== before.email) {
          const message = `${patch.email} is already registered.`;
          throw new GatehouseError("CONFLICT", message, {
            issues: [{ path: ["email"], reason: "already-registered", message }],
          });
        }
      }
      const updated = await users.update(id, patch);
      if (updated !== null && before !== null) {
        index.delete(keyOf(before.email));
        index.set(keyOf(updated.email), updated.email);
      }
      return updated;
    },
    async delete(id) {
      const before = await users.findById(id);
      if (before !== null) index.delete(keyOf(before.email));
      return users.delete(id);
    },
    async list(query) {
      const { compare } = collation;
      if (compare === undefined) return users.list(query);
      const all = await users.list({ ...query, cursor: null, limit: 10_000 });
      const sorted = [...all.items].sort((a, b) => compare(a.email, b.email) || (a.id < b.id ? -1 : 1));
      const offset = query.cursor ? Number(query.cursor) : 0;
      const items: UserRecord[] = sorted.slice(offset, offset + query.limit);
      const next = offset + query.limit;
      return { items, nextCursor: next < sorted.length ? String(next) : null };
    },
  };
  return { ...base, users: wrapped };
}
