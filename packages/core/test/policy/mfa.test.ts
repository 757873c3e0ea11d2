import { describe, expect, test } from "vitest";
import { type LoginStageInput, nextLoginStage, presets, validateMfaPolicy } from "../../src/policy/index.js";

const plain: LoginStageInput = {
  passwordChangeRequired: false,
  requirement: "off",
  enrolledFactors: [],
  secondFactorVerified: false,
};

describe("nextLoginStage", () => {
  test("a user with an enrolled factor is asked for it before anything else", () => {
    const input = { ...plain, enrolledFactors: ["totp"] as const, passwordChangeRequired: true };
    expect(nextLoginStage(input)).toBe("mfa");
  });

  test("an enrolled factor is asked for even where MFA is off", () => {
    expect(nextLoginStage({ ...plain, enrolledFactors: ["sms"] })).toBe("mfa");
  });

  test("a temporary password is changed once the second factor is verified", () => {
    const input = {
      ...plain,
      enrolledFactors: ["totp"] as const,
      secondFactorVerified: true,
      passwordChangeRequired: true,
    };
    expect(nextLoginStage(input)).toBe("password-change");
  });

  test("a temporary password is changed before enrolment", () => {
    expect(nextLoginStage({ ...plain, requirement: "required", passwordChangeRequired: true })).toBe(
      "password-change",
    );
  });

  test("when MFA becomes required, a user without a factor is sent to enrolment at the next login", () => {
    expect(nextLoginStage({ ...plain, requirement: "required" })).toBe("mfa-enrollment");
  });

  test("optional MFA lets a user without a factor in", () => {
    expect(nextLoginStage({ ...plain, requirement: "optional" })).toBe("authenticated");
  });

  test("a verified second factor with nothing else pending signs the user in", () => {
    const input = {
      ...plain,
      requirement: "required" as const,
      enrolledFactors: ["totp"] as const,
      secondFactorVerified: true,
    };
    expect(nextLoginStage(input)).toBe("authenticated");
  });

  test("with MFA off and nothing pending the password is enough", () => {
    expect(nextLoginStage(plain)).toBe("authenticated");
  });
});

describe("validateMfaPolicy", () => {
  test("accepts both presets", () => {
    expect(() => validateMfaPolicy(presets.enterprise.mfa)).not.toThrow();
    expect(() => validateMfaPolicy(presets.team.mfa)).not.toThrow();
  });

  test("refuses required MFA with no factor, backup codes with no count, and an unknown factor", () => {
    const bad = [
      { ...presets.team.mfa, factors: [] },
      { ...presets.team.mfa, backupCodeCount: 0 },
      { ...presets.team.mfa, factors: ["email" as "sms"] },
    ];
    for (const policy of bad)
      expect(() => validateMfaPolicy(policy)).toThrow(expect.objectContaining({ code: "CONFIGURATION" }));
  });
});
