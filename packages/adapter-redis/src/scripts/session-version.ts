import { defineLuaScript } from "./lua-script.js";

/**
 * An organization's authorization version, minted when it is missing (never bumped, or the key was evicted or
 * lost in a failover: a lost version is never read as an old one). Validation reads the version with the
 * session in one `MGET` and runs this only when the version was missing.
 *
 * KEYS[1] the organization's version · ARGV[1] a fresh version, stored only when there is none. Returns the
 * version.
 */
export const ensureVersionScript = defineLuaScript(`local version = redis.call('GET', KEYS[1])
if not version then
  redis.call('SET', KEYS[1], ARGV[1])
  version = ARGV[1]
end
return version
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
