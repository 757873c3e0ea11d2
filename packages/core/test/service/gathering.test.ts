import { describe, expect, it } from "vitest";
import { createGathering } from "../../src/service/gathering.js";

// The audit outbox's drain gathers entries for a moment before its first pass; `flush` ends that at once.

describe("a gathering", () => {
  it("is cut short by end(): a wait of a minute resolves at once", async () => {
    const gathering = createGathering(60_000);
    const waiting = gathering.wait();
    gathering.end();
    await expect(waiting).resolves.toBeUndefined();
  });

  it("an end asked for before the wait skips that wait, and only that one", async () => {
    const gathering = createGathering(60_000);
    gathering.end();
    await expect(gathering.wait()).resolves.toBeUndefined();
    let waited = false;
    const next = gathering.wait().then(() => {
      waited = true;
    });
    await Promise.resolve();
    expect(waited, "the next wait waits again").toBe(false);
    gathering.end();
    await next;
    expect(waited).toBe(true);
  });

  it("of 0 ms does not wait", async () => {
    await expect(createGathering(0).wait()).resolves.toBeUndefined();
  });
});
