import {
  type AttemptRepository,
  type AttemptSwapResult,
  emptyAttemptState,
  StorageUnavailableError,
} from "@gatehousejs/core";
import { decodeAttempts, encodeAttemptText } from "./codec.js";
import type { Commands } from "./commands.js";
import type { KeyLayout } from "./keys.js";
import { compareAndSetScript } from "./scripts/compare-and-set.js";
import { compareAndSwapScript } from "./scripts/compare-and-swap.js";

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

    async compareAndSwap(key, expectedVersion, next, expiresAt) {
      const reply = await commands.script(
        "attempts.compareAndSwap",
        compareAndSwapScript,
        keys.attempts(key),
        [
          expectedVersion,
          next === null ? "" : encodeAttemptText(next),
          expiresAt.getTime(),
          minimumAttemptRetentionMs,
        ],
      );
      return swapResultOf("attempts.compareAndSwap", reply);
    },

    async delete(key) {
      await commands.run("attempts.delete", (redis) => redis.del(keys.attempts(key)));
    },
  };
}

/** The result of a compare-and-swap script's reply (`compareAndSwapScript`, `signInCommitScript`). */
export function swapResultOf(operation: string, reply: unknown): AttemptSwapResult {
  if (!Array.isArray(reply)) throw unexpectedReply(operation, reply);
  const [swapped, value] = reply as unknown[];
  if (swapped === 1) {
    const version = Number(String(value));
    if (!Number.isSafeInteger(version) || version < 0) throw unexpectedReply(operation, reply);
    return { swapped: true, version };
  }
  if (swapped !== 0) throw unexpectedReply(operation, reply);
  if (value === undefined || value === null) {
    return { swapped: false, current: { state: emptyAttemptState(), version: 0 } };
  }
  return { swapped: false, current: decodeAttempts(String(value)) };
}

function unexpectedReply(operation: string, reply: unknown): StorageUnavailableError {
  return new StorageUnavailableError(
    `${operation}: Redis answered ${JSON.stringify(reply)}, not the script's reply.`,
    null,
  );
}
