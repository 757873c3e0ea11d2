import type { Store } from "../../../src/store/store.js";

/** How a careless idempotent append goes wrong. */
export type AppendFlaw =
  /** A plain append: an id already stored throws CONFLICT instead of being skipped. */
  | "plain-append"
  /** Skips the whole batch when any of its ids is stored: the new entries beside it are lost. */
  | "skips-batch";

/** The store with an `audit.appendIfAbsent` that has `flaw`. */
export function withFlawedAppendIfAbsent(base: Store, flaw: AppendFlaw): Store {
  const audit: Store["audit"] = {
    ...base.audit,
    async appendIfAbsent(entries) {
      if (flaw === "plain-append")
        return base.audit.append([...new Map(entries.map((e) => [e.id, e])).values()]);
      for (const entry of entries) {
        const page = await base.audit.list({ organizationId: entry.organizationId, limit: 1000 });
        if (page.items.some((stored) => stored.id === entry.id)) return;
      }
      return base.audit.appendIfAbsent(entries);
    },
  };
  return { ...base, audit };
}
