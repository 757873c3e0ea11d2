import { defineLuaScript, integerString } from "./lua-script.js";

/**
 * Writes an attempt state only if the stored version is still the expected one; returns 1 if it wrote.
 *
 * KEYS[1] the attempt key · ARGV[1] the expected version (0: nothing stored) · ARGV[2] the new state (JSON)
 * · ARGV[3] `expiresAt` in epoch ms · ARGV[4] the shortest time to keep it, in ms.
 *
 * Redis runs a script alone, so the read, the check and the write are one step for every client of the
 * server: of concurrent callers with the same expected version exactly one writes, wherever they run. The
 * lockout decision itself stays in core (the service reads, decides and comes back here), so no policy
 * number is repeated in Lua.
 *
 * Versions never repeat for a key, even across a delete (no ABA): a fresh state starts at the server's
 * clock in microseconds, which is above every version of an earlier state of the key, since each earlier
 * write took at least a microsecond of that clock and added one. A caller still holding an old version can
 * therefore not overwrite a state that was deleted and stored again meanwhile.
 */
export const compareAndSetScript = defineLuaScript(`local stored = redis.call('GET', KEYS[1])
local version = 0
if stored then version = tonumber(cjson.decode(stored)['version']) end
if version ~= tonumber(ARGV[1]) then return 0 end
local t = redis.call('TIME')
local nextVersion = version + 1
if version == 0 then nextVersion = tonumber(t[1]) * 1000000 + tonumber(t[2]) end
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(tonumber(ARGV[3]), now + tonumber(ARGV[4]))
local document = '{"version":' .. ${integerString("nextVersion")} .. ',"state":' .. ARGV[2] .. '}'
redis.call('SET', KEYS[1], document, 'PXAT', ${integerString("at")})
return 1
`);
