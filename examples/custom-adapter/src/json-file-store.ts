import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import {
  type AttemptRepository,
  type AttemptSwapResult,
  DamagedRecordError,
  decodeAttemptState,
  type ExpiringRepositories,
  emptyAttemptState,
  encodeAttemptState,
  type SessionRecord,
  type SessionRepository,
  StorageUnavailableError,
  type TokenRecord,
  type TokenRepository,
} from "@gatehousejs/core";
import { conflictError, newAuthorizationVersion } from "@gatehousejs/core/adapter-kit";

// A storage adapter for Gatehouse's expiring repositories (sessions, attempts, tokens) kept in one JSON file.
// It is the smallest honest adapter: one process owns the file, every operation runs under one in-process lock,
// and the file is replaced atomically (write a temporary file, then rename). Compose it with a durable store:
// `{ ...createMemoryStore(), ...createJsonFileStore({ path }) }`.

interface Document {
  sessions: Record<string, SessionRecord>;
  /**
   * Each state is core's codec JSON, kept as text so the file's date reviver leaves it alone: the codec, not
   * the reviver, decides what a valid state is, and refuses a damaged one.
   */
  attempts: Record<string, { state: string; version: number }>;
  tokens: Record<string, TokenRecord>;
  /** Attempt versions are never reused, so a stale compare-and-set can never succeed after a delete. */
  lastVersion: number;
  /** Each organization's authorization version (random, replaced at every bump). */
  authorizationVersions?: Record<string, string>;
}

/** Options of {@link createJsonFileStore}. */
export interface JsonFileStoreOptions {
  /** The file; created on the first write. One process may use it at a time. */
  readonly path: string;
}

