import { describe, expect, it } from "vitest";
import { runMysqlScaleBench } from "../src/mysql-scale.mjs";

// Benchmarks report and never fail on speed: this proves a quick run (10,000 users) completes on the server
// and reports every query (on the built adapter-mysql: `pnpm build` first).
describe("MySQL scale check", () => {
  it("a quick run seeds 10,000 users and times every listing and audit query", async () => {
    const { table, report } = await runMysqlScaleBench();
    if (report === null) return; // no server outside CI (the section says "not run"); CI fails instead
    expect(table).toContain("10,000 users");
    for (const query of [
      "users: first page of 50",
      "users: page after a deep cursor",
      "audit: page of one administrator",
    ])
      expect(report).toContain(query);
  }, 300_000);
});
