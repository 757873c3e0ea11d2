import { defineLuaScript, integerString } from "./lua-script.js";

/**
 * `compareAndSet` that answers what the caller needs next, in the same round trip: `{1, version}` with the
 * version it stored ("0" after a removal), or `{0}` / `{0, document}` with the stored `{ version, state }`
 * document when the version differs (nothing stored / something stored), so the service decides again
 * without a `GET`. The comparison, the write and the read of a conflict are one step of the server.
 *
 * KEYS[1] the attempt key · ARGV[1] the expected version (0: nothing stored) · ARGV[2] the new state (JSON),
 * or "" to remove the state · ARGV[3] `expiresAt` in epoch ms · ARGV[4] the shortest time to keep it, in ms.
 *
 * Versions follow `compareAndSetScript`'s rule (a fresh state starts at the server's clock in microseconds,
 * then counts up), so they never repeat for a key across removals.
 */
export const compareAndSwapScript = defineLuaScript(`local stored = redis.call('GET', KEYS[1])
local version = 0
if stored then version = tonumber(cjson.decode(stored)['version']) end
if version ~= tonumber(ARGV[1]) then
  if stored then return {0, stored} end
  return {0}
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return {1, '0'}
end
local t = redis.call('TIME')
local nextVersion = version + 1
if version == 0 then nextVersion = tonumber(t[1]) * 1000000 + tonumber(t[2]) end
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(tonumber(ARGV[3]), now + tonumber(ARGV[4]))
local written = ${integerString("nextVersion")}
redis.call('SET', KEYS[1], '{"version":' .. written .. ',"state":' .. ARGV[2] .. '}', 'PXAT', ${integerString("at")})
return {1, written}
`);
