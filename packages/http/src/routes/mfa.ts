import { schemas } from "@gatehousejs/core";
import QRCode from "qrcode";
import { type Route, route, sessionReply } from "./route.js";

// The session comes from the cookie, never the body (the strict schemas refuse a `sessionToken` field).
const totpBody = schemas.beginTotpEnrollment.omit({ sessionToken: true });
const codeBody = schemas.completeTotpEnrollment.omit({ sessionToken: true });
const phoneBody = schemas.startMfaPhoneChange.omit({ sessionToken: true });
const recoveryCodeBody = schemas.revealRecoveryCode.omit({ sessionToken: true });

/**
 * Second factors: TOTP enrolment (with its QR code), the 2FA phone's binding, and the recovery code's reveal.
 * Each works at the `mfa-enrollment` stage of a sign-in or from a signed-in session, as the service allows.
 */
export const mfaRoutes: readonly Route[] = [
  route({
    method: "POST",
    path: "/mfa/totp",
    summary: "Begin TOTP enrolment: the otpauth URI, its secret and a QR code.",
    stage: "any",
    input: { from: "body", schema: totpBody, optional: true },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      const enrollment = await call.gatehouse.beginTotpEnrollment(input);
      return { status: 200, body: { ...enrollment, qrCode: await qrCodeDataUrl(enrollment.uri) } };
    },
  }),
  route({
    method: "POST",
    path: "/mfa/totp/confirm",
    summary: "Complete TOTP enrolment with a code from the authenticator.",
    stage: "any",
    throttle: "second-factor",
    input: { from: "body", schema: codeBody },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      const { backupCodes, ...result } = await call.gatehouse.completeTotpEnrollment(input);
      return sessionReply(call, result, { backupCodes });
    },
  }),
  route({
    method: "POST",
    path: "/mfa/phone",
    summary: "Bind a 2FA phone: send it a code by SMS.",
    stage: "any",
    status: 202,
    throttle: "sms",
    input: { from: "body", schema: phoneBody },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      const { expiresAt } = await call.gatehouse.startMfaPhoneChange(input);
      return { status: 202, body: { expiresAt } };
    },
  }),
  route({
    method: "POST",
    path: "/mfa/phone/confirm",
    summary: "Confirm the 2FA phone with the code it was sent.",
    stage: "any",
    throttle: "second-factor",
    input: { from: "body", schema: codeBody },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      const { backupCodes, ...result } = await call.gatehouse.confirmMfaPhone(input);
      return sessionReply(call, result, { backupCodes });
    },
  }),
  route({
    method: "POST",
    path: "/mfa/recovery-code",
    summary: "Reveal the recovery code, after the password.",
    stage: "any",
    input: { from: "body", schema: recoveryCodeBody },
    async handle(call) {
      const input = { ...call.input, sessionToken: call.token ?? "" };
      return { status: 200, body: await call.gatehouse.revealRecoveryCode(input) };
    },
  }),
];

/** The otpauth URI as a QR code: an SVG, inlined as a data URL an `<img src>` takes as it is. */
async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
