import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";

// The suites run on each ioredis line the peer range takes: 6 by default, 5 in the project of
// vitest.ioredis-5.config.ts, which sets GATEHOUSE_IOREDIS_LINE. This shows the swap took effect.
const line = process.env.GATEHOUSE_IOREDIS_LINE ?? "6";

describe("the ioredis line", () => {
  it(`is ${line}: only ioredis 6 has the RESP \`protocol\` option (3 by default)`, () => {
    const redis = new Redis({ lazyConnect: true });
    expect(Reflect.get(redis.options, "protocol")).toBe(line === "6" ? 3 : undefined);
    redis.disconnect();
  });
});
