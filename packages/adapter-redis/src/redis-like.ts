/**
 * The slice of a Redis client the adapter uses, structurally: an ioredis `Redis` or `Cluster` satisfies it
 * (checked by `test/redis-like.test.ts`), and so does any wrapper that forwards these commands.
 *
 * Every command and script touches one key, or keys of one hash slot, so a cluster client may route every
 * call by its own key. Only a client that says it is not a cluster (`isCluster: false`, as ioredis' `Redis`
 * does) gets scripts over keys of different slots, where that saves a round trip.
 */
export interface RedisLike {
  /**
   * `false` when every key lives on this one server (ioredis' `Redis`), `true` for ioredis' `Cluster`.
   * Left out, the client is treated as a cluster: one key, or one slot, per call.
   */
  readonly isCluster?: boolean;
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `MGET key…`: the keys' values (`null` where absent), read in one atomic step; one slot on a cluster. */
  mget(...keys: string[]): Promise<Array<string | null>>;
  /** `GETDEL key` (Redis ≥ 6.2): reads and deletes in one atomic step. */
  getdel(key: string): Promise<string | null>;
  /** `SET key value PX ms NX`: writes only if the key does not exist; resolves to `null` if it did not. */
  set(
    key: string,
    value: string,
    millisecondsToken: "PX",
    milliseconds: number,
    nx: "NX",
  ): Promise<"OK" | null>;
  /** `SET key value PX ms XX`: writes only if the key exists; resolves to `null` if it did not. */
  set(
    key: string,
    value: string,
    millisecondsToken: "PX",
    milliseconds: number,
    xx: "XX",
  ): Promise<"OK" | null>;
  /** `SET key value`. */
  set(key: string, value: string): Promise<"OK" | null>;
  /** `DEL key`; resolves to the number of keys removed. */
  del(key: string): Promise<number>;
  /** `ZRANGE key start stop`; `stop` is a string (`"-1"`) because ioredis 6 types it as `string | Buffer`. */
  zrange(key: string, start: number, stop: string): Promise<string[]>;
  /** `ZREM key member…`. */
  zrem(key: string, ...members: string[]): Promise<number>;
  /** `EVAL script numkeys key… arg…`. */
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** `EVALSHA sha1 numkeys key… arg…`; rejects with a `NOSCRIPT` error when the server lacks the script. */
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
}
