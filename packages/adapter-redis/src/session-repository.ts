import type { SessionRecord, SessionRepository } from "@gatehousejs/core";
import { newAuthorizationVersion } from "@gatehousejs/core/adapter-kit";
import { decodeSession, encodeSession } from "./codec.js";
import type { Commands } from "./commands.js";
import { conflictError } from "./conflict.js";
import type { KeyLayout } from "./keys.js";
import { lifetimeMs } from "./lifetime.js";
import { createSessionReads } from "./read-batch.js";
import { createIndexedScript } from "./scripts/index-add.js";
import { ensureVersionScript, savePrincipalScript } from "./scripts/session-version.js";
import { createUserIndex } from "./user-index.js";

/**
 * Sessions on Redis: one key per token hash whose native TTL is the idle deadline (a touch moves it), a
 * per-user index for "end all of this user's sessions", and one key per organization holding its
 * authorization version (no TTL: one small string per organization), in the slot of its sessions.
 *
 * Expiry has two layers. The contract's layer is `find(hash, now)`, which compares the caller's `now` with
 * the stored `expiresAt` — the earlier of the idle and absolute deadlines, as the service computes it — so
 * the absolute lifetime holds whatever the TTL. The TTL layer only reclaims memory; it is counted from the
 * write (`expiresAt − lastActiveAt`, both on the caller's clock) rather than set with `PEXPIREAT`, so a
 * clock difference between the app and Redis can never drop a live session early.
 */
export function createSessionRepository(commands: Commands, keys: KeyLayout): SessionRepository {
  const index = createUserIndex(commands);
  const decodeRecent = createRecentSessions();
  const readCurrent = createSessionReads(commands, "sessions.findCurrent");

  const read = async (operation: string, tokenHash: string): Promise<SessionRecord | null> => {
    const text = await commands.run(operation, (redis) => redis.get(keys.session(tokenHash)));
    return text === null ? null : decodeSession(text);
  };

  return {
    async create(session) {
      const ttlMs = lifetimeMs(session.lastActiveAt, session.expiresAt);
      if (ttlMs <= 0) return; // Already dead on the caller's clock: nothing could ever find it.
      const indexKey = keys.userSessions(session.userId);
      const sessionKey = keys.session(session.tokenHash);
      if (commands.singleServer) {
        // One server holds both keys: the index entry and the record in one script, one round trip.
        const created = await commands.scriptOnSlot(
          "sessions.create",
          createIndexedScript,
          [indexKey, sessionKey],
          [session.tokenHash, ttlMs, encodeSession(session)],
        );
        if (created !== 1) throw conflictError("session", "tokenHash");
        return;
      }
      // On a cluster the two keys sit in different slots. Indexed first: a crash between the two steps
      // leaves a stray index entry, never an unindexed session.
      await index.add("sessions.create", indexKey, session.tokenHash, ttlMs);
      const written = await commands.run("sessions.create", (redis) =>
        redis.set(sessionKey, encodeSession(session), "PX", ttlMs, "NX"),
      );
      if (written === null) throw conflictError("session", "tokenHash");
    },

    async find(tokenHash, now) {
      const session = await read("sessions.find", tokenHash);
      if (session === null || now.getTime() >= session.expiresAt.getTime()) return null;
      return session;
    },

    async touch(tokenHash, lastActiveAt, expiresAt) {
      const session = await read("sessions.touch", tokenHash);
      if (session === null) return;
      const ttlMs = lifetimeMs(lastActiveAt, expiresAt);
      if (ttlMs <= 0) {
        await commands.run("sessions.touch", (redis) => redis.del(keys.session(tokenHash)));
        return;
      }
      // The index entry is extended before the session, so it never expires ahead of it.
      await index.add("sessions.touch", keys.userSessions(session.userId), tokenHash, ttlMs);
      const touched = encodeSession({ ...session, lastActiveAt, expiresAt });
      // XX: a session deleted (or expired) since the read stays gone. Two touches racing both write a
      // recent activity time; the later write wins, which is all "activity" needs.
      await commands.run("sessions.touch", (redis) =>
        redis.set(keys.session(tokenHash), touched, "PX", ttlMs, "XX"),
      );
    },

    async delete(tokenHash) {
      // The index entry stays until it is pruned by time; "end all" skips it since its record is gone.
      await commands.run("sessions.delete", (redis) => redis.del(keys.session(tokenHash)));
    },

    deleteByUser(userId) {
      return index.deleteAll("sessions.deleteByUser", userId, keys.userSessions(userId), keys.session);
    },

    async findCurrent(tokenHash, organizationId, now) {
      // Two keys in the organization's slot, read in the MGET of this turn's reads (no script: the cheapest
      // read Redis has).
      const sessionKey = keys.session(tokenHash);
      const versionKey = keys.authorizationVersion(organizationId);
      const [text, stored] = await readCurrent(sessionKey, versionKey);
      if (text === null || text === undefined) return null;
      const session = decodeRecent(sessionKey, text);
      if (now.getTime() >= session.expiresAt.getTime()) return null;
      const version =
        stored ??
        String(
          await commands.script("sessions.findCurrent", ensureVersionScript, versionKey, [
            newAuthorizationVersion(),
          ]),
        );
      return { session, version };
    },

    async savePrincipal(tokenHash, principal) {
      await commands.script("sessions.savePrincipal", savePrincipalScript, keys.session(tokenHash), [
        principal,
      ]);
    },

    async bumpVersion(organizationId) {
      await commands.run("sessions.bumpVersion", (redis) =>
        redis.set(keys.authorizationVersion(organizationId), newAuthorizationVersion()),
      );
    },

    async listByUser(userId, now) {
      const hashes = await index.members("sessions.listByUser", keys.userSessions(userId));
      const sessions = await Promise.all(hashes.map((hash) => read("sessions.listByUser", hash)));
      return sessions
        .filter((s): s is SessionRecord => s !== null && s.userId === userId && now < s.expiresAt)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compare(b.tokenHash, a.tokenHash));
    },
  };
}

/** How many sessions {@link createRecentSessions} remembers decoded, per repository. */
const RECENT_SESSIONS = 1_000;

/**
 * Decodes a session's text, remembering the last texts decoded by key: a request whose session reads exactly
 * as the one decoded before (the common case: one session, many requests between two touches) skips the
 * JSON parse, and hands core the same principal text (whose hash V8 has already computed, for core's own
 * decoded-principal memo). Never stale: the text compared is the one just read from Redis. Each answer is a
 * fresh record with fresh Dates.
 */
function createRecentSessions(): (key: string, text: string) => SessionRecord {
  const recent = new Map<string, { readonly text: string; readonly record: SessionRecord }>();
  return (key, text) => {
    const known = recent.get(key);
    let record: SessionRecord;
    if (known !== undefined && known.text === text) {
      record = known.record;
    } else {
      record = decodeSession(text);
      if (known === undefined && recent.size >= RECENT_SESSIONS) {
        recent.delete(recent.keys().next().value as string);
      }
      recent.set(key, { text, record });
    }
    return {
      ...record,
      createdAt: new Date(record.createdAt.getTime()),
      lastActiveAt: new Date(record.lastActiveAt.getTime()),
      expiresAt: new Date(record.expiresAt.getTime()),
    };
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
