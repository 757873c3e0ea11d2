import { randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase32NoPadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { GatehouseError } from "../errors.js";

/** The TOTP parameters Gatehouse uses: the ones every authenticator app supports. */
export interface TotpOptions {
  digits: 6;
  periodSeconds: 30;
  /** How many time steps before and after the current one are accepted, for clock drift. */
  skewSteps: 1;
}

/** RFC 6238 defaults: 6 digits, 30-second steps, ±1 step, HMAC-SHA-1. */
export const totpOptions: Readonly<TotpOptions> = Object.freeze({
  digits: 6,
  periodSeconds: 30,
  skewSteps: 1,
});

/** The outcome of checking a TOTP code. */
export type TotpVerification =
  /** The code is right; store `step` as the last used step, so it cannot be accepted again. */
  | { kind: "valid"; step: number }
  | { kind: "invalid" }
  /** The code is right for a step already used (or older): someone may have seen it. */
  | { kind: "replayed" };

const CODE = /^[0-9]{6}$/;

/** A new TOTP secret of 20 random bytes (160 bits, the length RFC 4226 recommends for HMAC-SHA-1). */
export function generateTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

/** The secret in base32 without padding: the "secret code" a user can type instead of scanning the QR code. */
export function encodeTotpSecret(secret: Uint8Array): string {
  return encodeBase32NoPadding(secret);
}

/**
 * The `otpauth://totp/…` key URI to show as a QR code (Google Authenticator's Key Uri Format).
 * @example totpKeyUri({ issuer: "Acme", accountName: "ada@example.com", secret })
 * // "otpauth://totp/Acme:ada%40example.com?secret=…&issuer=Acme&algorithm=SHA1&digits=6&period=30"
 */
export function totpKeyUri(input: { issuer: string; accountName: string; secret: Uint8Array }): string {
  // The label is `issuer:account`, so a colon inside either would be misread; the format forbids it.
  if (input.issuer === "" || input.issuer.includes(":")) {
    throw new GatehouseError("CONFIGURATION", "A TOTP issuer must be non-empty and contain no colon.");
  }
  if (input.accountName === "" || input.accountName.includes(":")) {
    throw new GatehouseError("VALIDATION", "A TOTP account name must be non-empty and contain no colon.");
  }
  // encodeURIComponent rather than URLSearchParams: some apps show a "+" for a space literally.
  const issuer = encodeURIComponent(input.issuer);
  const label = `${issuer}:${encodeURIComponent(input.accountName)}`;
  const { digits, periodSeconds } = totpOptions;
  const secret = encodeTotpSecret(input.secret);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${issuer}&algorithm=SHA1&digits=${digits}&period=${periodSeconds}`;
}

/** The RFC 6238 time step (counter) that contains `now`. */
export function totpTimeStep(now: Date): number {
  const ms = now.getTime();
  if (!Number.isFinite(ms) || ms < 0) {
    throw new GatehouseError("CONFIGURATION", "TOTP needs a valid time after 1970.");
  }
  return Math.floor(ms / 1000 / totpOptions.periodSeconds);
}

/** The 6-digit code for the time step containing `now`. */
export function generateTotpCode(secret: Uint8Array, now: Date): string {
  // Oslo's generateTOTP reads the clock itself; the step is computed here so time stays an argument.
  return generateHOTP(secret, BigInt(totpTimeStep(now)), totpOptions.digits);
}

/**
 * Checks a code against the steps around `now` (±1); a matching step ≤ `lastUsedStep` is `replayed`,
 * so a code is never accepted twice. Malformed input is `invalid`; this never throws on the code.
 */
export function verifyTotpCode(
  secret: Uint8Array,
  code: string,
  now: Date,
  lastUsedStep: number | null,
): TotpVerification {
  const current = totpTimeStep(now);
  if (typeof code !== "string" || !CODE.test(code)) {
    return { kind: "invalid" };
  }
  const given = Buffer.from(code, "ascii");
  let accepted: number | null = null;
  let replayed = false;
  // Every candidate step is computed and compared, matched or not, in constant time, so the time
  // taken tells nothing about which step (if any) the code belongs to.
  for (
    let step = Math.max(0, current - totpOptions.skewSteps);
    step <= current + totpOptions.skewSteps;
    step++
  ) {
    const expected = Buffer.from(generateHOTP(secret, BigInt(step), totpOptions.digits), "ascii");
    if (timingSafeEqual(given, expected)) {
      if (lastUsedStep !== null && step <= lastUsedStep) {
        replayed = true;
      } else {
        accepted ??= step;
      }
    }
  }
  if (accepted !== null) {
    return { kind: "valid", step: accepted };
  }
  return replayed ? { kind: "replayed" } : { kind: "invalid" };
}
