import type { Cluster, Redis } from "ioredis";
import { describe, expectTypeOf, it } from "vitest";
import type { RedisLike } from "../src/redis-like.js";

// A type test: `tsc --noEmit -p tsconfig.json` fails if ioredis stops satisfying the structural interface.
describe("RedisLike", () => {
  it("is satisfied by an ioredis Redis client", () => {
    expectTypeOf<Redis>().toExtend<RedisLike>();
  });

  it("is satisfied by an ioredis Cluster client", () => {
    expectTypeOf<Cluster>().toExtend<RedisLike>();
  });

  it("is not satisfied by an object missing a command", () => {
    expectTypeOf<Omit<Redis, "getdel">>().not.toExtend<RedisLike>();
  });
});
