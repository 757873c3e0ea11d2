// Where a flow's time goes outside the password hash: every repository call of a store, counted and timed.

import { performance } from "node:perf_hooks";

/**
 * Wraps every repository method of `store` to add up its calls and milliseconds under `repository.method`
 * (a sign-in commit's under `signInCommit`); `onCall(name, start, end)` hears of each call as it ends.
 * `transaction` is timed as a whole, and the repositories it hands to its function are timed under
 * `tx.repository.method` (their time is also part of the transaction's). The wrapped store is a `Store` like
 * the original, on the same data.
 */
export function profileStore(store, { onCall } = {}) {
  const totals = new Map();
  const timed =
    (name, fn) =>
    async (...args) => {
      const start = performance.now();
      try {
        return await fn(...args);
      } finally {
        const end = performance.now();
        const entry = totals.get(name) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += end - start;
        totals.set(name, entry);
        onCall?.(name, start, end);
      }
    };
  const wrapRepositories = (repositories, prefix) => {
    const wrapped = {};
    for (const [name, repository] of Object.entries(repositories)) {
      if (typeof repository === "function") continue;
      wrapped[name] = Object.fromEntries(
        Object.entries(repository).map(([method, fn]) => [
          method,
          typeof fn === "function" ? timed(`${prefix}${name}.${method}`, fn.bind(repository)) : fn,
        ]),
      );
    }
    return wrapped;
  };
  const { signInCommit, ...repositories } = store;
  const wrapped = wrapRepositories(repositories, "");
  // The sign-in commit names the repositories it writes to: here the wrapped ones (the same data), so the
  // service still takes it for the store's own. Its prepared commit is timed; `prepare` itself has no I/O.
  if (signInCommit) {
    wrapped.signInCommit = {
      attempts: wrapped.attempts,
      sessions: wrapped.sessions,
      auditOutbox: wrapped.auditOutbox,
      prepare: (...args) => timed("signInCommit", signInCommit.prepare(...args)),
    };
  }
  wrapped.transaction = timed("transaction", (fn) =>
    store.transaction((tx) => fn(wrapRepositories(tx, "tx."))),
  );
  return {
    store: wrapped,
    /** Calls and milliseconds per `repository.method` since the last reset, slowest first. */
    report: () => [...totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.ms - a.ms),
    reset: () => totals.clear(),
  };
}