const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Creates the sessions, attempts and tokens repositories on one JSON file. */
export function createJsonFileStore(options: JsonFileStoreOptions): ExpiringRepositories {
  let queue: Promise<unknown> = Promise.resolve();

  // Every operation reads, changes and writes the whole document under the lock: the compare-and-set and the
  // single-use consume are atomic because nothing else runs between their read and their write.
  function locked<T>(operation: string, fn: (doc: Document) => T | { value: T; write: true }): Promise<T> {
    const run = queue.then(async () => {
      const doc = await load(operation);
      const result = fn(doc);
      if (result && typeof result === "object" && "write" in result) {
        await save(operation, doc);
        return result.value;
      }
      return result as T;
    });
    queue = run.catch(() => {});
    return run;
  }

  async function load(operation: string): Promise<Document> {
    try {
      return JSON.parse(await readFile(options.path, "utf8"), (_, v) =>
        typeof v === "string" && isoDate.test(v) ? new Date(v) : v,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        return { sessions: {}, attempts: {}, tokens: {}, lastVersion: 0 };
      throw new StorageUnavailableError(`${operation}: cannot read ${options.path}.`, error);
    }
  }

  async function save(operation: string, doc: Document): Promise<void> {
    const temporary = `${options.path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(doc));
      await rename(temporary, options.path);
    } catch (error) {
      throw new StorageUnavailableError(`${operation}: cannot write ${options.path}.`, error);
    }
  }

  const write = <T>(value: T): { value: T; write: true } => ({ value, write: true });

  const sessions: SessionRepository = {
    create: (session) =>
      locked("sessions.create", (doc) => {
        if (doc.sessions[session.tokenHash]) throw taken("tokenHash", "This session exists.");
        doc.sessions[session.tokenHash] = { ...session, principal: session.principal ?? null };
        return write(undefined);
      }),
    // The session and its organization's version in one read of the file; a missing version is minted.
    findCurrent: (hash, organizationId, now) =>
      locked("sessions.findCurrent", (doc) => {
        const session = live(doc.sessions[hash], now);
        if (!session) return null;
        doc.authorizationVersions ??= {};
        const versions = doc.authorizationVersions;
        const known = versions[organizationId];
        if (known !== undefined) return { session, version: known };
        const version = newAuthorizationVersion();
        versions[organizationId] = version;
        return write({ session, version });
      }),
    savePrincipal: (hash, principal) =>
      locked("sessions.savePrincipal", (doc) => {
        const session = doc.sessions[hash];
        if (!session) return undefined; // a deleted session stays gone
        doc.sessions[hash] = { ...session, principal };
        return write(undefined);
      }),
    bumpVersion: (organizationId) =>
      locked("sessions.bumpVersion", (doc) => {
        doc.authorizationVersions = {
          ...doc.authorizationVersions,
          [organizationId]: newAuthorizationVersion(),
        };
        return write(undefined);
      }),
    find: (hash, now) => locked("sessions.find", (doc) => live(doc.sessions[hash], now)),
    touch: (hash, lastActiveAt, expiresAt) =>
      locked("sessions.touch", (doc) => {
        const session = doc.sessions[hash];
        if (!session) return undefined;
        doc.sessions[hash] = { ...session, lastActiveAt, expiresAt };
        return write(undefined);
      }),
    delete: (hash) =>
      locked("sessions.delete", (doc) => {
        delete doc.sessions[hash];
        return write(undefined);
      }),
    deleteByUser: (userId) =>
      locked("sessions.deleteByUser", (doc) => {
        const mine = Object.values(doc.sessions).filter((s) => s.userId === userId);
        for (const s of mine) delete doc.sessions[s.tokenHash];
        return write(mine.length);
      }),
    listByUser: (userId, now) =>
      locked("sessions.listByUser", (doc) =>
        Object.values(doc.sessions)
          .filter((s) => s.userId === userId && now < s.expiresAt)
          .sort(
            (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.tokenHash < b.tokenHash ? 1 : -1),
          ),
      ),
  };

  const attempts: AttemptRepository = {
    get: (key) =>
      locked("attempts.get", (doc) => {
        const stored = doc.attempts[key];
        if (!stored) return { state: emptyAttemptState(), version: 0 };
        return { state: decodeAttemptState(parseState(stored.state)), version: stored.version };
      }),
    compareAndSet: (key, expectedVersion, next) =>
      locked("attempts.compareAndSet", (doc) => {
        if ((doc.attempts[key]?.version ?? 0) !== expectedVersion) return false;
        doc.lastVersion += 1;
        doc.attempts[key] = { state: JSON.stringify(encodeAttemptState(next)), version: doc.lastVersion };
        return write(true);
      }),
    compareAndSwap: (key, expectedVersion, next) =>
      locked<AttemptSwapResult>("attempts.compareAndSwap", (doc) => {
        const stored = doc.attempts[key];
        if ((stored?.version ?? 0) !== expectedVersion) {
          const current = stored
            ? { state: decodeAttemptState(parseState(stored.state)), version: stored.version }
            : { state: emptyAttemptState(), version: 0 };
          return { swapped: false, current };
        }
        if (next === null) {
          delete doc.attempts[key];
          return write({ swapped: true, version: 0 });
        }
        doc.lastVersion += 1;
        doc.attempts[key] = { state: JSON.stringify(encodeAttemptState(next)), version: doc.lastVersion };
        return write({ swapped: true, version: doc.lastVersion });
      }),
    delete: (key) =>
      locked("attempts.delete", (doc) => {
        delete doc.attempts[key];
        return write(undefined);
      }),
  };

  const tokens: TokenRepository = {
    create: (token) =>
      locked("tokens.create", (doc) => {
        if (doc.tokens[token.hash]) throw taken("hash", "This token exists.");
        doc.tokens[token.hash] = token;
        return write(undefined);
      }),
    consume: (hash, kind, now) =>
      locked("tokens.consume", (doc) => {
        const token = live(doc.tokens[hash], now);
        if (!token || token.kind !== kind) return null;
        delete doc.tokens[hash];
        return write(token);
      }),
    find: (hash, kind, now) =>
      locked("tokens.find", (doc) => {
        const token = live(doc.tokens[hash], now);
        return token && token.kind === kind ? token : null;
      }),
    deleteByUser: (userId, kind) =>
      locked("tokens.deleteByUser", (doc) => {
        const mine = Object.values(doc.tokens).filter((t) => t.userId === userId && t.kind === kind);
        for (const t of mine) delete doc.tokens[t.hash];
        return write(mine.length);
      }),
  };

  return { sessions, attempts, tokens };
}

// A state that is not even JSON is as damaged as one with a bad field: it fails closed the same way.
function parseState(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    throw new DamagedRecordError("attempt state", [{ path: [], reason: "not-json", message: "Not JSON." }]);
  }
}

function live<T extends { expiresAt: Date }>(record: T | undefined, now: Date): T | null {
  return record && now < record.expiresAt ? record : null;
}

/** The CONFLICT of a taken key, naming its field as the store contract asks (the adapter kit builds it). */
function taken(field: string, message: string) {
  return conflictError(message, [{ path: [field], reason: "already-exists", message }]);
}
