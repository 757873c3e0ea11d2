import { attemptSwapCheck, attemptSwapWrite } from "./compare-and-swap.js";
import { indexAdd } from "./index-add.js";
import { defineLuaScript, serverNowMs } from "./lua-script.js";

/**
 * The writes that end a sign-in, as one step of the server (a standalone Redis: the keys sit in different
 * cluster slots): the attempt state's compare-and-swap (as `compareAndSwapScript`) and, only if it swaps, the
 * session's creation (as `createIndexedScript`) and the audit entries' push to the outbox. When the version
 * differs it answers the conflict as `compareAndSwapScript` does and writes nothing; when the session key is
 * taken it answers `{-1}` and writes nothing.
 *
 * KEYS[1] the attempt key · KEYS[2] the user's session index · KEYS[3] the session · KEYS[4] the outbox ·
 * ARGV[1] the expected version · ARGV[2] the new state (JSON) or "" · ARGV[3] `expiresAt` in epoch ms ·
 * ARGV[4] the shortest time to keep the state, in ms · ARGV[5] the token hash · ARGV[6] the session's time
 * to live in ms (≤ 0: already dead on the caller's clock, not written) · ARGV[7] the session (JSON) ·
 * ARGV[8…] audit entry id, JSON, id, JSON…
 */
export const signInCommitScript = defineLuaScript(`${attemptSwapCheck("KEYS[1]", "ARGV[1]")}
local live = tonumber(ARGV[6]) > 0
if live and redis.call('EXISTS', KEYS[3]) == 1 then return {-1} end
${serverNowMs}
${attemptSwapWrite("KEYS[1]", "ARGV[2]", "ARGV[3]", "ARGV[4]")}
if live then
${indexAdd("KEYS[2]", "ARGV[5]", "ARGV[6]")}
redis.call('SET', KEYS[3], ARGV[7], 'PX', ARGV[6])
end
for i = 8, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
return {1, written}
`);
