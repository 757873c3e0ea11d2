import type { RoleRecord } from "../records.js";
import type { RoleRepository } from "../store.js";
import { compareKeys, conflict, copy, definedFields, Table, type UniqueIndex } from "./table.js";

type RolePatch = Partial<Pick<RoleRecord, "name" | "description" | "permissions" | "updatedAt">>;

/** Role names are unique per organization, case-insensitively; the NUL cannot occur in an organization id. */
const nameIndex: UniqueIndex<RoleRecord> = {
  keyOf: (role) => `${role.organizationId}\u0000${role.name.toLowerCase()}`,
  conflictOf: (role) =>
    conflict(`The organization already has a role named ${role.name}.`, [
      {
        path: ["name"],
        reason: "already-exists",
        message: `The organization already has a role named ${role.name}.`,
      },
    ]),
};

/** A new, empty roles table with its per-organization name index. */
export function createRolesTable(): Table<RoleRecord> {
  return new Table(nameIndex);
}

/** The memory `RoleRepository` over one table (the store's own, or a transaction's layer). */
export function createMemoryRoles(table: Table<RoleRecord>, guard: () => void): RoleRepository {
  const findInOrganization = (organizationId: string, id: string): RoleRecord | undefined => {
    const role = table.get(id);
    // Another organization's role is as good as absent: ids must not leak across tenants.
    return role?.organizationId === organizationId ? role : undefined;
  };
  const assertNameFree = (role: RoleRecord): void => {
    const holder = table.idOfKey(nameIndex.keyOf(role));
    if (holder !== undefined && holder !== role.id) throw nameIndex.conflictOf(role);
  };

  return {
    async create(role: RoleRecord): Promise<void> {
      guard();
      if (table.get(role.id) !== undefined) {
        const message = `A role with id ${role.id} exists.`;
        throw conflict(message, [{ path: ["id"], reason: "already-exists", message }]);
      }
      assertNameFree(role);
      table.set(role.id, copy(role));
    },

    async findById(organizationId: string, id: string): Promise<RoleRecord | null> {
      guard();
      const role = findInOrganization(organizationId, id);
      return role === undefined ? null : copy(role);
    },

    async list(organizationId: string): Promise<RoleRecord[]> {
      guard();
      const roles = [...table.values()].filter((role) => role.organizationId === organizationId);
      roles.sort((a, b) => compareKeys([a.name.toLowerCase(), a.id], [b.name.toLowerCase(), b.id]));
      return roles.map(copy);
    },

    async update(organizationId: string, id: string, patch: RolePatch): Promise<RoleRecord | null> {
      guard();
      const current = findInOrganization(organizationId, id);
      if (current === undefined) return null;
      const next: RoleRecord = {
        ...current,
        ...definedFields(patch),
        id,
        organizationId,
        createdAt: current.createdAt,
      };
      assertNameFree(next);
      table.set(id, copy(next));
      return copy(next);
    },

    async delete(organizationId: string, id: string): Promise<boolean> {
      guard();
      if (findInOrganization(organizationId, id) === undefined) return false;
      return table.delete(id);
    },
  };
}
