import { StorageUnavailableError } from "@gatehousejs/core";
import type { RedisLike } from "./redis-like.js";
import type { LuaScript } from "./scripts/lua-script.js";

/**
 * How the repositories talk to Redis: every command is bounded in time and every failure becomes a
 * `StorageUnavailableError`, so no driver error and no endless wait ever reaches the service.
 */
export interface Commands {
  readonly redis: RedisLike;
  /**
   * Every key lives on one server (the client said `isCluster: false`): a script may then take keys of
   * different slots through `scriptOnSlot`.
   */
  readonly singleServer: boolean;
  /** Runs one Redis command; `operation` names the repository call in the error message. */
  run<T>(operation: string, command: (redis: RedisLike) => Promise<T>): Promise<T>;
  /** Runs a Lua script on one key (EVALSHA, falling back to EVAL when the server has not cached it). */
  script(
    operation: string,
    script: LuaScript,
    key: string,
    args: ReadonlyArray<string | number>,
  ): Promise<unknown>;
  /** Runs a Lua script on several keys, which MUST share one hash slot (one hash tag) unless `singleServer`. */
  scriptOnSlot(
    operation: string,
    script: LuaScript,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown>;
}

/** Wraps a client with the adapter's timeout and error mapping. */
export function createCommands(redis: RedisLike, commandTimeoutMs: number): Commands {
  const bounded = createDeadlines(commandTimeoutMs);
  const run = <T>(operation: string, command: (redis: RedisLike) => Promise<T>): Promise<T> =>
    bounded(operation, () => command(redis));

  const scriptOnSlot = (
    operation: string,
    lua: LuaScript,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> =>
    bounded(operation, async () => {
      try {
        return await redis.evalsha(lua.sha1, keys.length, ...keys, ...args);
      } catch (error) {
        // Each server (each cluster node, a restarted or failed-over primary) caches scripts on its own;
        // EVAL both runs and caches it, so the next EVALSHA on that server hits.
        if (!isNoScriptError(error)) throw error;
        return await redis.eval(lua.source, keys.length, ...keys, ...args);
      }
    });
  const script = (
    operation: string,
    lua: LuaScript,
    key: string,
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> => scriptOnSlot(operation, lua, [key], args);

  return { redis, singleServer: redis.isCluster === false, run, script, scriptOnSlot };
}

/** How often, as a fraction of the bound, {@link createDeadlines} looks for overdue commands. */
const SWEEPS_PER_BOUND = 8;

/**
 * Bounds commands in time: each settles with its command's outcome, or rejects once `timeoutMs` has passed.
 * The client's own `commandTimeout` should fire first; this bound also covers a client configured without one
 * (e.g. commands parked in an offline queue while it reconnects), so a login is refused in bounded time
 * instead of hanging.
 *
 * One sweeping timer per client instead of a timer and a promise race per command (about 5% of a validated
 * request's throughput): pending commands wait in a set in the order sent, which is the order of their
 * deadlines, and a sweep every eighth of the bound fails the overdue ones. A command therefore fails between
 * `timeoutMs` and `1.125 × timeoutMs` after it was sent. The timer runs while commands are pending and stops
 * at the first sweep that finds none (so an idle process holds it at most an eighth of the bound longer).
 */
function createDeadlines(timeoutMs: number) {
  interface Pending {
    readonly deadline: number;
    readonly expire: () => void;
  }
  const pending = new Set<Pending>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    const now = performance.now();
    for (const entry of pending) {
      if (entry.deadline > now) break;
      pending.delete(entry);
      entry.expire();
    }
    if (pending.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  return <T>(operation: string, command: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        deadline: performance.now() + timeoutMs,
        expire: () =>
          reject(
            new StorageUnavailableError(`${operation}: Redis did not answer within ${timeoutMs} ms.`, null),
          ),
      };
      pending.add(entry);
      sweeper ??= setInterval(sweep, Math.max(1, timeoutMs / SWEEPS_PER_BOUND));
      let sent: Promise<T>;
      try {
        sent = command();
      } catch (error) {
        sent = Promise.reject(error);
      }
      // After an expiry the command may still settle; the promise is settled already and ignores it.
      sent.then(
        (value) => {
          pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(entry);
          reject(
            error instanceof StorageUnavailableError
              ? error
              : new StorageUnavailableError(
                  `${operation}: Redis command failed (${describe(error)}).`,
                  error,
                ),
          );
        },
      );
    });
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
