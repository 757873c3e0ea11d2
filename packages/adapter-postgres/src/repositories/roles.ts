import type { RoleRecord, RoleRepository } from "@gatehousejs/core";
import type { Kysely, Selectable, Updateable } from "kysely";
import { inSavepoint } from "../atomically.js";
import type { GatehouseTables, RolesTable } from "../schema.js";
import { conflictError, isUniqueViolation } from "../store-error.js";
import { fromJson, toDate, toJson } from "../values.js";

/** The custom-role repository on one connection or transaction. */
export function createRoleRepository(db: Kysely<GatehouseTables>): RoleRepository {
  return {
    async create(role) {
      try {
        await inSavepoint(db, (trx) =>
          trx
            .insertInto("roles")
            .values({
              organization_id: role.organizationId,
              id: role.id,
              name: role.name,
              name_key: role.name.toLowerCase(),
              description: role.description,
              permissions: toJson(role.permissions),
              created_at: role.createdAt,
              updated_at: role.updatedAt,
            })
            .execute(),
        );
      } catch (error) {
        throw toRoleConflict(error, role.name, role.id);
      }
    },

    async findById(organizationId, id) {
      const row = await db
        .selectFrom("roles")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row === undefined ? null : toRole(row);
    },

    async list(organizationId) {
      const rows = await db
        .selectFrom("roles")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .orderBy("name_key")
        .orderBy("id")
        .execute();
      return rows.map(toRole);
    },

    async update(organizationId, id, patch) {
      const set: Updateable<RolesTable> = {};
      if (patch.name !== undefined) {
        set.name = patch.name;
        set.name_key = patch.name.toLowerCase();
      }
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.permissions !== undefined) set.permissions = toJson(patch.permissions);
      if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
      const where = db
        .selectFrom("roles")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .where("id", "=", id);
      try {
        const row =
          Object.keys(set).length === 0
            ? await where.executeTakeFirst()
            : await inSavepoint(db, (trx) =>
                trx
                  .updateTable("roles")
                  .set(set)
                  .where("organization_id", "=", organizationId)
                  .where("id", "=", id)
                  .returningAll()
                  .executeTakeFirst(),
              );
        return row === undefined ? null : toRole(row);
      } catch (error) {
        throw toRoleConflict(error, patch.name ?? "", id);
      }
    },

    async delete(organizationId, id) {
      const row = await db
        .deleteFrom("roles")
        .where("organization_id", "=", organizationId)
        .where("id", "=", id)
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toRoleConflict(error: unknown, name: string, id: string): unknown {
  if (isUniqueViolation(error, "roles_name_key")) {
    const message = `The organization already has a role named ${name}.`;
    return conflictError(message, [{ path: ["name"], reason: "already-exists", message }], error);
  }
  if (isUniqueViolation(error, "roles_pkey")) {
    const message = `A role with id ${id} exists.`;
    return conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
  }
  return error;
}

function toRole(row: Selectable<RolesTable>): RoleRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    description: row.description,
    permissions: fromJson<RoleRecord["permissions"]>(row.permissions),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
