import { defineLuaScript, integerString, serverNowMs } from "./lua-script.js";

/** The body of {@link indexAddScript} on the index `key`, the member `member` and its `ttl` (Lua expressions). */
export const indexAdd = (
  key: string,
  member: string,
  ttl: string,
): string => `local expires = now + tonumber(${ttl})
redis.call('ZREMRANGEBYSCORE', ${key}, '-inf', '(' .. ${integerString("now")})
local current = redis.call('ZSCORE', ${key}, ${member})
if (not current) or tonumber(current) < expires then
  redis.call('ZADD', ${key}, ${integerString("expires")}, ${member})
end
local last = redis.call('ZRANGE', ${key}, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', ${key}, ${integerString("tonumber(last[2])")})`;

/**
 * Adds a member to a per-user index (a sorted set scored by the member's expiry on the server's clock) and
 * keeps the index alive at least as long as its longest-lived member.
 *
 * KEYS[1] the index · ARGV[1] the member · ARGV[2] its time to live in ms.
 *
 * - A member's score only ever rises: a touch that shortens a session (its absolute deadline) leaves the
 *   index entry a little longer than needed, never shorter, so "end all sessions" can never miss a live one.
 * - Members whose score has passed are pruned here, the only place the index shrinks by time: their record
 *   has expired with the same time to live counted from a later instant (the record is written after this
 *   script returns), so pruning never hides a live record.
 * - The index key itself expires with its latest member, so an idle user's index disappears on its own.
 */
export const indexAddScript = defineLuaScript(`${serverNowMs}
${indexAdd("KEYS[1]", "ARGV[1]", "ARGV[2]")}
return 1
`);

/**
 * A session's creation in one step, where every key lives on one server (a standalone Redis, not a Cluster,
 * whose index and session keys sit in different slots): nothing if the session key exists, else the index
 * entry (as {@link indexAddScript}) and the record, atomically, so there is no step in between at all.
 *
 * KEYS[1] the user's index · KEYS[2] the session · ARGV[1] the token hash · ARGV[2] the time to live in ms ·
 * ARGV[3] the record (JSON). Returns 1 when created, 0 when the session key was taken (nothing written).
 */
export const createIndexedScript = defineLuaScript(`if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
${serverNowMs}
${indexAdd("KEYS[1]", "ARGV[1]", "ARGV[2]")}
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1
`);
