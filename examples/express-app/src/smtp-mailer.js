import nodemailer from "nodemailer";

/** @import { Mailer } from "@gatehousejs/core" */

/**
 * A mailer that sends real e-mail through an SMTP server (`SMTP_URL`, e.g. `smtp://user:pass@host:587`).
 * It rejects when the server refuses a message, as the `Mailer` contract asks, so the flows report it.
 * @param {{ url: string; from?: string }} options
 * @returns {Mailer & { close(): void }}
 */
export function createSmtpMailer({ url, from = "Gatehouse demo <noreply@gatehouse.test>" }) {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close() {
      transport.close();
    },
  };
}
