import { defineLuaScript, integerString, serverNowMs } from "./lua-script.js";

/**
 * The check half of {@link compareAndSwapScript} on the attempt key `key` and the expected version `expected`
 * (Lua expressions): reads the stored document and answers the conflict reply when its version differs.
 * Defines `stored` and `version` for the write half.
 */
export const attemptSwapCheck = (
  key: string,
  expected: string,
): string => `local stored = redis.call('GET', ${key})
local version = 0
if stored then version = tonumber(cjson.decode(stored)['version']) end
if version ~= tonumber(${expected}) then
  if stored then return {0, stored} end
  return {0}
end`;

/**
 * The write half of {@link compareAndSwapScript}, after the check and `serverNowMs` (it reads `version`, `t`
 * and `now`): removes the state (`next` is "") or stores it, and leaves the version stored in `written`.
 */
export const attemptSwapWrite = (
  key: string,
  next: string,
  expiresAt: string,
  keepMs: string,
): string => `local written = '0'
if ${next} == '' then
  redis.call('DEL', ${key})
else
  local nextVersion = version + 1
  if version == 0 then nextVersion = tonumber(t[1]) * 1000000 + tonumber(t[2]) end
  local at = math.max(tonumber(${expiresAt}), now + tonumber(${keepMs}))
  written = ${integerString("nextVersion")}
  redis.call('SET', ${key}, '{"version":' .. written .. ',"state":' .. ${next} .. '}', 'PXAT', ${integerString("at")})
end`;

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
export const compareAndSwapScript = defineLuaScript(`${attemptSwapCheck("KEYS[1]", "ARGV[1]")}
${serverNowMs}
${attemptSwapWrite("KEYS[1]", "ARGV[2]", "ARGV[3]", "ARGV[4]")}
return {1, written}
`);
