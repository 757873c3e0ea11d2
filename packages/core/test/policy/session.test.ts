import { describe, expect, test } from "vitest";
import {
  evaluateSession,
  presets,
  type SessionPolicy,
  type SessionTimes,
  sessionExpiresAt,
  sessionStages,
  validateSessionPolicy,
} from "../../src/policy/index.js";
import { at, hour, minute, second } from "./lockout-helpers.js";

const policy = presets.enterprise.session;
const signedIn: SessionTimes = { stage: "authenticated", createdAt: at(0), lastActiveAt: at(0) };

describe("evaluateSession", () => {
  test("a session expires at exactly 15 minutes of inactivity", () => {
    expect(evaluateSession(signedIn, policy, at(15 * minute - 1)).kind).toBe("valid");
    expect(evaluateSession(signedIn, policy, at(15 * minute))).toEqual({ kind: "expired", reason: "idle" });
  });

  test("activity slides the idle deadline", () => {
    const active = { ...signedIn, lastActiveAt: at(10 * minute) };
    expect(evaluateSession(active, policy, at(24 * minute)).kind).toBe("valid");
    expect(evaluateSession(active, policy, at(25 * minute))).toEqual({ kind: "expired", reason: "idle" });
    const touched = evaluateSession(active, policy, at(20 * minute));
    expect(touched).toMatchObject({ kind: "valid", touch: true, idleExpiresAt: at(35 * minute) });
  });

  test("the absolute lifetime is not extended by activity", () => {
    const busy = { ...signedIn, lastActiveAt: at(12 * hour - second) };
    expect(evaluateSession(busy, policy, at(12 * hour - 1))).toMatchObject({
      kind: "valid",
      absoluteExpiresAt: at(12 * hour),
      expiresAt: at(12 * hour),
    });
    expect(evaluateSession(busy, policy, at(12 * hour))).toEqual({ kind: "expired", reason: "absolute" });
  });

  test("activity writes are throttled to one per interval", () => {
    const fresh = evaluateSession(signedIn, policy, at(59 * second));
    // Not written: the deadline stays the stored one.
    expect(fresh).toMatchObject({ kind: "valid", touch: false, idleExpiresAt: at(15 * minute) });
    expect(evaluateSession(signedIn, policy, at(60 * second))).toMatchObject({ touch: true });
  });

  test("a pending stage is short-lived however active it is", () => {
    const pending: SessionTimes = { stage: "mfa", createdAt: at(0), lastActiveAt: at(9 * minute) };
    expect(evaluateSession(pending, policy, at(10 * minute - 1)).kind).toBe("valid");
    expect(evaluateSession(pending, policy, at(10 * minute))).toEqual({
      kind: "expired",
      reason: "absolute",
    });
    for (const stage of sessionStages.filter((s) => s !== "authenticated")) {
      expect(sessionExpiresAt({ ...pending, stage }, policy)).toEqual(at(10 * minute));
    }
  });

  test("the absolute lifetime defaults to 12 hours in both presets", () => {
    expect(presets.enterprise.session.absoluteLifetimeMs).toBe(12 * hour);
    expect(presets.team.session.absoluteLifetimeMs).toBe(12 * hour);
  });

  test("sessionExpiresAt is the earlier of the idle and absolute deadlines", () => {
    expect(sessionExpiresAt(signedIn, policy)).toEqual(at(15 * minute));
    const late = { ...signedIn, lastActiveAt: at(11 * hour + 50 * minute) };
    expect(sessionExpiresAt(late, policy)).toEqual(at(12 * hour));
  });
});

describe("validateSessionPolicy", () => {
  test.each<[string, Partial<SessionPolicy>]>([
    ["a zero idle timeout", { idleTimeoutMs: 0 }],
    ["a negative absolute lifetime", { absoluteLifetimeMs: -1 }],
    ["a write interval as long as the idle timeout", { activityWriteIntervalMs: 15 * minute }],
  ])("refuses %s", (_, change) => {
    expect(() => validateSessionPolicy({ ...policy, ...change })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});
