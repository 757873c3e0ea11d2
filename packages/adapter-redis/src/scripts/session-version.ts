import { defineLuaScript } from "./lua-script.js";

/**
 * Reads a session and its organization's authorization version in one round trip, minting the version
 * when it is missing. Both keys carry the organization's tag as their hash tag: one slot on Redis Cluster.
 *
 * KEYS[1] the session · KEYS[2] the organization's version · ARGV[1] a fresh version, stored only when the
 * organization has none (never bumped, or the key was evicted or lost in a failover: a lost version is never
 * read as an old one). Returns `{ session JSON, version }`, or nil when there is no session.
 */
export const findCurrentScript = defineLuaScript(`local session = redis.call('GET', KEYS[1])
if not session then return false end
local version = redis.call('GET', KEYS[2])
if not version then
  redis.call('SET', KEYS[2], ARGV[1])
  version = ARGV[1]
end
return { session, version }
`);

/**
 * Stores the principal snapshot in a session's JSON, only if the session is still there, keeping its TTL.
 *
 * KEYS[1] the session · ARGV[1] the snapshot text. Returns 1 if stored, 0 if the session is gone.
 */
export const savePrincipalScript = defineLuaScript(`local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local ok, record = pcall(cjson.decode, stored)
if not ok or type(record) ~= 'table' then return 0 end
record['principal'] = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1
`);
