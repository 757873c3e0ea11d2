import type { TokenKind } from "@gatehousejs/core";
import { organizationTag } from "@gatehousejs/core/adapter-kit";

/**
 * The key layout. The part in braces is Redis Cluster's hash tag: only it decides the slot. Every script
 * and every command touches one key, or keys of one slot: a session and its organization's authorization
 * version share the organization's tag (`<tag>` is core's `organizationTag`, the part of the session key
 * before its `.`), so validation reads both with one `MGET`. The tags put all of one user's indexes in one
 * slot and spread other records by their hash. A session key without a tag (not issued by core) is tagged
 * by itself.
 *
 * | key                                   | type       | holds                                         |
 * |---------------------------------------|------------|-----------------------------------------------|
 * | `<prefix>session:{<tag>}:<hash>`       | string     | the session record (JSON), native TTL         |
 * | `<prefix>authz:{<tag>}`               | string     | the organization's authorization version      |
 * | `<prefix>user-sessions:{<userId>}`    | sorted set | the user's session hashes, scored by expiry   |
 * | `<prefix>attempts:{<key>}`            | string     | `{ version, state }` (JSON), native TTL       |
 * | `<prefix>token:<kind>:{<hash>}`       | string     | the token record (JSON), native TTL           |
 * | `<prefix>user-tokens:{<userId>}:<kind>` | sorted set | the user's token hashes of one kind         |
 * | `<prefix>rate:{<key>}:<window>:<start>` | string   | a rate limiter's count (see rate-limiter.ts) |
 * | `<prefix>audit-outbox`                | hash       | audit entries not yet in the durable log, id → JSON |
 */
export interface KeyLayout {
  session(tokenHash: string): string;
  authorizationVersion(organizationId: string): string;
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
    session: (tokenHash) => {
      const dot = tokenHash.indexOf(".");
      return dot < 0
        ? `${prefix}session:{${tokenHash}}`
        : `${prefix}session:{${tokenHash.slice(0, dot)}}:${tokenHash.slice(dot + 1)}`;
    },
    authorizationVersion: (organizationId) => `${prefix}authz:{${organizationTag(organizationId)}}`,
    userSessions: (userId) => `${prefix}user-sessions:{${userId}}`,
    attempts: (key) => `${prefix}attempts:{${key}}`,
    token: (kind, hash) => `${prefix}token:${kind}:{${hash}}`,
    userTokens: (userId, kind) => `${prefix}user-tokens:{${userId}}:${kind}`,
    auditOutbox: () => `${prefix}audit-outbox`,
  };
}
