import type { AuditRecord, Page } from "../records.js";
import type { AuditQuery, AuditRepository } from "../store.js";
import { compareKeys, conflict, copy, type PageOrder, pageOf, type Table } from "./table.js";

/** Newest first: ISO instants of one format sort as strings, and the id breaks ties between equal instants. */
const newestFirst: PageOrder<AuditRecord> = {
  keyOf: (entry) => [entry.at.toISOString(), entry.id],
  keyLength: 2,
  descending: true,
};

/** The memory `AuditRepository` over one table (the store's own, or a transaction's layer). */
export function createMemoryAudit(table: Table<AuditRecord>, guard: () => void): AuditRepository {
  return {
    async append(entries: readonly AuditRecord[]): Promise<void> {
      guard();
      const ids = new Set<string>();
      for (const entry of entries) {
        if (ids.has(entry.id) || table.get(entry.id) !== undefined) {
          const message = `An audit entry with id ${entry.id} exists.`;
          throw conflict(message, [{ path: ["id"], reason: "already-exists", message }]);
        }
        ids.add(entry.id);
      }
      for (const entry of entries) table.set(entry.id, copy(entry));
    },

    async appendIfAbsent(entries: readonly AuditRecord[]): Promise<void> {
      guard();
      for (const entry of entries) if (table.get(entry.id) === undefined) table.set(entry.id, copy(entry));
    },

    async list(query: AuditQuery): Promise<Page<AuditRecord>> {
      guard();
      const { organizationId, userId } = query;
      const matches = [...table.values()].filter(
        (entry) =>
          entry.organizationId === organizationId &&
          (userId === undefined || entry.actor.id === userId || entry.subjectUserId === userId),
      );
      matches.sort((a, b) => compareKeys(newestFirst.keyOf(b), newestFirst.keyOf(a)));
      const page = pageOf(matches, newestFirst, query);
      return { items: page.items.map(copy), nextCursor: page.nextCursor };
    },
  };
}
