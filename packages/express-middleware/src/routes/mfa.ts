import { parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import QRCode from "qrcode";
import { handle, type RouteContext, sendSession, tokenOf } from "./handler.js";

// The session comes from the cookie, never the body (the strict schemas refuse a `sessionToken` field).
const totpBody = schemas.beginTotpEnrollment.omit({ sessionToken: true });
const codeBody = schemas.completeTotpEnrollment.omit({ sessionToken: true });
const phoneBody = schemas.startMfaPhoneChange.omit({ sessionToken: true });
const recoveryCodeBody = schemas.revealRecoveryCode.omit({ sessionToken: true });

/**
 * Second factors: TOTP enrolment (with its QR code), the 2FA phone's binding, and the recovery code's reveal.
 * Each works at the `mfa-enrollment` stage of a sign-in or from a signed-in session, as the service allows.
 */
export function mountMfaRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;

  router.post(
    "/mfa/totp",
    handle(async (req, res) => {
      const input = parseInput(totpBody, req.body ?? {});
      const enrollment = await gatehouse.beginTotpEnrollment({ ...input, sessionToken: tokenOf(req) });
      res.status(200).json({ ...enrollment, qrCode: await qrCodeDataUrl(enrollment.uri) });
    }),
  );

  router.post(
    "/mfa/totp/confirm",
    handle(async (req, res) => {
      const input = parseInput(codeBody, req.body);
      const { backupCodes, ...result } = await gatehouse.completeTotpEnrollment({
        ...input,
        sessionToken: tokenOf(req),
      });
      sendSession(req, res, context, result, { backupCodes });
    }),
  );

  router.post(
    "/mfa/phone",
    handle(async (req, res) => {
      const input = parseInput(phoneBody, req.body);
      const { expiresAt } = await gatehouse.startMfaPhoneChange({ ...input, sessionToken: tokenOf(req) });
      res.status(202).json({ expiresAt });
    }),
  );

  router.post(
    "/mfa/phone/confirm",
    handle(async (req, res) => {
      const input = parseInput(codeBody, req.body);
      const { backupCodes, ...result } = await gatehouse.confirmMfaPhone({
        ...input,
        sessionToken: tokenOf(req),
      });
      sendSession(req, res, context, result, { backupCodes });
    }),
  );

  router.post(
    "/mfa/recovery-code",
    handle(async (req, res) => {
      const input = parseInput(recoveryCodeBody, req.body);
      res.status(200).json(await gatehouse.revealRecoveryCode({ ...input, sessionToken: tokenOf(req) }));
    }),
  );
}

/** The otpauth URI as a QR code: an SVG, inlined as a data URL an `<img src>` takes as it is. */
async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}
