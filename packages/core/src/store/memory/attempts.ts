import { type AttemptState, emptyAttemptState } from "../../policy/lockout.js";
import { decodeAttemptState, encodeAttemptState } from "../attempt-codec.js";
import type { AttemptRepository, VersionedAttemptState } from "../store.js";

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

  return {
    async get(key: string): Promise<VersionedAttemptState> {
      const stored = records.get(key);
      if (stored === undefined) return { state: emptyAttemptState(), version: 0 };
      return { state: decodeAttemptState(stored.state), version: stored.version };
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

    async delete(key: string): Promise<void> {
      records.delete(key);
    },
  };
}
