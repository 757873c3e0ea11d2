import { generateHOTP } from "@oslojs/otp";
import { describe, expect, test } from "vitest";
import {
  encodeTotpSecret,
  generateTotpCode,
  generateTotpSecret,
  totpKeyUri,
  totpTimeStep,
  verifyTotpCode,
} from "../../src/crypto/index.js";
import { GatehouseError } from "../../src/errors.js";

// The shared secret of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1).
const rfcSecret = new TextEncoder().encode("12345678901234567890");
const at = (seconds: number): Date => new Date(seconds * 1000);

describe("known-answer vectors", () => {
  test("RFC 4226 Appendix D: HOTP counters 0 to 9", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314"];
    expected.push("254676", "287922", "162583", "399871", "520489");
    for (const [counter, code] of expected.entries()) {
      expect(generateHOTP(rfcSecret, BigInt(counter), 6)).toBe(code);
    }
  });

  test("RFC 6238 Appendix B: SHA-1 TOTP, 8 digits exactly and 6 digits as their last six", () => {
    const vectors: Array<[number, string]> = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [seconds, code] of vectors) {
      expect(generateHOTP(rfcSecret, BigInt(totpTimeStep(at(seconds))), 8)).toBe(code);
      expect(generateTotpCode(rfcSecret, at(seconds))).toBe(code.slice(2));
    }
  });
});

describe("verifyTotpCode", () => {
  const secret = generateTotpSecret();
  const now = at(1_700_000_000);
  const step = totpTimeStep(now);

  test("accepts the current step and one step either side, returning the matched step", () => {
    for (const offset of [-1, 0, 1]) {
      const code = generateTotpCode(secret, at((step + offset) * 30));
      expect(verifyTotpCode(secret, code, now, null)).toEqual({ kind: "valid", step: step + offset });
    }
  });

  test("refuses codes two steps away", () => {
    for (const offset of [-2, 2]) {
      const code = generateTotpCode(secret, at((step + offset) * 30));
      expect(verifyTotpCode(secret, code, now, null)).toEqual({ kind: "invalid" });
    }
  });

  test("never accepts a time step twice, nor one older than the last used", () => {
    const code = generateTotpCode(secret, now);
    expect(verifyTotpCode(secret, code, now, step)).toEqual({ kind: "replayed" });
    expect(verifyTotpCode(secret, code, at(step * 30 + 29), step + 1)).toEqual({ kind: "replayed" });
    expect(verifyTotpCode(secret, code, now, step - 1)).toEqual({ kind: "valid", step });
  });

  test("malformed input is invalid, never an exception", () => {
    for (const code of ["", "12345", "1234567", "12345a", " 123456", "１２３４５６", "12 345"]) {
      expect(verifyTotpCode(secret, code, now, null)).toEqual({ kind: "invalid" });
    }
    expect(verifyTotpCode(secret, undefined as unknown as string, now, null)).toEqual({ kind: "invalid" });
  });
});

describe("secrets and the key URI", () => {
  test("a secret is 20 random bytes, shown as 32 base32 characters", () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    expect(encodeTotpSecret(secret)).toMatch(/^[A-Z2-7]{32}$/);
    expect(encodeTotpSecret(rfcSecret)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });

  test("the URI percent-encodes issuer and account and names every parameter", () => {
    const uri = totpKeyUri({ issuer: "Acme & Co", accountName: "ada+mfa@example.com", secret: rfcSecret });
    expect(uri).toBe(
      "otpauth://totp/Acme%20%26%20Co:ada%2Bmfa%40example.com" +
        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20%26%20Co&algorithm=SHA1&digits=6&period=30",
    );
  });

  test("a colon in the issuer or account name is refused", () => {
    expect(() => totpKeyUri({ issuer: "A:B", accountName: "a@b.c", secret: rfcSecret })).toThrow(
      GatehouseError,
    );
    expect(() => totpKeyUri({ issuer: "Acme", accountName: "a:b", secret: rfcSecret })).toThrow(
      GatehouseError,
    );
  });
});
