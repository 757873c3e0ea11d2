import type { Cluster, Redis } from "ioredis";
import type { Cluster as Cluster5, Redis as Redis5 } from "ioredis-5";
import { describe, expectTypeOf, it } from "vitest";
import type { RedisLike } from "../src/redis-like.js";

// A type test: `tsc --noEmit -p tsconfig.json` fails if ioredis stops satisfying the structural interface.
// The peer range takes ioredis 5 and 6: "ioredis" is 6, "ioredis-5" an alias of the latest 5.x.
describe("RedisLike", () => {
  it("is satisfied by an ioredis 6 Redis client", () => {
    expectTypeOf<Redis>().toExtend<RedisLike>();
  });

  it("is satisfied by an ioredis 6 Cluster client", () => {
    expectTypeOf<Cluster>().toExtend<RedisLike>();
  });

  it("is satisfied by an ioredis 5 Redis client", () => {
    expectTypeOf<Redis5>().toExtend<RedisLike>();
  });

  it("is satisfied by an ioredis 5 Cluster client", () => {
    expectTypeOf<Cluster5>().toExtend<RedisLike>();
  });

  it("is not satisfied by an object missing a command", () => {
    expectTypeOf<Omit<Redis, "getdel">>().not.toExtend<RedisLike>();
    expectTypeOf<Omit<Redis5, "getdel">>().not.toExtend<RedisLike>();
  });
});
