import { defineLuaScript } from "./lua-script.js";

/** Stores pending audit entries. KEYS[1] the outbox hash · ARGV id, JSON, id, JSON… Returns how many were new. */
export const outboxPushScript = defineLuaScript(`return redis.call('HSET', KEYS[1], unpack(ARGV))
`);

/**
 * Up to about ARGV[1] pending entries, as a flat list id, JSON, id, JSON… (one HSCAN step from the start:
 * every entry drained is removed, so the next call reaches the rest).
 */
export const outboxPendingScript =
  defineLuaScript(`local page = redis.call('HSCAN', KEYS[1], '0', 'COUNT', ARGV[1])
return page[2]
`);

/** Forgets pending entries. KEYS[1] the outbox hash · ARGV the ids. */
export const outboxRemoveScript = defineLuaScript(`return redis.call('HDEL', KEYS[1], unpack(ARGV))
`);
