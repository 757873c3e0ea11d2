import type { RoleRepository } from "@gatehousejs/core";
import { conflictError, toJson } from "@gatehousejs/core/adapter-kit";
import type { Updateable } from "kysely";
import { isUniqueViolation, type SqlContext } from "../context.js";
import type { SqlDialect } from "../dialect.js";
import { toRole } from "../rows.js";
import { inSavepoint } from "../savepoints.js";
import type { RolesTable } from "../schema.js";

/** The custom-role repository on one connection or transaction. */
export function createRoleRepository({ db, dialect }: SqlContext): RoleRepository {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
  const find = async (organizationId: string, id: string) => {
    const row = await db
      .selectFrom("roles")
      .selectAll()
      .where("organization_id", "=", organizationId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row === undefined ? null : toRole(row, dialect.fromInstant);
  };

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
              created_at: instant(role.createdAt),
              updated_at: instant(role.updatedAt),
            })
            .execute(),
        );
      } catch (error) {
        throw toRoleConflict(dialect, error, role.name, role.id);
      }
    },

    findById: find,

    async list(organizationId) {
      const rows = await db
        .selectFrom("roles")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .orderBy("name_key")
        .orderBy("id")
        .execute();
      return rows.map((row) => toRole(row, dialect.fromInstant));
    },

    async update(organizationId, id, patch) {
      const set: Updateable<RolesTable> = {};
      if (patch.name !== undefined) {
        set.name = patch.name;
        set.name_key = patch.name.toLowerCase();
      }
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.permissions !== undefined) set.permissions = toJson(patch.permissions);
      if (patch.updatedAt !== undefined) set.updated_at = instant(patch.updatedAt);
      if (Object.keys(set).length === 0) return find(organizationId, id);
      try {
        return await inSavepoint(db, async (trx) => {
          const update = trx
            .updateTable("roles")
            .set(set)
            .where("organization_id", "=", organizationId)
            .where("id", "=", id);
          if (!dialect.returning) {
            const result = await update.executeTakeFirst();
            return result.numUpdatedRows === 0n ? null : find(organizationId, id);
          }
          const row = await update.returningAll().executeTakeFirst();
          return row === undefined ? null : toRole(row, dialect.fromInstant);
        });
      } catch (error) {
        throw toRoleConflict(dialect, error, patch.name ?? "", id);
      }
    },

    async delete(organizationId, id) {
      const result = await db
        .deleteFrom("roles")
        .where("organization_id", "=", organizationId)
        .where("id", "=", id)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toRoleConflict(dialect: SqlDialect, error: unknown, name: string, id: string): unknown {
  if (isUniqueViolation(dialect, error, "roles_name_key")) {
    const message = `The organization already has a role named ${name}.`;
    return conflictError(message, [{ path: ["name"], reason: "already-exists", message }], error);
  }
  if (isUniqueViolation(dialect, error, "primary")) {
    const message = `A role with id ${id} exists.`;
    return conflictError(message, [{ path: ["id"], reason: "already-exists", message }], error);
  }
  return error;
}
