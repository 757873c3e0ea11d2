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
  const run = <T>(operation: string, command: (redis: RedisLike) => Promise<T>): Promise<T> =>
    withTimeout(operation, commandTimeoutMs, () => command(redis));

  const scriptOnSlot = (
    operation: string,
    lua: LuaScript,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> =>
    withTimeout(operation, commandTimeoutMs, async () => {
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

/**
 * Settles with `command`'s outcome, or rejects after `timeoutMs`. The client's own `commandTimeout` should
 * fire first; this bound also covers a client configured without one (e.g. commands parked in an offline
 * queue while it reconnects), so a login is refused in bounded time instead of hanging.
 */
async function withTimeout<T>(operation: string, timeoutMs: number, command: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const pending = Promise.resolve().then(command);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StorageUnavailableError(`${operation}: Redis did not answer within ${timeoutMs} ms.`, null));
    }, timeoutMs);
  });
  // The losing side of the race may still reject later; it has nowhere to go, and must not crash the host.
  pending.catch(() => {});
  try {
    return await Promise.race([pending, deadline]);
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError(`${operation}: Redis command failed (${describe(error)}).`, error);
  } finally {
    clearTimeout(timer);
  }
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
