import { emptyAttemptState } from "../../../src/policy/lockout.js";
import type { AttemptState } from "../../../src/policy/lockout-policy.js";
import type { AttemptRepository, Store, VersionedAttemptState } from "../../../src/store/store.js";

/** How a careless `compareAndSwap` goes wrong. */
export type SwapFlaw =
  /** Compares, then writes after a pause: racing callers all see the old version and all "store". */
  | "not-atomic"
  /** Answers a conflict with the empty state (as if it had not read), so the caller decides on nothing. */
  | "conflict-answers-empty"
  /** Removes whatever is stored when asked to remove, whatever its version. */
  | "removes-any-version";

/** The memory store with an attempt repository whose `compareAndSwap` has `flaw`; the rest is correct. */
export function withFlawedSwap(base: Store, flaw: SwapFlaw): Store {
  const rows = new Map<string, { version: number; state: AttemptState }>();
  let lastVersion = 0;
  const read = (key: string): VersionedAttemptState => {
    const row = rows.get(key);
    return row === undefined
      ? { state: emptyAttemptState(), version: 0 }
      : { state: structuredClone(row.state), version: row.version };
  };
  const write = (key: string, next: AttemptState): number => {
    lastVersion += 1;
    rows.set(key, { version: lastVersion, state: structuredClone(next) });
    return lastVersion;
  };
  const attempts: AttemptRepository = {
    async get(key) {
      return read(key);
    },
    async compareAndSet(key, expectedVersion, next) {
      if ((rows.get(key)?.version ?? 0) !== expectedVersion) return false;
      write(key, next);
      return true;
    },
    async compareAndSwap(key, expectedVersion, next) {
      const matches = (rows.get(key)?.version ?? 0) === expectedVersion;
      if (next === null && flaw === "removes-any-version") {
        rows.delete(key);
        return { swapped: true, version: 0 };
      }
      if (!matches) {
        const current =
          flaw === "conflict-answers-empty" ? { state: emptyAttemptState(), version: 0 } : read(key);
        return { swapped: false, current };
      }
      if (flaw === "not-atomic") await new Promise((resolve) => setTimeout(resolve, 1));
      if (next === null) {
        rows.delete(key);
        return { swapped: true, version: 0 };
      }
      return { swapped: true, version: write(key, next) };
    },
    async delete(key) {
      rows.delete(key);
    },
  };
  return { ...base, attempts };
}
