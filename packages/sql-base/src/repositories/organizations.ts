import type { OrganizationRepository } from "@gatehousejs/core";
import { conflictError, toJson } from "@gatehousejs/core/adapter-kit";
import { isUniqueViolation, type SqlContext } from "../context.js";
import { toOrganization } from "../rows.js";
import { inSavepoint } from "../savepoints.js";

/** The organization repository on one connection or transaction. */
export function createOrganizationRepository({ db, dialect }: SqlContext): OrganizationRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
  const find = async (id: string) => {
    const row = await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
    return row === undefined ? null : toOrganization(row, dialect.fromInstant);
  };

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
              created_at: instant(organization.createdAt),
              updated_at: instant(organization.updatedAt),
            })
            .execute(),
        );
      } catch (error) {
        if (!isUniqueViolation(dialect, error, "primary")) throw error;
        const message = `An organization with id ${organization.id} exists.`;
        throw conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
      }
    },

    findById: find,

    async update(id, patch) {
      const set: { name?: string; settings?: string; updated_at?: Date } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.settings !== undefined) set.settings = toJson(patch.settings);
      if (patch.updatedAt !== undefined) set.updated_at = instant(patch.updatedAt);
      if (Object.keys(set).length === 0) return find(id);
      const update = db.updateTable("organizations").set(set).where("id", "=", id);
      if (!dialect.returning) {
        // Read back: another writer may come between, but the record returned is one that was stored.
        const result = await update.executeTakeFirst();
        return result.numUpdatedRows === 0n ? null : find(id);
      }
      const row = await update.returningAll().executeTakeFirst();
      return row === undefined ? null : toOrganization(row, dialect.fromInstant);
    },

    async lock(id) {
      // Outside a transaction a lock would end with its statement: there is nothing to hold.
      if (!db.isTransaction) return;
      await dialect.lockOrganization(db, id);
    },
  };
}
