import type { Issue, UserRecord, UserRepository } from "@gatehousejs/core";
import { type Kysely, sql } from "kysely";
import { atomically } from "../atomically.js";
import type { GatehouseTables } from "../schema.js";
import { conflictError, duplicateKeyOf, isUniqueViolation } from "../store-error.js";
import { inChunks, toNumber } from "../values.js";
import { listUsers } from "./user-listing.js";
import { selectRoles, toRoleRows, toUserInsert, toUserRecord, toUserUpdate } from "./user-rows.js";

// PostgreSQL accepts at most 65,535 parameters per statement: big batches go in chunks of this many rows.
const CHUNK = 500;

/** The user repository on one connection or transaction. */
export function createUserRepository(db: Kysely<GatehouseTables>): UserRepository {
  const selectUsers = (executor: Kysely<GatehouseTables>) =>
    executor.selectFrom("users").selectAll("users").select(selectRoles);

  return {
    async createMany(users) {
      if (users.length === 0) return;
      try {
        await atomically(db, async (trx) => {
          // Every problem is collected before anything is written, so the error names each taken address.
          const issues = await findCreateIssues(trx, users);
          if (issues.length > 0) throw conflictError("Some users could not be created; none were.", issues);
          for (const chunk of inChunks(users, CHUNK)) {
            await trx.insertInto("users").values(chunk.map(toUserInsert)).execute();
          }
          const roleRows = users.flatMap((user) => toRoleRows(user, user.roles));
          for (const chunk of inChunks(roleRows, CHUNK * 4)) {
            await trx.insertInto("user_roles").values(chunk).execute();
          }
        });
      } catch (error) {
        // Another transaction took an address or an id between the check and the insert.
        if (isUniqueViolation(error, "users_email_key")) {
          const key = duplicateKeyOf(error);
          const taken = users.map((user) => user.email).filter((email) => email.toLowerCase() === key);
          const emails = taken.length > 0 ? taken : users.map((user) => user.email);
          throw conflictError(
            "Some users could not be created; none were.",
            emails.map(alreadyRegistered),
            error,
          );
        }
        if (isUniqueViolation(error, "users_pkey")) {
          const message = "A user with this id exists.";
          throw conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
        }
        throw error;
      }
    },

    async findById(id) {
      const row = await selectUsers(db).where("users.id", "=", id).executeTakeFirst();
      return row === undefined ? null : toUserRecord(row);
    },

    async findByEmail(email) {
      const row = await selectUsers(db)
        .where(sql<string>`lower(email)`, "=", sql<string>`lower(${email})`)
        .executeTakeFirst();
      return row === undefined ? null : toUserRecord(row);
    },

    findRegisteredEmails: (emails) => findRegisteredEmails(db, emails),

    async update(id, patch) {
      try {
        return await atomically(db, async (trx) => {
          const updated = await trx
            .updateTable("users")
            .set({ ...toUserUpdate(patch), version: sql<number>`version + 1` })
            .where("id", "=", id)
            .returning(["id", "organization_id"])
            .executeTakeFirst();
          if (updated === undefined) return null;
          if (patch.roles !== undefined) {
            await trx.deleteFrom("user_roles").where("user_id", "=", id).execute();
            const rows = toRoleRows({ id, organizationId: updated.organization_id }, patch.roles);
            if (rows.length > 0) await trx.insertInto("user_roles").values(rows).execute();
          }
          const row = await selectUsers(trx).where("users.id", "=", id).executeTakeFirstOrThrow();
          return toUserRecord(row);
        });
      } catch (error) {
        if (!isUniqueViolation(error, "users_email_key")) throw error;
        const message = `${patch.email ?? "The address"} is already registered.`;
        throw conflictError(message, [{ path: ["email"], reason: "already-registered", message }], error);
      }
    },

    async advanceTotpStep(id, step) {
      // One conditional UPDATE: the row lock it takes makes a concurrent caller re-check the condition
      // against the step just written, so of two callers with the same step only one matches.
      const row = await db
        .updateTable("users")
        .set({ totp_last_used_step: step })
        .where("id", "=", id)
        .where("totp_secret_sealed", "is not", null)
        .where((eb) => eb.or([eb("totp_last_used_step", "is", null), eb("totp_last_used_step", "<", step)]))
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },

    async rotateRecoveryCode(id, expectedSealed, nextSealed) {
      // A conditional UPDATE, as for the TOTP step: a concurrent caller blocks on the row lock, then finds
      // the code already replaced and matches nothing.
      const row = await db
        .updateTable("users")
        .set({ recovery_code_sealed: nextSealed, version: sql<number>`version + 1` })
        .where("id", "=", id)
        .where("recovery_code_sealed", "=", expectedSealed)
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },

    async spendBackupCode(id, hash) {
      // jsonb's `-` removes the string from the array; the WHERE re-checked after the row lock makes it a
      // compare-and-set, so one caller spends the code and the others match nothing.
      const row = await db
        .updateTable("users")
        .set({
          backup_code_hashes: sql<string>`backup_code_hashes - ${hash}::text`,
          version: sql<number>`version + 1`,
        })
        .where("id", "=", id)
        .where(sql<boolean>`jsonb_exists(backup_code_hashes, ${hash}::text)`)
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },

    async delete(id) {
      // Sessions, tokens and role rows go with the user (ON DELETE CASCADE); audit entries stay.
      const row = await db.deleteFrom("users").where("id", "=", id).returning("id").executeTakeFirst();
      return row !== undefined;
    },

    list: (query) => listUsers(db, query),

    async countWithAnyRole(organizationId, roleIds, exceptUserId) {
      if (roleIds.length === 0) return 0;
      let query = db
        .selectFrom("user_roles")
        .select((eb) => eb.fn.count<string | number>("user_id").distinct().as("count"))
        .where("organization_id", "=", organizationId)
        .where("role_id", "in", [...roleIds]);
      if (exceptUserId !== undefined) query = query.where("user_id", "<>", exceptUserId);
      const row = await query.executeTakeFirstOrThrow();
      return toNumber(row.count);
    },

    async removeRole(organizationId, roleId) {
      await db
        .deleteFrom("user_roles")
        .where("organization_id", "=", organizationId)
        .where("role_id", "=", roleId)
        .execute();
    },
  };
}

