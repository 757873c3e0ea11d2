import { createMemoryMailer, type MemoryMailer } from "../messages/memory-mailer.js";
import type { RenderedMail } from "../messages/messages.js";

/**
 * A memory mailer whose sends the test can hold, like a slow SMTP relay without real waiting: after `hold()`
 * every send starts (it is in `started`) and completes only at `release()`, so a test can see whether a call
 * answered before its mail went out.
 */
export interface GatedMailer extends MemoryMailer {
  /** Every send begun while held, oldest first, delivered or not. */
  readonly started: RenderedMail[];
  /** Sends from now on wait for `release()`. */
  hold(): void;
  /** Completes every held send; sends go straight through again. */
  release(): void;
  /** Resolves when the next send begins (at once if one began since the last `hold()`). */
  nextSend(): Promise<RenderedMail>;
}

/** Creates a {@link GatedMailer}; it starts open, sending at once. */
export function createGatedMailer(): GatedMailer {
  const inner = createMemoryMailer();
  const started: RenderedMail[] = [];
  let gate: Promise<void> | null = null;
  let open = (): void => {};
  const watchers: Array<(mail: RenderedMail) => void> = [];
  return {
    ...inner,
    started,
    async send(mail) {
      if (gate) {
        started.push(mail);
        for (const watch of watchers.splice(0)) watch(mail);
        await gate;
      }
      await inner.send(mail);
    },
    hold() {
      started.length = 0;
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = null;
      open();
    },
    nextSend() {
      const first = started[0];
      if (first) return Promise.resolve(first);
      return new Promise((resolve) => watchers.push(resolve));
    },
  };
}
