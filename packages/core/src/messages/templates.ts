import { escapeHtml } from "../matrix/render.js";
import type { SecondFactorMethod } from "../service/factors/index.js";
import type { MailKind, MailMessage, SmsMessage } from "./messages.js";

/** A rendered subject and plain-text body; the HTML body is derived from the text unless a template gives one. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/** One template per kind of e-mail; a host replaces any of them through `createGatehouse({ templates })`. */
export type MailTemplates = {
  readonly [K in MailKind]: (message: Extract<MailMessage, { kind: K }>) => MailContent;
};

const codeName: Readonly<Record<SecondFactorMethod, string>> = {
  totp: "authenticator code",
  sms: "text-message code",
  recovery: "recovery code",
};

const when = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The default English templates. */
export const defaultMailTemplates: MailTemplates = {
  invitation: (m) => ({
    subject: `You have been invited to ${m.organizationName}`,
    text: [
      `You have been invited to ${m.organizationName}.`,
      "",
      `Sign in at ${m.loginUrl} with this e-mail address and the temporary password below.`,
      "You will be asked to choose your own password when you first sign in.",
      "",
      `Temporary password: ${m.temporaryPassword}`,
      `It expires on ${when(m.expiresAt)}.`,
    ].join("\n"),
  }),
  activation: (m) => ({
    subject: `Activate your ${m.organizationName} account`,
    text: [
      `Hello ${m.name},`,
      "",
      `An account was created for you in ${m.organizationName}. Activate it and choose a password here:`,
      m.activationUrl,
      "",
      `The link expires on ${when(m.expiresAt)}.`,
    ].join("\n"),
  }),
  "mfa-enabled": (m) => ({
    subject: "Multi-factor authentication is now enabled",
    text: [
      `Multi-factor authentication (${m.method === "totp" ? "authenticator app" : "text message"}) was enabled on your account.`,
      "You will be asked for a code each time you sign in.",
      "If this was not you, contact your administrator at once.",
    ].join("\n"),
  }),
  "mfa-phone-changed": (m) => ({
    subject: "Your two-factor phone number changed",
    text: [
      `Codes will now be sent to the phone number ending in ${m.phoneLastDigits}.`,
      "If this was not you, contact your administrator at once.",
    ].join("\n"),
  }),
  "second-factor-failed": (m) => ({
    subject: "Someone used your password with a wrong code",
    text: [
      `At ${when(m.at)} your password was entered correctly, but the ${codeName[m.method]} that followed was wrong.`,
      "If this was you, there is nothing to do. If it was not, someone knows your password:",
      "change it now, and tell your administrator.",
    ].join("\n"),
  }),
  "password-reset": (m) => ({
    subject: "Reset your password",
    text: [
      "Someone asked to reset the password of your account. To choose a new password, open:",
      m.resetUrl,
      "",
      `The link works once and expires on ${when(m.expiresAt)}. If you did not ask, ignore this e-mail.`,
    ].join("\n"),
  }),
  // Never names the new address: the old mailbox may belong to someone else (the typo being corrected).
  "email-changed": (m) =>
    m.invitationWithdrawn
      ? {
          subject: "Your invitation was withdrawn",
          text: [
            "The invitation sent to this e-mail address was withdrawn: its temporary password or link no longer works.",
            "If you expected it, ask your administrator to invite you again.",
          ].join("\n"),
        }
      : {
          subject: "Your sign-in e-mail address changed",
          text: [
            "Your account no longer signs in with this e-mail address. You have been signed out everywhere,",
            "and any password reset link sent to this address no longer works.",
            "If this was not you, contact your administrator at once.",
          ].join("\n"),
        },
};

/** Renders the plain text as minimal HTML: escaped, paragraphs kept, links clickable. */
export function textToHtml(text: string): string {
  const linked = escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
  return linked
    .split("\n\n")
    .map((p) => `<p>${p.replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

/** The default text of a code message. */
export function renderSms(message: SmsMessage): string {
  return `${message.code} is your verification code. It expires in a few minutes. Never share it.`;
}
