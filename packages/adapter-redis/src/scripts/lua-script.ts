import { createHash } from "node:crypto";

/** A Lua script and the SHA-1 that `EVALSHA` knows it by. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

/**
 * Prepares a script. Every script of this package declares one key, or keys of one hash slot (a session and
 * its organization's authorization version, both tagged by the organization), so it runs on Redis Cluster.
 */
export function defineLuaScript(source: string): LuaScript {
  return { source, sha1: createHash("sha1").update(source, "utf8").digest("hex") };
}

/**
 * The server's clock in milliseconds, as a Lua expression's prelude. Redis 5+ replicates a script's effects,
 * not the script, so reading `TIME` before writing is allowed and replicas stay consistent.
 */
export const serverNowMs = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Formats a Lua number as an integer argument: Redis would otherwise render a large one in exponent form. */
export const integerString = (expression: string): string => `string.format('%.0f', ${expression})`;
