import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  generateId,
  generateNumericCode,
  generateRecoveryCode,
  generateTemporaryPassword,
  generateToken,
  hashToken,
  normalizeRecoveryCode,
  timingSafeEqualString,
} from "../../src/crypto/index.js";
import { GatehouseError } from "../../src/errors.js";

describe("generateToken", () => {
  test("is 256 bits as 43 base64url characters without padding", () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  test("never repeats", () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
  });
});

test("hashToken is the lower-case hex SHA-256", () => {
  expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

describe("generateTemporaryPassword", () => {
  test("is 4 hyphenated groups of 5 unambiguous characters with a digit, a lower and an upper case letter", () => {
    for (let i = 0; i < 500; i++) {
      const password = generateTemporaryPassword();
      expect(password).toMatch(/^[2-9a-km-zA-HJ-NP-Z]{5}(-[2-9a-km-zA-HJ-NP-Z]{5}){3}$/);
      expect(password).not.toMatch(/[01oOlIi]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
    }
  });
});

describe("generateNumericCode", () => {
  test("has the requested number of digits, 6 by default", () => {
    expect(generateNumericCode()).toMatch(/^[0-9]{6}$/);
    expect(generateNumericCode(8)).toMatch(/^[0-9]{8}$/);
  });

  test("draws every digit about equally often (no modulo bias)", () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      for (const digit of generateNumericCode(6)) counts[Number(digit)] = (counts[Number(digit)] ?? 0) + 1;
    }
    // 60,000 digits: 6,000 expected each, standard deviation ≈ 73; ±400 is over 5 sigma.
    for (const count of counts) expect(Math.abs(count - 6000)).toBeLessThan(400);
  });

  test("refuses a nonsensical length", () => {
    expect(() => generateNumericCode(0)).toThrow(GatehouseError);
    expect(() => generateNumericCode(2.5)).toThrow(GatehouseError);
  });
});

describe("generateRecoveryCode", () => {
  test("is 20 Crockford base32 characters in groups of 5", () => {
    expect(generateRecoveryCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
  });

  test("normalizes what a person typed back to the canonical form", () => {
    const code = generateRecoveryCode();
    expect(normalizeRecoveryCode(code.toLowerCase().replaceAll("-", " "))).toBe(code);
    expect(normalizeRecoveryCode("oi2l3-ABCDE-fghjk-MNPQR")).toBe("01213-ABCDE-FGHJK-MNPQR");
  });
});

describe("timingSafeEqualString", () => {
  test("compares content, including strings of different lengths", () => {
    expect(timingSafeEqualString("secret", "secret")).toBe(true);
    expect(timingSafeEqualString("secret", "secreT")).toBe(false);
    expect(timingSafeEqualString("secret", "secret-longer")).toBe(false);
    expect(timingSafeEqualString("", "")).toBe(true);
    expect(timingSafeEqualString("é", createHash("sha256").digest("hex"))).toBe(false);
  });
});

describe("generateId", () => {
  test("is 26 lower-case base32 characters, after the prefix if given", () => {
    expect(generateId()).toMatch(/^[a-z2-7]{26}$/);
    expect(generateId("usr")).toMatch(/^usr_[a-z2-7]{26}$/);
  });

  test("refuses a prefix that is not lower-case letters and digits", () => {
    expect(() => generateId("User-")).toThrow(GatehouseError);
  });
});
