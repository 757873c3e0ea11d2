import type { SessionRecord } from "../records.js";
import { newAuthorizationVersion } from "../session-key.js";
import type { SessionRepository } from "../store.js";
import { compareKeys, conflict, copy } from "./table.js";

/** The memory `SessionRepository`: a map by token hash, and the organizations' authorization versions. */
export function createMemorySessions(): SessionRepository {
  // Expired sessions are hidden, not pruned: `now` is the caller's (often a test clock), and a read with a
  // later `now` must not destroy a session that a read with an earlier one would still find.
  const sessions = new Map<string, SessionRecord>();
  const versions = new Map<string, string>();
  const live = (session: SessionRecord | undefined, now: Date): session is SessionRecord =>
    session !== undefined && now.getTime() < session.expiresAt.getTime();

  return {
    async create(session: SessionRecord): Promise<void> {
      if (sessions.has(session.tokenHash)) {
        const message = "A session with this token hash exists.";
        throw conflict(message, [{ path: ["tokenHash"], reason: "already-exists", message }]);
      }
      sessions.set(session.tokenHash, copy({ ...session, principal: session.principal ?? null }));
    },

    async find(tokenHash: string, now: Date): Promise<SessionRecord | null> {
      const session = sessions.get(tokenHash);
      return live(session, now) ? copy(session) : null;
    },

    async touch(tokenHash: string, lastActiveAt: Date, expiresAt: Date): Promise<void> {
      const session = sessions.get(tokenHash);
      if (session === undefined) return;
      sessions.set(tokenHash, {
        ...session,
        lastActiveAt: new Date(lastActiveAt),
        expiresAt: new Date(expiresAt),
      });
    },

    async delete(tokenHash: string): Promise<void> {
      sessions.delete(tokenHash);
    },

    async deleteByUser(userId: string): Promise<number> {
      const ended = [...sessions.values()].filter((session) => session.userId === userId);
      for (const session of ended) sessions.delete(session.tokenHash);
      return ended.length;
    },

    async findCurrent(tokenHash: string, organizationId: string, now: Date) {
      const session = sessions.get(tokenHash);
      if (!live(session, now)) return null;
      let version = versions.get(organizationId);
      if (version === undefined) {
        version = newAuthorizationVersion();
        versions.set(organizationId, version);
      }
      return { session: copy(session), version };
    },

    async savePrincipal(tokenHash: string, principal: string): Promise<void> {
      const session = sessions.get(tokenHash);
      if (session !== undefined) sessions.set(tokenHash, { ...session, principal });
    },

    async bumpVersion(organizationId: string): Promise<void> {
      versions.set(organizationId, newAuthorizationVersion());
    },

    async listByUser(userId: string, now: Date): Promise<SessionRecord[]> {
      const found = [...sessions.values()].filter(
        (session) => session.userId === userId && live(session, now),
      );
      found.sort((a, b) =>
        compareKeys([b.createdAt.toISOString(), b.tokenHash], [a.createdAt.toISOString(), a.tokenHash]),
      );
      return found.map(copy);
    },
  };
}