/** The problems that would stop a batch: addresses repeated in it or registered, ids that exist. */
async function findCreateIssues(db: Kysely<GatehouseTables>, users: readonly UserRecord[]): Promise<Issue[]> {
  const registered = new Set(
    await findRegisteredEmails(
      db,
      users.map((user) => user.email),
    ),
  );
  const existingIds = new Set<string>();
  for (const chunk of inChunks(users, CHUNK * 10)) {
    const ids = chunk.map((user) => user.id);
    const rows = await db.selectFrom("users").select("id").where("id", "in", ids).execute();
    for (const row of rows) existingIds.add(row.id);
  }
  const issues: Issue[] = [];
  const seenEmails = new Set<string>();
  const seenIds = new Set<string>();
  for (const user of users) {
    const key = user.email.toLowerCase();
    if (seenEmails.has(key)) {
      issues.push({ path: [user.email], reason: "duplicate", message: `${user.email} appears twice.` });
    } else if (registered.has(user.email)) {
      issues.push(alreadyRegistered(user.email));
    }
    if (seenIds.has(user.id) || existingIds.has(user.id)) {
      issues.push({ path: ["id"], reason: "already-exists", message: `A user with id ${user.id} exists.` });
    }
    seenEmails.add(key);
    seenIds.add(user.id);
  }
  return issues;
}

/** Which of these addresses are registered, in any organization (compared as the unique index does). */
async function findRegisteredEmails(
  db: Kysely<GatehouseTables>,
  emails: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(emails)];
  const found = new Set<string>();
  for (const chunk of inChunks(wanted, CHUNK * 10)) {
    const rows = await db
      .selectFrom("users")
      .select(sql<string>`lower(email)`.as("key"))
      .where(
        sql<string>`lower(email)`,
        "in",
        sql<string>`(${sql.join(chunk.map((email) => sql`lower(${email})`))})`,
      )
      .execute();
    for (const row of rows) found.add(row.key);
  }
  return wanted.filter((email) => found.has(email.toLowerCase()));
}

function alreadyRegistered(email: string): Issue {
  return { path: [email], reason: "already-registered", message: `${email} is already registered.` };
}
