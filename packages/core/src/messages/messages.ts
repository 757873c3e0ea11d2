import type { SecondFactorKind, SecondFactorMethod } from "../service/factors/index.js";

/** An e-mail Gatehouse sends, as data: templates turn it into a subject and bodies. */
export type MailMessage =
  | {
      readonly kind: "invitation";
      readonly to: string;
      readonly organizationName: string;
      readonly temporaryPassword: string;
      readonly expiresAt: Date;
      readonly loginUrl: string;
    }
  | {
      readonly kind: "activation";
      readonly to: string;
      readonly name: string;
      readonly organizationName: string;
      readonly activationUrl: string;
      readonly expiresAt: Date;
    }
  | { readonly kind: "mfa-enabled"; readonly to: string; readonly method: SecondFactorKind }
  | { readonly kind: "mfa-phone-changed"; readonly to: string; readonly phoneLastDigits: string }
  | {
      /** The right password met a wrong second-factor code: someone may hold the password. */
      readonly kind: "second-factor-failed";
      readonly to: string;
      readonly method: SecondFactorMethod;
      readonly at: Date;
    }
  | {
      readonly kind: "password-reset";
      readonly to: string;
      readonly resetUrl: string;
      readonly expiresAt: Date;
    }
  | {
      readonly kind: "email-changed";
      /** The old address. The new one is deliberately absent: the old mailbox may be a stranger's (a typo). */
      readonly to: string;
      /** The user had not signed in yet: the invitation mailed to this address no longer works. */
      readonly invitationWithdrawn: boolean;
    };

/** The kinds of e-mail. */
export type MailKind = MailMessage["kind"];

/** A text message Gatehouse sends: a one-time code to the 2FA phone. */
export interface SmsMessage {
  readonly kind: "sms-code";
  readonly to: string;
  readonly code: string;
  readonly purpose: "sign-in" | "phone-verification";
  readonly expiresAt: Date;
}

/** An e-mail rendered by its template, ready for a transport. */
export interface RenderedMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The typed message it was rendered from. */
  readonly message: MailMessage;
}

/** Sends e-mail. MUST reject when the message was not accepted for delivery. */
export interface Mailer {
  send(mail: RenderedMail): Promise<void>;
}

/** Sends text messages. MUST reject when the message was not accepted for delivery. */
export interface SmsSender {
  send(message: SmsMessage & { readonly text: string }): Promise<void>;
}
