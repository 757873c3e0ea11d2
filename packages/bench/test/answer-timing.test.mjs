import { describe, expect, it } from "vitest";
import { runAnswerTimingBench } from "../src/answer-timing.mjs";
import { servicesUp } from "./services.mjs";

// Reports, never fails on speed: a quick run completes with every call answering as expected.
describe.runIf(servicesUp)("answer timing benchmark", () => {
  it("a quick run times forgot-password and a wrong password for both kinds of address", async () => {
    const { table, results } = await runAnswerTimingBench({ quick: true });
    console.log(table);
    expect([...results.instant.keys()]).toEqual([
      "forgot-registered",
      "forgot-unknown",
      "wrong-registered",
      "wrong-unknown",
    ]);
    expect([...results.slow.keys()]).toEqual(["forgot-registered", "forgot-unknown"]);
  });
});
