import type { Mailer, RenderedMail, SmsMessage, SmsSender } from "./messages.js";

/** A mailer that keeps every message in memory, for tests and development outboxes. */
export interface MemoryMailer extends Mailer {
  /** Every message sent, oldest first. */
  readonly messages: RenderedMail[];
  /** The newest message to an address (and of a kind), or `null`. */
  lastTo(address: string, kind?: RenderedMail["message"]["kind"]): RenderedMail | null;
  /** Makes the next `count` sends reject, to test delivery failures. */
  failNext(count?: number): void;
  clear(): void;
}

/** Creates a {@link MemoryMailer}. */
export function createMemoryMailer(): MemoryMailer {
  const messages: RenderedMail[] = [];
  let failures = 0;
  return {
    messages,
    async send(mail) {
      if (failures > 0) {
        failures--;
        throw new Error(`simulated delivery failure to ${mail.to}`);
      }
      messages.push(mail);
    },
    lastTo(address, kind) {
      const found = messages.findLast(
        (m) => m.to === address && (kind === undefined || m.message.kind === kind),
      );
      return found ?? null;
    },
    failNext(count = 1) {
      failures += count;
    },
    clear() {
      messages.length = 0;
    },
  };
}

/** A text-message sender that keeps every message in memory. */
export interface MemorySmsSender extends SmsSender {
  readonly messages: Array<SmsMessage & { readonly text: string }>;
  lastTo(phone: string): (SmsMessage & { readonly text: string }) | null;
}

/** Creates a {@link MemorySmsSender}. */
export function createMemorySmsSender(): MemorySmsSender {
  const messages: Array<SmsMessage & { readonly text: string }> = [];
  return {
    messages,
    async send(message) {
      messages.push(message);
    },
    lastTo: (phone) => messages.findLast((m) => m.to === phone) ?? null,
  };
}

/** A mailer and SMS sender that print each message to a log function (the console by default). */
export function createConsoleMailer(log: (line: string) => void = console.log): Mailer & SmsSender {
  return {
    async send(message: RenderedMail | (SmsMessage & { text: string })) {
      if ("subject" in message) log(`[mail] to ${message.to}: ${message.subject}\n${message.text}\n`);
      else log(`[sms] to ${message.to}: ${message.text}\n`);
    },
  };
}
