import type { AuditOutboxRepository } from "@gatehousejs/core";
import { decodeAuditEntry, encodeAuditEntry } from "./codec.js";
import type { Commands } from "./commands.js";
import { outboxPendingScript, outboxPushScript, outboxRemoveScript } from "./scripts/audit-outbox.js";

// Lua's unpack takes a few thousand values at most: larger calls go in slices.
const SLICE = 500;

/**
 * The audit outbox on Redis: one hash, entry id → entry JSON, with no expiry (an entry leaves only once it is
 * in the durable log). One key, so every call runs on one Redis Cluster slot.
 */
export function createAuditOutbox(commands: Commands, key: string): AuditOutboxRepository {
  return {
    async push(entries) {
      for (let start = 0; start < entries.length; start += SLICE) {
        const args = entries
          .slice(start, start + SLICE)
          .flatMap((entry) => [entry.id, encodeAuditEntry(entry)]);
        await commands.script("auditOutbox.push", outboxPushScript, key, args);
      }
    },

    async pending(limit) {
      const count = Math.max(1, Math.floor(limit));
      const flat = (await commands.script("auditOutbox.pending", outboxPendingScript, key, [count])) as
        | string[]
        | null;
      const entries = [];
      for (let i = 1; i < (flat?.length ?? 0); i += 2) entries.push(decodeAuditEntry(flat?.[i] as string));
      entries.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return entries.slice(0, count);
    },

    async remove(ids) {
      for (let start = 0; start < ids.length; start += SLICE) {
        await commands.script("auditOutbox.remove", outboxRemoveScript, key, ids.slice(start, start + SLICE));
      }
    },
  };
}
