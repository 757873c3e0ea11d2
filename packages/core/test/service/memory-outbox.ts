import type { AuditRecord } from "../../src/store/records.js";
import type { AuditOutboxRepository } from "../../src/store/store.js";

/** An in-memory audit outbox for tests (the memory store offers none), shareable by several gatehouses. */
export function createMemoryOutbox(): AuditOutboxRepository & { readonly entries: Map<string, AuditRecord> } {
  const entries = new Map<string, AuditRecord>();
  return {
    entries,
    async push(records) {
      for (const record of records) entries.set(record.id, structuredClone(record));
    },
    async pending(limit) {
      return [...entries.values()]
        .sort((a, b) => a.at.getTime() - b.at.getTime())
        .slice(0, limit)
        .map((record) => structuredClone(record));
    },
    async remove(ids) {
      for (const id of ids) entries.delete(id);
    },
  };
}
