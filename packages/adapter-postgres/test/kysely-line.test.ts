import * as kysely from "kysely";
import { describe, expect, it } from "vitest";

// The suites run on each kysely line the peer range takes: 0.29 by default, 0.28 in the project of
// vitest.kysely-0-28.config.ts, which sets GATEHOUSE_KYSELY_LINE. This shows the swap took effect.
const line = process.env.GATEHOUSE_KYSELY_LINE ?? "0.29";

describe("the kysely line", () => {
  it(`is ${line}: the Migrator is exported from "kysely" on 0.28 only (0.29 moved it to "kysely/migration")`, () => {
    expect(typeof Reflect.get(kysely, "Migrator")).toBe(line === "0.28" ? "function" : "undefined");
  });
});
