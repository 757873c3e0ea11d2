/** @import { Mailer, RenderedMail, SmsMessage, SmsSender } from "@gatehousejs/core" */

/**
 * One message the development outbox kept: an e-mail or a text message.
 * @typedef {{ id: number; at: Date; channel: "mail"; to: string; subject: string; text: string; mail: RenderedMail }
 *   | { id: number; at: Date; channel: "sms"; to: string; subject: string; text: string }} OutboxEntry
 */

/**
 * The development outbox: a mailer and an SMS sender that keep every message (shown at `/dev/outbox`) and
 * print each one to the console, so a developer can follow invitations and codes without a mail server.
 * @typedef {object} Outbox
 * @property {Mailer} mailer
 * @property {SmsSender} sms
 * @property {OutboxEntry[]} entries every message, oldest first
 * @property {boolean} keepsMail false when e-mail goes elsewhere (SMTP) and only text messages land here
 * @property {(to: string, kind?: RenderedMail["message"]["kind"]) => RenderedMail | null} lastMailTo
 */

/**
 * Creates a development outbox.
 * @param {{ log?: (line: string) => void; clock?: { now(): Date }; keepsMail?: boolean }} [options] `log` prints
 *   each message (the console by default; tests pass a no-op); `keepsMail: false` when its mailer is not used
 * @returns {Outbox}
 */
export function createOutbox(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const now = () => options.clock?.now() ?? new Date();
  /** @type {OutboxEntry[]} */
  const entries = [];
  let nextId = 1;
  return {
    entries,
    keepsMail: options.keepsMail ?? true,
    mailer: {
      async send(mail) {
        entries.push({
          id: nextId++,
          at: now(),
          channel: "mail",
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          mail,
        });
        log(`\n[outbox] mail to ${mail.to}: ${mail.subject}\n${indent(mail.text)}\n`);
      },
    },
    sms: {
      /** @param {SmsMessage & { readonly text: string }} message */
      async send(message) {
        entries.push({
          id: nextId++,
          at: now(),
          channel: "sms",
          to: message.to,
          subject: "Text message",
          text: message.text,
        });
        log(`\n[outbox] sms to ${message.to}: ${message.text}\n`);
      },
    },
    lastMailTo(to, kind) {
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i];
        if (entry?.channel === "mail" && entry.to === to && (!kind || entry.mail.message.kind === kind)) {
          return entry.mail;
        }
      }
      return null;
    },
  };
}

/** @param {string} text */
function indent(text) {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
