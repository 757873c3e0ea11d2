import { emptyAttemptState } from "../../../src/policy/lockout.js";
import type { AttemptState } from "../../../src/policy/lockout-policy.js";
import type { AttemptRepository, Store } from "../../../src/store/store.js";

/**
 * The memory store with attempt versions counted per row (`version + 1`, starting again at 1 once the row
 * is deleted), as a careless SQL adapter would: a caller holding a version from before a delete can write.
 */
export function withVersionsPerRow(base: Store): Store {
  const rows = new Map<string, { version: number; state: AttemptState }>();
  const attempts: AttemptRepository = {
    async get(key) {
      const row = rows.get(key);
      return row === undefined
        ? { state: emptyAttemptState(), version: 0 }
        : { state: structuredClone(row.state), version: row.version };
    },
    async compareAndSet(key, expectedVersion, next) {
      if ((rows.get(key)?.version ?? 0) !== expectedVersion) return false;
      rows.set(key, { version: expectedVersion + 1, state: structuredClone(next) });
      return true;
    },
    async compareAndSwap(key, expectedVersion, next) {
      const row = rows.get(key);
      if ((row?.version ?? 0) !== expectedVersion) {
        return { swapped: false, current: await attempts.get(key) };
      }
      if (next === null) {
        rows.delete(key);
        return { swapped: true, version: 0 };
      }
      rows.set(key, { version: expectedVersion + 1, state: structuredClone(next) });
      return { swapped: true, version: expectedVersion + 1 };
    },
    async delete(key) {
      rows.delete(key);
    },
  };
  return { ...base, attempts };
}
