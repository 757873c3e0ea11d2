import type { AuditQuery, AuditRecord, AuditRepository, Page } from "@gatehousejs/core";
import {
  conflictError,
  decodeCursor,
  encodeCursor,
  inChunks,
  invalidCursor,
} from "@gatehousejs/core/adapter-kit";
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import { isUniqueViolation, type SqlContext } from "../context.js";
import { toAuditRecord, toAuditRow } from "../rows.js";
import { inSavepoint } from "../savepoints.js";
import type { GatehouseTables } from "../schema.js";

type AuditBuilder = ExpressionBuilder<GatehouseTables, "audit_log">;

/** The append-only audit log. */
export function createAuditRepository(ctx: SqlContext): AuditRepository {
  const { db, dialect } = ctx;
  return {
    async append(entries) {
      if (entries.length === 0) return;
      try {
        await inSavepoint(db, async (trx) => {
          for (const chunk of inChunks(entries, 1000)) {
            await trx
              .insertInto("audit_log")
              .values(chunk.map((entry) => toAuditRow(entry, dialect)))
              .execute();
          }
        });
      } catch (error) {
        if (!isUniqueViolation(dialect, error, "primary")) throw error;
        const message = "An audit entry with this id exists.";
        throw conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
      }
    },

    async appendIfAbsent(entries) {
      // In id order: two drains of the same entries then take their row locks in the same order. In another
      // order each holds a row the other waits for, and the database kills one (MariaDB did, ER_LOCK_DEADLOCK,
      // in the conformance race of two calls with the same entries reversed; PostgreSQL would too).
      const unique = [...new Map(entries.map((entry) => [entry.id, entry])).values()].sort((a, b) =>
        a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
      if (unique.length === 0) return;
      const skipping = dialect.insertSkippingDuplicates;
      if (skipping !== undefined) {
        // One statement per chunk: rows whose id is stored are skipped by the database itself.
        await inSavepoint(db, async (trx) => {
          for (const chunk of inChunks(unique, 1000)) {
            const insert = trx
              .insertInto("audit_log")
              .values(chunk.map((entry) => toAuditRow(entry, dialect)));
            await (skipping === "on-conflict"
              ? insert.onConflict((oc) => oc.column("id").doNothing())
              : insert.onDuplicateKeyUpdate({ id: sql.ref("id") })
            ).execute();
          }
        });
        return;
      }
      // Insert what is not stored yet; a writer racing with the same ids makes the insert fail on the primary
      // key, and the next round reads its commit and skips them (portable: no dialect's upsert syntax needed).
      for (let round = 1; ; round += 1) {
        try {
          await inSavepoint(db, async (trx) => {
            for (const chunk of inChunks(unique, 1000)) {
              const ids = chunk.map((entry) => entry.id);
              const stored = await trx.selectFrom("audit_log").select("id").where("id", "in", ids).execute();
              const known = new Set(stored.map((row) => row.id));
              const fresh = chunk.filter((entry) => !known.has(entry.id));
              if (fresh.length === 0) continue;
              await trx
                .insertInto("audit_log")
                .values(fresh.map((entry) => toAuditRow(entry, dialect)))
                .execute();
            }
          });
          return;
        } catch (error) {
          if (round >= 3 || !isUniqueViolation(dialect, error, "primary")) throw error;
        }
      }
    },

    list: (query) => listAudit(ctx, query),
  };
}

/**
 * One page of the log, newest first by (at, id), after the cursor's position.
 *
 * The organization's log is one backward range scan of `audit_log_organization_idx`. A user's entries are
 * those they did or that were done to them: rather than `actor_id = ? OR subject_user_id = ?`, which the
 * planner can only answer by collecting every match and sorting, each side is a range scan of its own
 * index that stops after one page, and UNION ALL merges the two short lists.
 */
async function listAudit({ db, dialect }: SqlContext, query: AuditQuery): Promise<Page<AuditRecord>> {
  const limit = Math.max(1, Math.floor(query.limit));
  const before = query.cursor ? decodeCursor(query.cursor, 2) : null;
  if (before !== null && Number.isNaN(Date.parse(before[0] ?? ""))) throw invalidCursor();
  const inOrganization = (eb: AuditBuilder): Expression<SqlBool> => {
    const organization = eb("organization_id", "=", query.organizationId);
    if (before === null) return organization;
    const [at, id] = before as [string, string];
    const instant = dialect.toInstant(new Date(at)) as Date;
    // `at <= ?` repeats the row comparison's first column as a range any planner takes (see listUsers).
    return eb.and([
      organization,
      eb("at", "<=", instant),
      eb(eb.refTuple("at", "id"), "<", eb.tuple(instant, id)),
    ]);
  };

  let rowsQuery = db.selectFrom("audit_log").selectAll().where(inOrganization);
  const userId = query.userId;
  if (userId !== undefined) {
    const asActor = db
      .selectFrom("audit_log")
      .select("id")
      .where(inOrganization)
      .where("actor_id", "=", userId)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1);
    // An entry in which the user acted on themselves is the first branch's already.
    const asSubject = db
      .selectFrom("audit_log")
      .select("id")
      .where(inOrganization)
      .where("subject_user_id", "=", userId)
      .where((eb) => eb.or([eb("actor_id", "is", null), eb("actor_id", "<>", userId)]))
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1);
    rowsQuery = rowsQuery.where(
      "id",
      "in",
      // Each branch as a derived table: SQLite takes no ORDER BY or LIMIT on a member of a UNION itself.
      sql<string>`(select id from (${asActor}) as by_actor union all select id from (${asSubject}) as by_subject)`,
    );
  }
  const rows = await rowsQuery
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();

  const items = rows.slice(0, limit).map((row) => toAuditRecord(row, dialect.fromInstant));
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor([last.at.toISOString(), last.id]) : null;
  return { items, nextCursor };
}
