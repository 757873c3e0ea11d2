import type { Issue } from "../../errors.js";
import { displayNameOf } from "../../policy/person-name.js";
import type { Page, UserPatch, UserRecord } from "../records.js";
import type { UserListQuery, UserRepository } from "../store.js";
import {
  compareKeys,
  conflict,
  copy,
  definedFields,
  type PageOrder,
  pageOf,
  Table,
  type UniqueIndex,
} from "./table.js";

/** Addresses arrive normalised, but the index lower-cases again so uniqueness never rests on the caller. */
const emailKey = (email: string): string => email.toLowerCase();

const alreadyRegistered = (email: string): Issue => ({
  path: [email],
  reason: "already-registered",
  message: `${email} is already registered.`,
});

/** The installation-wide unique index of e-mail addresses. */
const emailIndex: UniqueIndex<UserRecord> = {
  keyOf: (user) => emailKey(user.email),
  conflictOf: (user) => conflict(`${user.email} is already registered.`, [alreadyRegistered(user.email)]),
};

/** Users are listed by e-mail; the id breaks ties should two addresses ever compare equal. */
const byEmail: PageOrder<UserRecord> = {
  keyOf: (user) => [user.email, user.id],
  keyLength: 2,
  descending: false,
};

/** A new, empty users table with its e-mail index. */
export function createUsersTable(): Table<UserRecord> {
  return new Table(emailIndex);
}

/** The memory `UserRepository` over one table (the store's own, or a transaction's layer). */
export function createMemoryUsers(table: Table<UserRecord>, guard: () => void): UserRepository {
  const findByEmailKey = (email: string): UserRecord | undefined => {
    const id = table.idOfKey(emailKey(email));
    return id === undefined ? undefined : table.get(id);
  };

  return {
    async createMany(users: readonly UserRecord[]): Promise<void> {
      guard();
      // Every problem is collected before anything is written, so the batch is all-or-nothing and the error
      // names each taken address at once.
      const issues: Issue[] = [];
      const seenEmails = new Set<string>();
      const seenIds = new Set<string>();
      for (const user of users) {
        const key = emailKey(user.email);
        if (seenEmails.has(key)) {
          issues.push({ path: [user.email], reason: "duplicate", message: `${user.email} appears twice.` });
        } else if (table.idOfKey(key) !== undefined) {
          issues.push(alreadyRegistered(user.email));
        }
        if (seenIds.has(user.id) || table.get(user.id) !== undefined) {
          issues.push({
            path: ["id"],
            reason: "already-exists",
            message: `A user with id ${user.id} exists.`,
          });
        }
        seenEmails.add(key);
        seenIds.add(user.id);
      }
      if (issues.length > 0) throw conflict("Some users could not be created; none were.", issues);
      for (const user of users) table.set(user.id, copy(user));
    },

    async findById(id: string): Promise<UserRecord | null> {
      guard();
      const user = table.get(id);
      return user === undefined ? null : copy(user);
    },

    async findByEmail(email: string): Promise<UserRecord | null> {
      guard();
      const user = findByEmailKey(email);
      return user === undefined ? null : copy(user);
    },

    async findRegisteredEmails(emails: readonly string[]): Promise<string[]> {
      guard();
      return [...new Set(emails)].filter((email) => findByEmailKey(email) !== undefined);
    },

    async update(id: string, patch: UserPatch): Promise<UserRecord | null> {
      guard();
      const current = table.get(id);
      if (current === undefined) return null;
      const fixed = { id, organizationId: current.organizationId, createdAt: current.createdAt };
      const next: UserRecord = { ...current, ...definedFields(patch), ...fixed };
      const holder = table.idOfKey(emailKey(next.email));
      if (holder !== undefined && holder !== id) {
        const issue: Issue = {
          path: ["email"],
          reason: "already-registered",
          message: `${next.email} is already registered.`,
        };
        throw conflict(issue.message, [issue]);
      }
      table.set(id, copy(next));
      return copy(next);
    },

    async advanceTotpStep(id: string, step: number): Promise<boolean> {
      guard();
      // Read, compare and write happen in one synchronous stretch: no other caller can interleave.
      const user = table.get(id);
      if (!user?.totp) return false;
      const last = user.totp.lastUsedStep;
      if (last !== null && step <= last) return false;
      table.set(id, { ...user, totp: { ...user.totp, lastUsedStep: step } });
      return true;
    },

    async rotateRecoveryCode(id: string, expectedSealed: string, nextSealed: string): Promise<boolean> {
      guard();
      // As with the TOTP step: the compare and the write run in one synchronous stretch.
      const user = table.get(id);
      if (user?.recoveryCodeSealed !== expectedSealed) return false;
      table.set(id, { ...user, recoveryCodeSealed: nextSealed });
      return true;
    },

    async spendBackupCode(id: string, hash: string): Promise<boolean> {
      guard();
      const user = table.get(id);
      if (!user?.backupCodeHashes.includes(hash)) return false;
      table.set(id, { ...user, backupCodeHashes: user.backupCodeHashes.filter((h) => h !== hash) });
      return true;
    },

    async delete(id: string): Promise<boolean> {
      guard();
      return table.delete(id);
    },

    async list(query: UserListQuery): Promise<Page<UserRecord>> {
      guard();
      const search = query.search?.toLowerCase() ?? "";
      const matches = [...table.values()].filter(
        (user) =>
          user.organizationId === query.organizationId &&
          (user.email.toLowerCase().startsWith(search) ||
            (displayNameOf(user) ?? "").toLowerCase().startsWith(search) ||
            (user.familyName ?? "").toLowerCase().startsWith(search)),
      );
      matches.sort((a, b) => compareKeys(byEmail.keyOf(a), byEmail.keyOf(b)));
      const page = pageOf(matches, byEmail, query);
      return { items: page.items.map(copy), nextCursor: page.nextCursor };
    },

    async countWithAnyRole(
      organizationId: string,
      roleIds: readonly string[],
      exceptUserId?: string,
    ): Promise<number> {
      guard();
      const wanted = new Set(roleIds);
      let count = 0;
      for (const user of table.values()) {
        if (user.organizationId !== organizationId || user.id === exceptUserId) continue;
        if (user.roles.some((role) => wanted.has(role))) count++;
      }
      return count;
    },

    async removeRole(organizationId: string, roleId: string): Promise<void> {
      guard();
      // Collected first: the table must not change while it is being iterated.
      const holders = [...table.values()].filter(
        (user) => user.organizationId === organizationId && user.roles.includes(roleId),
      );
      for (const user of holders) {
        table.set(user.id, { ...user, roles: user.roles.filter((role) => role !== roleId) });
      }
    },
  };
}
