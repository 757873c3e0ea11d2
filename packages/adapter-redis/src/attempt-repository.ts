import { type AttemptRepository, emptyAttemptState } from "@gatehousejs/core";
import { decodeAttempts, encodeAttemptText } from "./codec.js";
import type { Commands } from "./commands.js";
import type { KeyLayout } from "./keys.js";
import { compareAndSetScript } from "./scripts/compare-and-set.js";

/**
 * The shortest time an attempt state is kept after a write, whatever `expiresAt` says. `compareAndSet` gets
 * no `now`, so `expiresAt` can only be compared with Redis' clock; if the app's clock runs behind Redis'
 * (or a test drives a clock in the past), an exact `PEXPIREAT` would drop the state at once and reset the
 * failure counter. Keeping a state longer is always allowed ("MAY be dropped after"); dropping it early
 * would hand out fresh guesses.
 */
export const minimumAttemptRetentionMs = 60 * 60 * 1000;

/**
 * Login-attempt state on Redis: one JSON document `{ version, state }` per key, replaced only through the
 * compare-and-set script, so the read-decide-write loop of the service is race-free across processes.
 */
export function createAttemptRepository(commands: Commands, keys: KeyLayout): AttemptRepository {
  return {
    async get(key) {
      const text = await commands.run("attempts.get", (redis) => redis.get(keys.attempts(key)));
      return text === null ? { state: emptyAttemptState(), version: 0 } : decodeAttempts(text);
    },

    async compareAndSet(key, expectedVersion, next, expiresAt) {
      const written = await commands.script(
        "attempts.compareAndSet",
        compareAndSetScript,
        keys.attempts(key),
        [expectedVersion, encodeAttemptText(next), expiresAt.getTime(), minimumAttemptRetentionMs],
      );
      return written === 1;
    },

    async delete(key) {
      await commands.run("attempts.delete", (redis) => redis.del(keys.attempts(key)));
    },
  };
}
