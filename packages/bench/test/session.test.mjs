import { describe, expect, it } from "vitest";
import { CONTENDERS, runSessionBench } from "../src/session.mjs";
import { servicesUp } from "./services.mjs";

// Benchmarks report and never fail on speed: this proves the contenders agree and a quick run completes.
// The servers run in forked processes on the packages' built dist (`pnpm build` first).
describe.runIf(servicesUp)("session validation benchmark", () => {
  it("a quick run loads every contender, each answering 200 with its cookie and refusing without", async () => {
    const { table, results } = await runSessionBench({ quick: true });
    expect(results.contenders.map((c) => c.name)).toEqual(CONTENDERS.map((c) => c.name));
    expect(results.agreement.map((a) => a.name)).toEqual(CONTENDERS.map((c) => c.name));
    for (const answer of results.agreement) {
      expect(answer.withCookie).toBe(200);
      if (answer.name !== "bare") expect(answer.withoutCookie).toBe(401);
    }
    for (const contender of results.contenders) {
      expect(contender.rounds).toHaveLength(results.settings.rounds);
      expect(contender.rps.median).toBeGreaterThan(0);
      expect(table).toContain(contender.label);
    }
    expect(results.ratios.map((r) => r.name)).toEqual(["gatehouse"]);
    // The tail: Gatehouse's p99 against express-session's, a ceiling of 1×.
    expect(results.ratios[0].p99OverSession.value).toBeGreaterThan(0);
    expect(results.ratios[0].p99OverSession.target).toBe(1);
    expect(table).toContain("p99 latency ÷ (b) express-session");
    // The reference under "÷ bare route": the bare route with one Redis read per request, and Gatehouse over it.
    expect(results.ratios[0].floorOverBare.value).toBeGreaterThan(0);
    expect(results.ratios[0].overFloor.value).toBeGreaterThan(0);
    expect(table).toContain("÷ (a′) one GET per request");
    // The HTTP layer's cost: the Express binding against the same check done directly, with its target.
    expect(results.layerRatios[0]).toMatchObject({ ours: "express-binding", theirs: "express-direct" });
    expect(results.layerRatios[0].target).toBeCloseTo(1 / 1.05);
    // Judged on the paired short rounds, each pair's ratio and the server's CPU per request measured.
    expect(results.layerRatios[0].paired.pairs).toBe(4);
    expect(results.layerRatios[0].paired.throughput.min).toBeGreaterThan(0);
    expect(results.layerRatios[0].paired.cpu?.median).toBeGreaterThan(0);
    expect(results.layerRatios[1]).toMatchObject({ ours: "express-binding", theirs: "express-direct" });
    expect(results.layerRatios[1].target).toBeUndefined();
    expect(table).toContain("at most 5% more request time");
    expect(results.layerCpu).toMatch(/the layer adds -?\d+\.\d µs per request/);
    expect(table).toContain("bytes per session record");
    expect(table).toContain("10,000 users");
    expect(table).toContain("users: first page of 50");
  }, 180_000);
});
