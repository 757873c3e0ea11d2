import type { OrganizationRecord } from "../records.js";
import type { OrganizationRepository } from "../store.js";
import { conflict, copy, definedFields, type Table } from "./table.js";

type OrganizationPatch = Partial<Pick<OrganizationRecord, "name" | "settings" | "updatedAt">>;

/** The memory `OrganizationRepository` over one table (the store's own, or a transaction's layer). */
export function createMemoryOrganizations(
  table: Table<OrganizationRecord>,
  guard: () => void,
): OrganizationRepository {
  return {
    async create(organization: OrganizationRecord): Promise<void> {
      guard();
      if (table.get(organization.id) !== undefined) {
        const message = `An organization with id ${organization.id} exists.`;
        throw conflict(message, [{ path: ["id"], reason: "already-exists", message }]);
      }
      table.set(organization.id, copy(organization));
    },

    async findById(id: string): Promise<OrganizationRecord | null> {
      guard();
      const organization = table.get(id);
      return organization === undefined ? null : copy(organization);
    },

    async update(id: string, patch: OrganizationPatch): Promise<OrganizationRecord | null> {
      guard();
      const current = table.get(id);
      if (current === undefined) return null;
      const next: OrganizationRecord = {
        ...current,
        ...definedFields(patch),
        id,
        createdAt: current.createdAt,
      };
      table.set(id, copy(next));
      return copy(next);
    },

    async lock(_id: string): Promise<void> {
      // The memory store runs one transaction at a time, so every transaction already holds every lock.
      guard();
    },
  };
}
