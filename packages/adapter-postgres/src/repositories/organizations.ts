import type { OrganizationRecord, OrganizationRepository, OrganizationSettings } from "@gatehousejs/core";
import { type Kysely, type Selectable, sql } from "kysely";
import { inSavepoint } from "../atomically.js";
import type { GatehouseTables, OrganizationsTable } from "../schema.js";
import { conflictError, isUniqueViolation } from "../store-error.js";
import { fromJson, toDate, toJson } from "../values.js";

/** The organization repository on one connection or transaction. */
export function createOrganizationRepository(db: Kysely<GatehouseTables>): OrganizationRepository {
  return {
    async create(organization) {
      try {
        await inSavepoint(db, (trx) =>
          trx
            .insertInto("organizations")
            .values({
              id: organization.id,
              name: organization.name,
              settings: toJson(organization.settings),
              created_at: organization.createdAt,
              updated_at: organization.updatedAt,
            })
            .execute(),
        );
      } catch (error) {
        if (!isUniqueViolation(error, "organizations_pkey")) throw error;
        const message = `An organization with id ${organization.id} exists.`;
        throw conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
      }
    },

    async findById(id) {
      const row = await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toOrganization(row);
    },

    async update(id, patch) {
      const set: { name?: string; settings?: string; updated_at?: Date } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.settings !== undefined) set.settings = toJson(patch.settings);
      if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
      const row =
        Object.keys(set).length === 0
          ? await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst()
          : await db
              .updateTable("organizations")
              .set(set)
              .where("id", "=", id)
              .returningAll()
              .executeTakeFirst();
      return row === undefined ? null : toOrganization(row);
    },

    async lock(id) {
      // Outside a transaction a row lock would end with its statement: there is nothing to hold.
      if (!db.isTransaction) return;
      const row = await db
        .selectFrom("organizations")
        .select("id")
        .where("id", "=", id)
        .forUpdate()
        .executeTakeFirst();
      if (row !== undefined) return;
      // No row to lock yet: an advisory lock for the rest of the transaction serialises callers all the same.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:organization:${id}`}, 0))`.execute(
        db,
      );
    },
  };
}

function toOrganization(row: Selectable<OrganizationsTable>): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    settings: fromJson<OrganizationSettings>(row.settings),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
