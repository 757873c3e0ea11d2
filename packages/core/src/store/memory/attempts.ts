import { type AttemptState, emptyAttemptState } from "../../policy/lockout.js";
import type { AttemptRepository, VersionedAttemptState } from "../store.js";
import { copy } from "./table.js";

/** The memory `AttemptRepository`: versioned states, compared and set in one synchronous step. */
export function createMemoryAttempts(): AttemptRepository {
  const states = new Map<string, VersionedAttemptState>();
  // Versions come from one counter that never goes back, so a state deleted and stored again never reuses
  // a version a slow caller still holds (no ABA).
  let lastVersion = 0;

  return {
    async get(key: string): Promise<VersionedAttemptState> {
      const stored = states.get(key);
      return stored === undefined ? { state: emptyAttemptState(), version: 0 } : copy(stored);
    },

    async compareAndSet(
      key: string,
      expectedVersion: number,
      next: AttemptState,
      _expiresAt: Date,
    ): Promise<boolean> {
      // The state is kept past `expiresAt` (the contract allows it): the memory store has no clock to prune by.
      if ((states.get(key)?.version ?? 0) !== expectedVersion) return false;
      lastVersion += 1;
      states.set(key, { state: copy(next), version: lastVersion });
      return true;
    },

    async delete(key: string): Promise<void> {
      states.delete(key);
    },
  };
}
