import { describe, expect, test } from "vitest";
import {
  checkTokenExpiry,
  presets,
  tokenExpiresAt,
  tokenKinds,
  validateTokenPolicy,
} from "../../src/policy/index.js";
import { at, day, minute } from "./lockout-helpers.js";

const enterprise = presets.enterprise.tokens;
const team = presets.team.tokens;

describe("token expiry", () => {
  test("a reset link is valid at 29:59.999 and expired at exactly 30:00", () => {
    const expiresAt = tokenExpiresAt("password-reset", enterprise, at(0));
    expect(expiresAt).toEqual(at(30 * minute));
    expect(checkTokenExpiry(expiresAt, at(30 * minute - 1))).toEqual({ kind: "valid" });
    expect(checkTokenExpiry(expiresAt, at(30 * minute))).toEqual({ kind: "expired" });
  });

  test("the team's reset link also lasts 30 minutes", () => {
    expect(tokenExpiresAt("password-reset", team, at(0))).toEqual(at(30 * minute));
  });

  test("invitations and activation links last 7 days", () => {
    expect(tokenExpiresAt("invitation", enterprise, at(0))).toEqual(at(7 * day));
    expect(tokenExpiresAt("activation", team, at(0))).toEqual(at(7 * day));
  });

  test("a code for a new 2FA phone lives as long as a sign-in code", () => {
    expect(tokenExpiresAt("phone-verification", team, at(0))).toEqual(
      tokenExpiresAt("sms-code", team, at(0)),
    );
    expect(tokenExpiresAt("sms-code", team, at(0))).toEqual(at(5 * minute));
  });

  test("every kind has a lifetime", () => {
    for (const kind of tokenKinds)
      expect(tokenExpiresAt(kind, team, at(0)).getTime()).toBeGreaterThan(at(0).getTime());
  });
});

describe("validateTokenPolicy", () => {
  test("refuses a zero lifetime and a zero attempt limit", () => {
    expect(() => validateTokenPolicy({ ...team, passwordResetTtlMs: 0 })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
    expect(() => validateTokenPolicy({ ...team, smsCodeMaxAttempts: 0 })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION" }),
    );
  });
});
