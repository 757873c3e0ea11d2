import { describe, expect, it } from "vitest";
import { DamagedRecordError } from "../../src/errors.js";
import { type AttemptState, emptyAttemptState } from "../../src/policy/lockout.js";
import { decodeAttemptState, encodeAttemptState } from "../../src/store/attempt-codec.js";

const t = Date.UTC(2025, 0, 6, 9, 0, 0, 250);
const state: AttemptState = {
  failures: 3,
  failureAts: [new Date(t), new Date(t + 1000)],
  lastFailureAt: new Date(t + 1000),
  lockedUntil: new Date(t + 1_801_000),
  locks: 1,
  inFlight: [new Date(t + 60_000)],
};

function issuesOf(raw: unknown): unknown {
  try {
    decodeAttemptState(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(DamagedRecordError);
    expect(error).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    return (error as DamagedRecordError).details.issues;
  }
  throw new Error("the damaged record was decoded");
}

describe("attempt state codec", () => {
  it("a state survives a trip through JSON text, instants as Dates", () => {
    const text = JSON.stringify(encodeAttemptState(state));
    expect(decodeAttemptState(JSON.parse(text))).toEqual(state);
    expect(decodeAttemptState(encodeAttemptState(emptyAttemptState()))).toEqual(emptyAttemptState());
  });

  it("encodes the six fields only: a caller's extra property is not persisted", () => {
    const encoded = encodeAttemptState({ ...state, unlockedBy: "admin" } as AttemptState);
    expect(Object.keys(encoded).sort()).toEqual(
      ["failureAts", "failures", "inFlight", "lastFailureAt", "lockedUntil", "locks"].sort(),
    );
  });

  it("refuses to encode a state it could not read back (an invalid Date, a negative counter)", () => {
    expect(() => encodeAttemptState({ ...state, lockedUntil: new Date(Number.NaN) })).toThrow(
      DamagedRecordError,
    );
    expect(() => encodeAttemptState({ ...state, failures: -1 })).toThrow(DamagedRecordError);
  });

  it("names every bad field of a damaged record", () => {
    const encoded = encodeAttemptState(state);
    expect(issuesOf({ ...encoded, failures: "3", lockedUntil: "2025", extra: 1, inFlight: [5] })).toEqual([
      expect.objectContaining({ path: ["extra"], reason: "unknown-field" }),
      expect.objectContaining({ path: ["failures"], reason: "invalid" }),
      expect.objectContaining({ path: ["inFlight", 0], reason: "invalid" }),
      expect.objectContaining({ path: ["lockedUntil"], reason: "invalid" }),
    ]);
    const { locks: _, ...withoutLocks } = encoded;
    expect(issuesOf(withoutLocks)).toEqual([expect.objectContaining({ path: ["locks"], reason: "missing" })]);
    expect(issuesOf([])).toEqual([expect.objectContaining({ path: [], reason: "not-an-object" })]);
  });

  it("refuses counters that are not finite non-negative integers", () => {
    const encoded = encodeAttemptState(state);
    for (const failures of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, null, true]) {
      expect(issuesOf({ ...encoded, failures })).toEqual([expect.objectContaining({ path: ["failures"] })]);
    }
  });
});
