/**
 * A wait of `ms` that `end()` cuts short: the current wait, or the next one when none is running (an end asked
 * for before the wait began). The audit outbox's drain gathers entries with it.
 */
export interface Gathering {
  wait(): Promise<void>;
  end(): void;
}

/** A {@link Gathering} of `ms` milliseconds (none at `0`). */
export function createGathering(ms: number): Gathering {
  let ended = false;
  let cut: (() => void) | null = null;
  return {
    wait() {
      if (ended || ms <= 0) {
        ended = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          cut = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        cut = done;
      });
    },
    end() {
      if (cut) cut();
      else ended = true;
    },
  };
}
