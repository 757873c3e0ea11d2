import type { Issue, UserRecord, UserRepository } from "@gatehousejs/core";
import { conflictError, inChunks, toNumber } from "@gatehousejs/core/adapter-kit";
import { type Compilable, type CompiledQuery, type Kysely, sql } from "kysely";
import { duplicateKeyOf, isUniqueViolation, type SqlContext } from "../context.js";
import { toOrganization } from "../rows.js";
import { atomically } from "../savepoints.js";
import type { GatehouseTables } from "../schema.js";
import { toRoleRows, toUserInsert, toUserRecord, toUserUpdate } from "../user-rows.js";
import { listUsers } from "./user-listing.js";

// A parameter no address can be (addresses have no control characters): where it lands, a call binds its own.
const EMAIL_SLOT = "\u0000gatehouse:email";

/** The compiled query, or `null` when the slot is not exactly one of its parameters. */
function compileWithSlot<R>(query: Compilable<R>): CompiledQuery<R> | null {
  const compiled = query.compile();
  return compiled.parameters.filter((p) => p === EMAIL_SLOT).length === 1 ? compiled : null;
}

/** The compiled query with the address in the slot's place. */
function bind<R>(compiled: CompiledQuery<R>, email: string): CompiledQuery<R> {
  return { ...compiled, parameters: compiled.parameters.map((p) => (p === EMAIL_SLOT ? email : p)) };
}

// PostgreSQL accepts at most 65,535 parameters per statement: big batches go in chunks of this many rows.
const CHUNK = 500;

