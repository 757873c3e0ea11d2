import type { TokenKind } from "@gatehousejs/core";

/**
 * The key layout. The part in braces is Redis Cluster's hash tag: only it decides the slot. Every script
 * and every command touches one key, so no operation ever spans two slots; the tags put all of one user's
 * indexes in one slot (room for a later one-slot script over them) and spread records by their hash.
 *
 * | key                                   | type       | holds                                         |
 * |---------------------------------------|------------|-----------------------------------------------|
 * | `<prefix>session:{<tokenHash>}`       | string     | the session record (JSON), native TTL         |
 * | `<prefix>user-sessions:{<userId>}`    | sorted set | the user's session hashes, scored by expiry   |
 * | `<prefix>attempts:{<key>}`            | string     | `{ version, state }` (JSON), native TTL       |
 * | `<prefix>token:<kind>:{<hash>}`       | string     | the token record (JSON), native TTL           |
 * | `<prefix>user-tokens:{<userId>}:<kind>` | sorted set | the user's token hashes of one kind         |
 * | `<prefix>rate:{<key>}:<window>:<start>` | string   | a rate limiter's count (see rate-limiter.ts) |
 * | `<prefix>audit-outbox`                | hash       | audit entries not yet in the durable log, id → JSON |
 */
export interface KeyLayout {
  session(tokenHash: string): string;
  userSessions(userId: string): string;
  attempts(key: string): string;
  token(kind: TokenKind, hash: string): string;
  userTokens(userId: string, kind: TokenKind): string;
  /** The audit outbox: one key (its whole name decides its slot). */
  auditOutbox(): string;
}

/** The keys under `prefix`, which holds no braces (it would otherwise become every key's hash tag). */
export function createKeyLayout(prefix: string): KeyLayout {
  return {
    session: (tokenHash) => `${prefix}session:{${tokenHash}}`,
    userSessions: (userId) => `${prefix}user-sessions:{${userId}}`,
    attempts: (key) => `${prefix}attempts:{${key}}`,
    token: (kind, hash) => `${prefix}token:${kind}:{${hash}}`,
    userTokens: (userId, kind) => `${prefix}user-tokens:{${userId}}:${kind}`,
    auditOutbox: () => `${prefix}audit-outbox`,
  };
}
