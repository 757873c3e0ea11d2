import { type AttemptState, emptyAttemptState } from "../../policy/lockout.js";
import { decodeAttemptState, encodeAttemptState } from "../attempt-codec.js";
import type { AttemptRepository, AttemptSwapResult, VersionedAttemptState } from "../store.js";

/** An attempt record as the memory store keeps it: encoded, as a durable adapter would store it. */
export interface StoredAttempt {
  readonly version: number;
  readonly state: unknown;
}

/**
 * The memory `AttemptRepository`: versioned states, compared and set in one synchronous step. States go through
 * the same codec as every adapter's, so the memory store refuses a damaged record exactly as they do; a test may
 * pass its own `records` to plant one.
 */
export function createMemoryAttempts(records = new Map<string, StoredAttempt>()): AttemptRepository {
  // Versions come from one counter that never goes back, so a state deleted and stored again never reuses
  // a version a slow caller still holds (no ABA).
  let lastVersion = 0;

  const read = (key: string): VersionedAttemptState => {
    const stored = records.get(key);
    if (stored === undefined) return { state: emptyAttemptState(), version: 0 };
    return { state: decodeAttemptState(stored.state), version: stored.version };
  };

  return {
    async get(key: string): Promise<VersionedAttemptState> {
      return read(key);
    },

    async compareAndSet(
      key: string,
      expectedVersion: number,
      next: AttemptState,
      _expiresAt: Date,
    ): Promise<boolean> {
      // The state is kept past `expiresAt` (the contract allows it): the memory store has no clock to prune by.
      if ((records.get(key)?.version ?? 0) !== expectedVersion) return false;
      const state = encodeAttemptState(next);
      lastVersion += 1;
      records.set(key, { state, version: lastVersion });
      return true;
    },

    async compareAndSwap(
      key: string,
      expectedVersion: number,
      next: AttemptState | null,
      _expiresAt: Date,
    ): Promise<AttemptSwapResult> {
      // One synchronous step: the comparison, the write and the read of a conflict see the same record.
      if ((records.get(key)?.version ?? 0) !== expectedVersion) return { swapped: false, current: read(key) };
      if (next === null) {
        records.delete(key);
        return { swapped: true, version: 0 };
      }
      const state = encodeAttemptState(next);
      lastVersion += 1;
      records.set(key, { state, version: lastVersion });
      return { swapped: true, version: lastVersion };
    },

    async delete(key: string): Promise<void> {
      records.delete(key);
    },
  };
}
