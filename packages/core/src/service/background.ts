import type { AuditRecord } from "../store/records.js";

/** What a background task that failed was doing; an audit write carries the entries it could not store. */
export interface BackgroundTask {
  /** A short name of the work, e.g. `"password-reset.request"` or `"audit"`. */
  readonly name: string;
  /** The audit entries of a failed audit write, stamped and complete: a host can keep them elsewhere. */
  readonly audit?: readonly AuditRecord[];
}

/**
 * Work a call hands off to run after it has answered: what would otherwise make an answer take longer for a
 * registered address than for an unknown one (a lookup, an audit entry, a mail). Tasks start once the current
 * call has resolved and run side by side; a failure is reported, never thrown at anyone.
 */
export interface BackgroundQueue {
  /**
   * Queues `task` to start after the current call has answered. Resolves at once while fewer than the queue's
   * limit are pending; past it, when one finishes (a flood of requests waits, it does not pile up in memory).
   */
  defer(task: BackgroundTask, run: () => Promise<unknown>): Promise<void>;
  /** Resolves once every queued task has finished, tasks queued meanwhile included. */
  flush(): Promise<void>;
  /** How many tasks are queued or running. */
  readonly pending: number;
}

// setImmediate runs after the I/O callbacks of this turn, so an HTTP answer is written before the work starts.
const later: (fn: () => void) => void =
  typeof setImmediate === "function" ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/** Creates a {@link BackgroundQueue} that reports each failed task to `report`. */
export function createBackgroundQueue(
  report: (error: unknown, task: BackgroundTask) => void,
  maxPending = 1000,
): BackgroundQueue {
  const running = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];

  function start(task: BackgroundTask, run: () => Promise<unknown>): void {
    const done = new Promise<void>((resolve) => later(resolve))
      .then(run)
      .then(
        () => {},
        (error: unknown) => {
          try {
            report(error, task);
          } catch {
            // A throwing reporter must not turn into an unhandled rejection that ends the process.
          }
        },
      )
      .finally(() => {
        running.delete(done);
        waiting.shift()?.();
      });
    running.add(done);
  }

  return {
    async defer(task, run) {
      while (running.size >= maxPending) await new Promise<void>((resolve) => waiting.push(resolve));
      start(task, run);
    },
    async flush() {
      while (running.size > 0) await Promise.all(running);
    },
    get pending() {
      return running.size;
    },
  };
}
