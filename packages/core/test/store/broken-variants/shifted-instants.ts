import type { Store } from "../../../src/store/store.js";

/**
 * A view of the memory store that writes every instant `offsetMs` later and reads it back `offsetMs` earlier,
 * as a SQL adapter storing wall-clock time through a pool in another time zone does. It round-trips through
 * itself; the memory store under it (a reader in UTC) sees every instant shifted.
 */
export function withShiftedInstants(base: Store, offsetMs: number): Store {
  const wrap = <T extends object>(repository: T): T => {
    const wrapped: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(repository)) {
      const call = value as (...args: unknown[]) => Promise<unknown>;
      wrapped[method] = async (...args: unknown[]) =>
        shift(await call(...args.map((arg) => shift(arg, offsetMs))), -offsetMs);
    }
    return wrapped as T;
  };
  return {
    organizations: wrap(base.organizations),
    users: wrap(base.users),
    roles: wrap(base.roles),
    audit: wrap(base.audit),
    ssoConnections: wrap(base.ssoConnections),
    identityLinks: wrap(base.identityLinks),
    sessions: wrap(base.sessions),
    attempts: wrap(base.attempts),
    tokens: wrap(base.tokens),
    transaction: (fn) =>
      base.transaction((tx) =>
        fn({
          organizations: wrap(tx.organizations),
          users: wrap(tx.users),
          roles: wrap(tx.roles),
          audit: wrap(tx.audit),
          ssoConnections: wrap(tx.ssoConnections),
          identityLinks: wrap(tx.identityLinks),
        }),
      ),
  };
}

/** A deep copy of plain data with every `Date` moved by `ms`. */
function shift(value: unknown, ms: number): unknown {
  if (value instanceof Date) return new Date(value.getTime() + ms);
  if (Array.isArray(value)) return value.map((item) => shift(item, ms));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shift(item, ms)]));
  }
  return value;
}
