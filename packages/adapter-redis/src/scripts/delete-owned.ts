import { defineLuaScript } from "./lua-script.js";

/**
 * Deletes a record (JSON with a `userId`) only if it belongs to the given user.
 *
 * KEYS[1] the record · ARGV[1] the user id. Returns 1 if it deleted the record, 0 if there was none,
 * -1 if the record belongs to someone else (it stays).
 *
 * An index is a list of hints, not a proof of ownership: an entry left by a create refused as a conflict
 * names another user's record, and "end all of my sessions" must never end someone else's.
 */
export const deleteOwnedScript = defineLuaScript(`local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local ok, record = pcall(cjson.decode, stored)
if ok and type(record) == 'table' and record['userId'] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return -1
`);
