import type { Grants } from "../matrix/compile-grants.js";
import type { OrganizationRecord, UserRecord } from "../store/records.js";
import type { DurableRepositories, Store } from "../store/store.js";

/** What a request needs about its user, kept for a short while so sessions validate without durable reads. */
export interface Principal {
  readonly user: UserRecord;
  readonly organization: OrganizationRecord;
  readonly grants: Grants;
}

/**
 * An in-process cache of principals with a short lifetime. Every write this process makes to a user, a role
 * or an organization through the service forgets what it may have changed, so this instance never serves a
 * stale principal; another instance may, for at most `ttlMs` (the price of skipping two durable reads per
 * request; 0 disables the cache).
 */
export interface PrincipalCache {
  get(userId: string, nowMs: number): Principal | null;
  set(userId: string, principal: Principal, nowMs: number): void;
  forget(userId?: string): void;
}

const MAX_ENTRIES = 10_000;

/** Creates the cache; with `ttlMs` 0 it keeps nothing. */
export function createPrincipalCache(ttlMs: number): PrincipalCache {
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  return {
    get(userId, nowMs) {
      const entry = entries.get(userId);
      if (!entry) return null;
      if (entry.expiresAt <= nowMs) {
        entries.delete(userId);
        return null;
      }
      return entry.principal;
    },
    set(userId, principal, nowMs) {
      if (ttlMs <= 0) return;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(userId, { principal, expiresAt: nowMs + ttlMs });
    },
    forget(userId) {
      if (userId === undefined) entries.clear();
      else entries.delete(userId);
    },
  };
}

/**
 * Wraps a store so every durable write through it forgets the cached principals it may affect: a user's own
 * entry for a user write, everything for a role or organization write (roles change many users' grants).
 */
export function invalidatingStore(store: Store, cache: PrincipalCache): Store {
  const wrap = (repos: DurableRepositories): DurableRepositories => ({
    organizations: {
      ...bind(repos.organizations),
      update: (...args) => after(repos.organizations.update(...args), () => cache.forget()),
    },
    users: {
      ...bind(repos.users),
      update: (id, patch) => after(repos.users.update(id, patch), () => cache.forget(id)),
      delete: (id) => after(repos.users.delete(id), () => cache.forget(id)),
      removeRole: (...args) => after(repos.users.removeRole(...args), () => cache.forget()),
    },
    roles: {
      ...bind(repos.roles),
      update: (...args) => after(repos.roles.update(...args), () => cache.forget()),
      delete: (...args) => after(repos.roles.delete(...args), () => cache.forget()),
    },
    audit: repos.audit,
    ssoConnections: repos.ssoConnections,
    identityLinks: repos.identityLinks,
  });
  return {
    ...store,
    ...wrap(store),
    transaction: (fn) => store.transaction((tx) => fn(wrap(tx))).finally(() => cache.forget()),
  };
}

// Forget both before and after the write settles: a concurrent read may have cached the old value meanwhile.
function after<T>(write: Promise<T>, forget: () => void): Promise<T> {
  forget();
  return write.finally(forget);
}

function bind<T extends object>(repo: T): T {
  const bound = {} as Record<string, unknown>;
  for (const key of Object.keys(repo) as Array<keyof T & string>) {
    const value = repo[key];
    bound[key] = typeof value === "function" ? value.bind(repo) : value;
  }
  // Repositories made by classes keep their methods on the prototype; reach those too.
  let proto = Object.getPrototypeOf(repo);
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (repo as Record<string, unknown>)[key];
      if (key !== "constructor" && typeof value === "function" && !(key in bound))
        bound[key] = value.bind(repo);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return bound as T;
}
