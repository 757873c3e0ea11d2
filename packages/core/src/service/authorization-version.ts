import type { UserPatch } from "../store/records.js";
import type { DurableRepositories, Store } from "../store/store.js";

// Every durable write that changes what a session carries about its principal gives the organization a new
// authorization version, AFTER the write commits (a bump before the commit would let a reload read the old
// records and tag them with the new version). The service's use cases write through this wrapper, so no
// use case has to remember to bump: a user's public fields or roles, a removal, a role's definition or
// deletion, the organization's settings. Writes made to the store outside Gatehouse must bump themselves
// (`store.sessions.bumpVersion(organizationId)`).

/** The user fields no session carries (credentials, pending secrets): changing only these bumps nothing. */
const UNCARRIED_USER_FIELDS = new Set<keyof UserPatch>([
  "passwordHash",
  "temporaryPasswordHash",
  "temporaryPasswordExpiresAt",
  "pendingTotpSealed",
  "updatedAt",
]);

/** Whether a user patch touches a field a session's principal shows. */
export function patchAffectsPrincipal(patch: UserPatch): boolean {
  return Object.keys(patch).some((key) => !UNCARRIED_USER_FIELDS.has(key as keyof UserPatch));
}

/**
 * Wraps a store so that every durable write affecting a principal calls `bump(organizationId)` once it has
 * committed: at once outside a transaction, after the commit inside one (nothing when it rolls back).
 */
export function versioningStore(
  store: Store,
  bump: (organizationIds: Iterable<string>) => Promise<void>,
): Store {
  const wrap = (repos: DurableRepositories, changed: (organizationId: string) => Promise<void>) => {
    const { organizations, users, roles } = repos;
    const wrapped: DurableRepositories = {
      organizations: withMethods(organizations, {
        update: async (id, patch) => {
          const updated = await organizations.update(id, patch);
          if (updated) await changed(updated.id);
          return updated;
        },
      }),
      users: withMethods(users, {
        update: async (id, patch) => {
          const updated = await users.update(id, patch);
          if (updated && patchAffectsPrincipal(patch)) await changed(updated.organizationId);
          return updated;
        },
        delete: async (id) => {
          const user = await users.findById(id);
          const deleted = await users.delete(id);
          if (deleted && user) await changed(user.organizationId);
          return deleted;
        },
        removeRole: async (organizationId, roleId) => {
          await users.removeRole(organizationId, roleId);
          await changed(organizationId);
        },
        spendBackupCode: async (id, hash) => {
          // The last code spent turns the view's `mfa.recoveryCode` off.
          const spent = await users.spendBackupCode(id, hash);
          if (spent) {
            const user = await users.findById(id);
            if (user) await changed(user.organizationId);
          }
          return spent;
        },
      }),
      roles: withMethods(roles, {
        update: async (organizationId, id, patch) => {
          const updated = await roles.update(organizationId, id, patch);
          if (updated) await changed(organizationId);
          return updated;
        },
        delete: async (organizationId, id) => {
          const deleted = await roles.delete(organizationId, id);
          if (deleted) await changed(organizationId);
          return deleted;
        },
      }),
      audit: repos.audit,
      ssoConnections: repos.ssoConnections,
      identityLinks: repos.identityLinks,
    };
    return wrapped;
  };
  return {
    ...store,
    ...wrap(store, (organizationId) => bump([organizationId])),
    async transaction(fn) {
      const changed = new Set<string>();
      const result = await store.transaction((tx) =>
        fn(
          wrap(tx, async (organizationId) => {
            changed.add(organizationId);
          }),
        ),
      );
      if (changed.size > 0) await bump(changed);
      return result;
    },
  };
}

/** The repository with some methods replaced, every other one bound to it (class instances included). */
function withMethods<T extends object>(repo: T, overrides: Partial<T>): T {
  const bound = {} as Record<string, unknown>;
  let proto: object | null = repo;
  while (proto && proto !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (repo as Record<string, unknown>)[key];
      if (key !== "constructor" && typeof value === "function" && !(key in bound))
        bound[key] = value.bind(repo);
      else if (typeof value !== "function" && !(key in bound)) bound[key] = value;
    }
    proto = Object.getPrototypeOf(proto);
  }
  return { ...bound, ...overrides } as T;
}
