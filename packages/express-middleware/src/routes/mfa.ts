import { parseInput, schemas } from "@gatehousejs/core";
import type { Router } from "express";
import QRCode from "qrcode";
import { handle, type RouteContext, sendSession, tokenOf } from "./handler.js";

/**
 * Second factors: TOTP enrolment (with its QR code), the 2FA phone's binding, and the recovery code's reveal.
 * Each works at the `mfa-enrollment` stage of a sign-in or from a signed-in session, as the service allows.
 */
export function mountMfaRoutes(router: Router, context: RouteContext): void {
  const { gatehouse } = context;

  router.post(
    "/mfa/totp",
    handle(async (req, res) => {
      const input = parseInput(schemas.totpEnrollment, req.body ?? {});
      const enrollment = await gatehouse.beginTotpEnrollment(tokenOf(req), input);
      res.status(200).json({ ...enrollment, qrCode: await qrCodeDataUrl(enrollment.uri) });
    }),
  );

  router.post(
    "/mfa/totp/confirm",
    handle(async (req, res) => {
      const input = parseInput(schemas.code, req.body);
      const { backupCodes, ...result } = await gatehouse.completeTotpEnrollment(tokenOf(req), input);
      sendSession(req, res, context, result, { backupCodes });
    }),
  );

  router.post(
    "/mfa/phone",
    handle(async (req, res) => {
      const input = parseInput(schemas.mfaPhone, req.body);
      const { expiresAt } = await gatehouse.startMfaPhoneChange(tokenOf(req), input);
      res.status(202).json({ expiresAt });
    }),
  );

  router.post(
    "/mfa/phone/confirm",
    handle(async (req, res) => {
      const input = parseInput(schemas.code, req.body);
      const { backupCodes, ...result } = await gatehouse.confirmMfaPhone(tokenOf(req), input);
      sendSession(req, res, context, result, { backupCodes });
    }),
  );

  router.post(
    "/mfa/recovery-code",
    handle(async (req, res) => {
      const input = parseInput(schemas.password, req.body);
      res.status(200).json(await gatehouse.revealRecoveryCode(tokenOf(req), input));
    }),
  );
}

/** The otpauth URI as a QR code: an SVG, inlined as a data URL an `<img src>` takes as it is. */
async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}
