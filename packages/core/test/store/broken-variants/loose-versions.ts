import type { SessionRepository, Store } from "../../../src/store/store.js";

/** The store with some session methods overridden, the rest bound to its own (tests break one at a time). */
export function withSessions(
  base: Store,
  override: (sessions: SessionRepository) => Partial<SessionRepository>,
): Store {
  const sessions = base.sessions;
  const bound: SessionRepository = {
    create: (s) => sessions.create(s),
    find: (h, now) => sessions.find(h, now),
    touch: (h, a, e) => sessions.touch(h, a, e),
    delete: (h) => sessions.delete(h),
    deleteByUser: (u) => sessions.deleteByUser(u),
    listByUser: (u, now) => sessions.listByUser(u, now),
    findCurrent: (h, o, now) => sessions.findCurrent(h, o, now),
    savePrincipal: (h, p) => sessions.savePrincipal(h, p),
    bumpVersion: (o) => sessions.bumpVersion(o),
  };
  return { ...base, sessions: { ...bound, ...override(sessions) } };
}

/** Bumps that do nothing: a change never reaches the sessions' snapshots. */
export function withIgnoredBumps(base: Store): Store {
  return withSessions(base, () => ({ bumpVersion: async () => {} }));
}

/** A missing version read as a constant ("0"), as a store treating "no key" as "version zero" would. */
export function withConstantMissingVersion(base: Store): Store {
  const bumped = new Map<string, number>();
  return withSessions(base, (sessions) => ({
    async findCurrent(tokenHash, organizationId, now) {
      const found = await sessions.findCurrent(tokenHash, organizationId, now);
      return found && { session: found.session, version: String(bumped.get(organizationId) ?? 0) };
    },
    async bumpVersion(organizationId) {
      bumped.set(organizationId, (bumped.get(organizationId) ?? 0) + 1);
    },
  }));
}

/** A snapshot written with an upsert: a deleted session comes back. */
export function withResurrectingPrincipal(base: Store): Store {
  const saved = new Map<string, string>();
  const deleted = new Map<string, import("../../../src/store/records.js").SessionRecord>();
  return withSessions(base, (sessions) => ({
    async delete(tokenHash) {
      const session = await sessions.find(tokenHash, new Date(0));
      if (session) deleted.set(tokenHash, session);
      await sessions.delete(tokenHash);
    },
    async savePrincipal(tokenHash, principal) {
      saved.set(tokenHash, principal);
      const gone = deleted.get(tokenHash);
      if (gone) {
        deleted.delete(tokenHash);
        await sessions.create({ ...gone, principal });
      } else await sessions.savePrincipal(tokenHash, principal);
    },
  }));
}
