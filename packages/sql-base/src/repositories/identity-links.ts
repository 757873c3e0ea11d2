import type { IdentityLinkRecord, IdentityLinkRepository } from "@gatehousejs/core";
import { conflictError } from "@gatehousejs/core/adapter-kit";
import type { Selectable } from "kysely";
import { isUniqueViolation, type SqlContext } from "../context.js";
import type { SqlDialect } from "../dialect.js";
import { inSavepoint } from "../savepoints.js";
import type { IdentityLinksTable } from "../schema.js";

/** The identity link repository on one connection or transaction; (issuer, subject) is an exact key. */
export function createIdentityLinkRepository({ db, dialect }: SqlContext): IdentityLinkRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
  return {
    async create(link) {
      try {
        await inSavepoint(db, (trx) =>
          trx
            .insertInto("identity_links")
            .values({
              issuer: link.issuer,
              subject: link.subject,
              user_id: link.userId,
              organization_id: link.organizationId,
              created_at: instant(link.createdAt),
            })
            .execute(),
        );
      } catch (error) {
        // (issuer, subject) is the table's one unique key, whichever index a database keeps it in.
        if (!isUniqueViolation(dialect, error)) throw error;
        const message = "This person is already linked to a user.";
        throw conflictError(message, [{ path: ["subject"], reason: "already-linked", message }], error);
      }
    },

    async find(issuer, subject) {
      const row = await db
        .selectFrom("identity_links")
        .selectAll()
        .where("issuer", "=", issuer)
        .where("subject", "=", subject)
        .executeTakeFirst();
      return row === undefined ? null : toLink(row, dialect);
    },

    async relink(issuer, subject, expectedUserId, link) {
      // One conditional UPDATE: of concurrent callers expecting the same user, the first to lock the row wins.
      const update = () =>
        db
          .updateTable("identity_links")
          .set({
            user_id: link.userId,
            organization_id: link.organizationId,
            created_at: instant(link.createdAt),
          })
          .where("issuer", "=", issuer)
          .where("subject", "=", subject)
          .where("user_id", "=", expectedUserId)
          .executeTakeFirst();
      for (let attempt = 1; ; attempt++) {
        try {
          return (await update()).numUpdatedRows === 1n;
        } catch (error) {
          // InnoDB may break a pile-up of these UPDATEs (they lock the changed columns' index entries too) by
          // rolling one back as a deadlock victim (seen with 50 concurrent callers on MariaDB). On its own the
          // statement is simply sent again: it then finds the row taken and answers false. Inside a
          // transaction the whole transaction was rolled back, so the error stands.
          if (db.isTransaction || attempt >= DEADLOCK_RETRIES || !isDeadlockVictim(error)) throw error;
        }
      }
    },

    async listByUser(userId) {
      const rows = await db.selectFrom("identity_links").selectAll().where("user_id", "=", userId).execute();
      return rows.map((row) => toLink(row, dialect));
    },
  };
}

function toLink(row: Selectable<IdentityLinksTable>, dialect: SqlDialect): IdentityLinkRecord {
  return {
    issuer: row.issuer,
    subject: row.subject,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: dialect.fromInstant(row.created_at),
  };
}

/** How many times a statement the database rolled back as a deadlock victim is sent in all. */
const DEADLOCK_RETRIES = 5;

/** A statement the database rolled back to break a deadlock: SQLSTATE 40001 (mysql2, pg) or 40P01 (pg). */
function isDeadlockVictim(error: unknown): boolean {
  const { sqlState, code } = (error ?? {}) as { sqlState?: unknown; code?: unknown };
  return sqlState === "40001" || code === "40001" || code === "40P01";
}
