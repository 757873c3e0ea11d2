import type { DurableRepositories, Store } from "../../../src/store/store.js";

/** How a careless store's transactions lock and read. */
export interface LooseTransactionOptions {
  /** `none`: lock returns at once; `row`: it blocks only when the organization's row exists; `always`: it blocks. */
  readonly lock: "none" | "row" | "always";
  /** Reads answer from a snapshot taken at their first run in the transaction (MySQL's REPEATABLE READ). */
  readonly snapshotReads: boolean;
}

const READS = new Set(["findById", "findByEmail", "findRegisteredEmails", "list", "countWithAnyRole"]);

/**
 * The memory store with transactions that run side by side on the shared tables (no rollback), locking
 * organizations as `options` says. With `lock: "always"` and no snapshot it keeps the lock contract.
 */
export function withLooseTransactions(base: Store, options: LooseTransactionOptions): Store {
  const tails = new Map<string, Promise<void>>();

  async function acquire(id: string): Promise<() => void> {
    const previous = tails.get(id) ?? Promise.resolve();
    let release = (): void => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    tails.set(
      id,
      previous.then(() => mine),
    );
    await previous;
    return release;
  }

  return {
    ...base,
    async transaction(fn) {
      const held: Array<() => void> = [];
      const snapshot = new Map<string, Promise<unknown>>();
      const bind = <T extends object>(name: string, repository: T): T => {
        const bound: Record<string, unknown> = {};
        for (const [method, value] of Object.entries(repository)) {
          const call = value as (...args: unknown[]) => Promise<unknown>;
          bound[method] = (...args: unknown[]) => {
            if (!options.snapshotReads) return call(...args);
            if (!READS.has(method)) {
              // A snapshot shows a transaction its own writes: this model reads afresh after one.
              snapshot.clear();
              return call(...args);
            }
            const key = JSON.stringify([name, method, args]);
            if (!snapshot.has(key)) snapshot.set(key, call(...args));
            return snapshot.get(key);
          };
        }
        return bound as T;
      };
      const tx: DurableRepositories = {
        organizations: {
          ...bind("organizations", base.organizations),
          async lock(id) {
            if (options.lock === "none") return;
            if (options.lock === "row" && (await base.organizations.findById(id)) === null) return;
            held.push(await acquire(id));
          },
        },
        users: bind("users", base.users),
        roles: bind("roles", base.roles),
        audit: bind("audit", base.audit),
        ssoConnections: bind("ssoConnections", base.ssoConnections),
        identityLinks: bind("identityLinks", base.identityLinks),
      };
      try {
        return await fn(tx);
      } finally {
        for (const release of held) release();
      }
    },
  };
}
