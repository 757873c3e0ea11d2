import { defineLuaScript, integerString, serverNowMs } from "./lua-script.js";

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
local key = KEYS[1]
local expires = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ${integerString("now")})
local current = redis.call('ZSCORE', key, ARGV[1])
if (not current) or tonumber(current) < expires then
  redis.call('ZADD', key, ${integerString("expires")}, ARGV[1])
end
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', key, ${integerString("tonumber(last[2])")})
return 1
`);
