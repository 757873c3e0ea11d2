import { describe, expect, test } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { commonPasswords } from "../../src/policy/common-passwords.js";
import {
  assertPassword,
  checkPassword,
  type PasswordPolicy,
  presets,
  validatePasswordPolicy,
} from "../../src/policy/index.js";

const enterprise = presets.enterprise.password;
const team = presets.team.password;

function reasons(password: string, policy: PasswordPolicy, context = {}): string[] {
  const result = checkPassword(password, policy, context);
  return result.ok ? [] : result.issues.map((issue) => issue.reason);
}

describe("checkPassword", () => {
  test("a long, uncommon password passes", () => {
    expect(checkPassword("correct horse battery staple", enterprise)).toEqual({ ok: true });
  });

  test("a password shorter than the minimum is too short", () => {
    expect(reasons("elevenchars", enterprise)).toEqual(["too-short"]);
    expect(reasons("twelve chars", enterprise)).toEqual([]);
  });

  test("a password longer than the maximum is too long", () => {
    expect(reasons("x".repeat(129), enterprise)).toEqual(["too-long"]);
    expect(reasons("x".repeat(128), enterprise)).toEqual([]);
  });

  test("length counts Unicode code points, so an emoji is one character", () => {
    // Eight astral code points: 16 UTF-16 units, but 8 characters for the user.
    expect(reasons("🔑🚪🏠🔒🔑🚪🏠🔒", team)).toEqual([]);
    // Seven of them: 14 UTF-16 units, which a naive length would accept.
    expect(reasons("🔑🚪🏠🔒🔑🚪🏠", team)).toEqual(["too-short"]);
  });

  test("length is counted after NFKC, so compatibility forms count as what they mean", () => {
    // "ﬃ" (one ligature code point) is "ffi" under NFKC: three characters.
    expect(reasons("ﬃﬃ12", team)).toEqual([]);
  });

  test("a common password is refused whatever its case", () => {
    expect(reasons("Password1234", enterprise)).toEqual(["common"]);
    expect(reasons("PASSWORD", team)).toEqual(["common"]);
    expect(reasons("PASSWORD", { ...team, rejectCommon: false })).toEqual([]);
  });

  test("every rule broken is listed", () => {
    expect(reasons("qwerty", enterprise)).toEqual(["too-short", "common"]);
  });

  test("a password containing the user's e-mail address or its local part is refused", () => {
    const context = { email: "Marguerite.Yourcenar@example.com" };
    expect(reasons("my marguerite.yourcenar@example.com!", enterprise, context)).toEqual(["contains-email"]);
    expect(reasons("MARGUERITE.YOURCENAR rocks", enterprise, context)).toEqual(["contains-email"]);
    expect(
      reasons("MARGUERITE.YOURCENAR rocks", { ...enterprise, rejectContainsEmail: false }, context),
    ).toEqual([]);
  });

  test("a password containing a part of the user's name is refused, short parts excepted", () => {
    expect(reasons("Yourcenar-was-here", enterprise, { name: "Marguerite Yourcenar" })).toEqual([
      "contains-name",
    ]);
    expect(reasons("a jolly long password", enterprise, { name: "Jo Li" })).toEqual([]);
  });

  test("the built-in list holds about a hundred lower-case passwords", () => {
    expect(commonPasswords.size).toBeGreaterThanOrEqual(95);
    for (const password of commonPasswords) expect(password).toBe(password.toLowerCase());
  });
});

describe("assertPassword", () => {
  test("throws a ValidationError on the password field", () => {
    expect(() => assertPassword("short", enterprise)).toThrow(ValidationError);
    try {
      assertPassword("short", enterprise);
    } catch (error) {
      expect((error as ValidationError).details.issues).toEqual([
        expect.objectContaining({ path: ["password"], reason: "too-short" }),
      ]);
    }
    expect(() => assertPassword("a perfectly fine passphrase", enterprise)).not.toThrow();
  });
});

describe("validatePasswordPolicy", () => {
  test("refuses a maximum below the minimum and a zero minimum", () => {
    for (const bad of [
      { ...team, maxLength: 7 },
      { ...team, minLength: 0 },
    ]) {
      expect(() => validatePasswordPolicy(bad)).toThrow(expect.objectContaining({ code: "CONFIGURATION" }));
    }
  });
});
