import type { IdentityLinkRecord, IdentityLinkRepository } from "@gatehousejs/core";
import type { Kysely, Selectable } from "kysely";
import { inSavepoint } from "../atomically.js";
import type { GatehouseTables } from "../schema.js";
import type { IdentityLinksTable, SsoTables } from "../sso-schema.js";
import { conflictError, isUniqueViolation } from "../store-error.js";
import { toDate } from "../values.js";

/** The identity link repository on one connection or transaction. */
export function createIdentityLinkRepository(gatehouseDb: Kysely<GatehouseTables>): IdentityLinkRepository {
  const db = gatehouseDb as unknown as Kysely<SsoTables>;
  return {
    async create(link) {
      try {
        await inSavepoint(db, (trx) => trx.insertInto("identity_links").values(toRow(link)).execute());
      } catch (error) {
        if (!isUniqueViolation(error, "identity_links_pkey")) throw error;
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
      return row === undefined ? null : toLink(row);
    },

    async relink(issuer, subject, expectedUserId, link) {
      // One conditional UPDATE: of concurrent callers expecting the same user, the first to lock the row wins.
      const result = await db
        .updateTable("identity_links")
        .set({ user_id: link.userId, organization_id: link.organizationId, created_at: link.createdAt })
        .where("issuer", "=", issuer)
        .where("subject", "=", subject)
        .where("user_id", "=", expectedUserId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async listByUser(userId) {
      const rows = await db.selectFrom("identity_links").selectAll().where("user_id", "=", userId).execute();
      return rows.map(toLink);
    },
  };
}

function toRow(link: IdentityLinkRecord) {
  return {
    issuer: link.issuer,
    subject: link.subject,
    user_id: link.userId,
    organization_id: link.organizationId,
    created_at: link.createdAt,
  };
}

function toLink(row: Selectable<IdentityLinksTable>): IdentityLinkRecord {
  return {
    issuer: row.issuer,
    subject: row.subject,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: toDate(row.created_at),
  };
}
