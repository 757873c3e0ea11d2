import { describe, expect, it } from "vitest";
import { checkAgreement, preparePermissionBench, runPermissionBench } from "../src/permissions.mjs";

// Benchmarks report and never fail on speed: these tests only prove the contenders agree and the run completes.
describe("permission benchmark", () => {
  it("every contender answers every query of the mix as the role tables and Gatehouse do", async () => {
    const prepared = await preparePermissionBench();
    expect(prepared.mix.size).toBe(1024);
    expect(prepared.mix.allowedCount).toBeGreaterThan(400);
    expect(prepared.mix.allowedCount).toBeLessThan(624);
    expect(() => checkAgreement(prepared)).not.toThrow();
  });

  it("refuses to time a contender that answers wrong", async () => {
    const prepared = await preparePermissionBench();
    const floor = prepared.contenders.find((c) => c.id === "floor-set");
    const wrong = {
      ...floor,
      id: "wrong",
      name: "always allows",
      check: () => true,
      pass: (_, keys) => keys.length,
    };
    prepared.subjects.set("wrong", prepared.subjects.get("floor-set"));
    expect(() => checkAgreement({ ...prepared, contenders: [...prepared.contenders, wrong] })).toThrow(
      /always allows/,
    );
  });

  it("a quick run produces a table with every contender and every target", async () => {
    const { table, results } = await runPermissionBench({ quick: true });
    for (const contender of results.contenders) {
      expect(table).toContain(contender.name);
      expect(contender.checksPerSecond.median).toBeGreaterThan(0);
      expect(contender.buildMicros.median).toBeGreaterThan(0);
    }
    expect(results.targets.ratios).toHaveLength(4);
    expect(table).toContain("`compileGrants` for the user");
  });
});