/** The user repository on one connection or transaction. */
export function createUserRepository(ctx: SqlContext): UserRepository {
  const { db, dialect } = ctx;
  const selectUsers = (executor: Kysely<GatehouseTables>) =>
    executor.selectFrom("users").selectAll("users").select(dialect.selectRoles);
  const toRecord = (row: Parameters<typeof toUserRecord>[0]) => toUserRecord(row, dialect);
  const joinedReadQuery = (email: string) =>
    selectUsers(db)
      .leftJoin("organizations", "organizations.id", "users.organization_id")
      .select([
        "organizations.id as org_id",
        "organizations.name as org_name",
        "organizations.settings as org_settings",
        "organizations.created_at as org_created_at",
        "organizations.updated_at as org_updated_at",
      ])
      .where(dialect.emailKey.column(), "=", dialect.emailKey.value(email));
  type JoinedRow = Awaited<ReturnType<ReturnType<typeof joinedReadQuery>["executeTakeFirstOrThrow"]>>;
  // `null` once compiled without the address as its own parameter (a dialect that rewrites it): built per call.
  let joinedRead: Promise<((email: string) => CompiledQuery<JoinedRow>) | null> | undefined;
  const prepareJoinedRead = async (): Promise<((email: string) => CompiledQuery<JoinedRow>) | null> => {
    const compiled = compileWithSlot(joinedReadQuery(EMAIL_SLOT));
    if (compiled === null) return null;
    const asText = (email: string) => bind(compiled, email);
    if (dialect.prepareStatement === undefined) return asText;
    try {
      const prepared = await dialect.prepareStatement(db, compiled);
      return prepared === null ? asText : (email) => prepared(bind(compiled, email));
    } catch {
      return asText; // a driver the hook cannot tell: the same query, sent as text
    }
  };

  return {
    async createMany(users) {
      if (users.length === 0) return;
      try {
        await atomically(db, async (trx) => {
          // Every problem is collected before anything is written, so the error names each taken address.
          const issues = await findCreateIssues({ db: trx, dialect }, users);
          if (issues.length > 0) throw conflictError("Some users could not be created; none were.", issues);
          for (const chunk of inChunks(users, CHUNK)) {
            await trx
              .insertInto("users")
              .values(chunk.map((user) => toUserInsert(user, dialect)))
              .execute();
          }
          const roleRows = users.flatMap((user) => toRoleRows(user, user.roles));
          for (const chunk of inChunks(roleRows, CHUNK * 4)) {
            await trx.insertInto("user_roles").values(chunk).execute();
          }
        });
      } catch (error) {
        // Another transaction took an address or an id between the check and the insert.
        if (isUniqueViolation(dialect, error, "users_email_key")) {
          const key = duplicateKeyOf(dialect, error);
          const taken = users.map((user) => user.email).filter((email) => dialect.emailKey.of(email) === key);
          const emails = taken.length > 0 ? taken : users.map((user) => user.email);
          throw conflictError(
            "Some users could not be created; none were.",
            emails.map(alreadyRegistered),
            error,
          );
        }
        if (isUniqueViolation(dialect, error, "primary")) {
          const message = "A user with this id exists.";
          throw conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
        }
        throw error;
      }
    },

    async findById(id) {
      const row = await selectUsers(db).where("users.id", "=", id).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    async findByEmail(email) {
      const row = await selectUsers(db)
        .where(dialect.emailKey.column(), "=", dialect.emailKey.value(email))
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    async findByEmailWithOrganization(email) {
      // One round trip for a sign-in: the user's row, their roles and their organization's row. The query is
      // compiled once per repository and only its address bound per call: building and compiling it (the
      // schema plugin walks the whole tree) cost about as much as the round trip itself. Where the dialect
      // can, the driver prepares it once per connection (see `SqlDialect.prepareStatement`).
      joinedRead ??= prepareJoinedRead();
      const query = await joinedRead;
      const row = query
        ? (await db.executeQuery(query(email))).rows[0]
        : await joinedReadQuery(email).executeTakeFirst();
      if (row === undefined) return null;
      const { org_id, org_name, org_settings, org_created_at, org_updated_at, ...user } = row;
      const organization =
        org_id === null ||
        org_name === null ||
        org_settings === null ||
        org_created_at === null ||
        org_updated_at === null
          ? null
          : toOrganization(
              {
                id: org_id,
                name: org_name,
                settings: org_settings,
                created_at: org_created_at,
                updated_at: org_updated_at,
              },
              dialect.fromInstant,
            );
      return { user: toRecord(user), organization };
    },

    findRegisteredEmails: (emails) => findRegisteredEmails(ctx, emails),

    async update(id, patch) {
      try {
        return await atomically(db, async (trx) => {
          const result = await trx
            .updateTable("users")
            .set({ ...toUserUpdate(patch, dialect), version: sql<number>`version + 1` })
            .where("id", "=", id)
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) return null;
          if (patch.roles !== undefined) {
            const { organization_id } = await trx
              .selectFrom("users")
              .select("organization_id")
              .where("id", "=", id)
              .executeTakeFirstOrThrow();
            await trx.deleteFrom("user_roles").where("user_id", "=", id).execute();
            const rows = toRoleRows({ id, organizationId: organization_id }, patch.roles);
            if (rows.length > 0) await trx.insertInto("user_roles").values(rows).execute();
          }
          const row = await selectUsers(trx).where("users.id", "=", id).executeTakeFirstOrThrow();
          return toRecord(row);
        });
      } catch (error) {
        if (!isUniqueViolation(dialect, error, "users_email_key")) throw error;
        const message = `${patch.email ?? "The address"} is already registered.`;
        throw conflictError(message, [{ path: ["email"], reason: "already-registered", message }], error);
      }
    },

    async advanceTotpStep(id, step) {
      // One conditional UPDATE: the row lock it takes makes a concurrent caller re-check the condition
      // against the step just written, so of two callers with the same step only one matches.
      const result = await db
        .updateTable("users")
        .set({ totp_last_used_step: step })
        .where("id", "=", id)
        .where("totp_secret_sealed", "is not", null)
        .where((eb) => eb.or([eb("totp_last_used_step", "is", null), eb("totp_last_used_step", "<", step)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async rotateRecoveryCode(id, expectedSealed, nextSealed) {
      // A conditional UPDATE, as for the TOTP step: a concurrent caller blocks on the row lock, then finds
      // the code already replaced and matches nothing.
      const result = await db
        .updateTable("users")
        .set({ recovery_code_sealed: nextSealed, version: sql<number>`version + 1` })
        .where("id", "=", id)
        .where("recovery_code_sealed", "=", expectedSealed)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async spendBackupCode(id, hash) {
      // The dialect removes the string from the JSON array; the WHERE re-checked after the row lock makes it a
      // compare-and-set, so one caller spends the code and the others match nothing.
      const result = await db
        .updateTable("users")
        .set({
          backup_code_hashes: dialect.jsonArray.remove("backup_code_hashes", hash),
          version: sql<number>`version + 1`,
        })
        .where("id", "=", id)
        .where(dialect.jsonArray.contains("backup_code_hashes", hash))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      // Sessions, tokens and role rows go with the user (ON DELETE CASCADE); audit entries stay.
      const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    list: (query) => listUsers(ctx, query),

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
async function findCreateIssues(ctx: SqlContext, users: readonly UserRecord[]): Promise<Issue[]> {
  const { db } = ctx;
  const registered = new Set(
    await findRegisteredEmails(
      ctx,
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
  { db, dialect }: SqlContext,
  emails: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(emails)];
  const found = new Set<string>();
  for (const chunk of inChunks(wanted, CHUNK * 10)) {
    const rows = await db
      .selectFrom("users")
      .select(dialect.emailKey.column().as("key"))
      .where(
        dialect.emailKey.column(),
        "in",
        sql<string>`(${sql.join(chunk.map((email) => dialect.emailKey.value(email)))})`,
      )
      .execute();
    for (const row of rows) found.add(row.key);
  }
  return wanted.filter((email) => found.has(dialect.emailKey.of(email)));
}

function alreadyRegistered(email: string): Issue {
  return { path: [email], reason: "already-registered", message: `${email} is already registered.` };
}
