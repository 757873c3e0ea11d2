import { readFileSync, writeFileSync } from "node:fs";

/** @import { Mailer, RenderedMail, SmsMessage, SmsSender } from "@gatehousejs/core" */

/**
 * One message the development outbox kept: an e-mail or a text message.
 * @typedef {{ id: number; at: Date; channel: "mail"; to: string; subject: string; text: string; mail: RenderedMail }
 *   | { id: number; at: Date; channel: "sms"; to: string; subject: string; text: string }} OutboxEntry
 */

/**
 * The development outbox: a mailer and an SMS sender that keep every message (shown at `/dev/outbox`) and
 * print one line for each to the console, so a developer can follow invitations and codes without a mail server.
 * @typedef {object} Outbox
 * @property {Mailer} mailer
 * @property {SmsSender} sms
 * @property {OutboxEntry[]} entries every message, oldest first
 * @property {boolean} keepsMail false when e-mail goes elsewhere (SMTP) and only text messages land here
 * @property {(to: string, kind?: RenderedMail["message"]["kind"]) => RenderedMail | null} lastMailTo
 */

/**
 * Creates a development outbox.
 * @param {{ log?: (line: string) => void; clock?: { now(): Date }; keepsMail?: boolean; file?: string }} [options]
 *   `log` prints each message (the console by default; tests pass a no-op); `keepsMail: false` when its mailer
 *   is not used; `file` keeps the messages beside the data (JSON), so a pending invitation's temporary password
 *   is still there after a restart
 * @returns {Outbox}
 */
export function createOutbox(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const now = () => options.clock?.now() ?? new Date();
  const { file } = options;
  /** @type {OutboxEntry[]} */
  const entries = file ? load(file) : [];
  let nextId = entries.reduce((max, entry) => Math.max(max, entry.id), 0) + 1;
  const save = () => {
    if (file) writeFileSync(file, JSON.stringify(entries), { mode: 0o600 });
  };
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
        save();
        log(`[outbox] e-mail to ${mail.to}: ${mail.subject}`);
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
        save();
        log(`[outbox] text message to ${message.to}`);
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

/**
 * The messages kept in `file` by an earlier run, or none.
 * @param {string} file
 * @returns {OutboxEntry[]}
 */
function load(file) {
  try {
    const entries = /** @type {OutboxEntry[]} */ (JSON.parse(readFileSync(file, "utf8")));
    return Array.isArray(entries) ? entries.map((entry) => ({ ...entry, at: new Date(entry.at) })) : [];
  } catch {
    return [];
  }
}
