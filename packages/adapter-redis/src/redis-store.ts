import { type ExpiringRepositories, GatehouseError, type Issue } from "@gatehousejs/core";
import { createAttemptRepository } from "./attempt-repository.js";
import { createAuditOutbox } from "./audit-outbox.js";
import { createCommands } from "./commands.js";
import { createKeyLayout } from "./keys.js";
import type { RedisLike } from "./redis-like.js";
import { createSessionRepository } from "./session-repository.js";
import { createSignInCommit } from "./sign-in-commit.js";
import { createTokenRepository } from "./token-repository.js";

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** The host's client: an ioredis `Redis` or `Cluster`, configured to fail fast (see the README). */
  readonly redis: RedisLike;
  /**
   * Prefix of every key, so several applications or environments can share one server. It MUST NOT contain
   * `{` or `}`: a brace would become every key's Redis Cluster hash tag.
   * @default "gatehouse:"
   */
  readonly keyPrefix?: string;
  /**
   * The longest any single Redis command may take before the call fails with `STORAGE_UNAVAILABLE`, on top
   * of the client's own `commandTimeout`. A repository call makes at most three round trips in sequence.
   * @default 1000
   */
  readonly commandTimeoutMs?: number;
}

/**
 * The expiring repositories (`sessions`, `attempts`, `tokens`) on Redis, and the audit outbox (`auditOutbox`:
 * a sign-in's audit entry waits here, not for the durable commit, and is appended after the answer). Compose them with a durable store
 * for a complete `Store`; every Redis failure or timeout becomes a `StorageUnavailableError`.
 * @example
 * const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
 *   commandTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false,
 * });
 * const store: Store = { ...createPostgresStore({ db }), ...createRedisStore({ redis }) };
 */
export function createRedisStore(options: RedisStoreOptions): ExpiringRepositories {
  const { redis, keyPrefix = "gatehouse:", commandTimeoutMs = 1000 } = options;
  throwIfInvalid(options, keyPrefix, commandTimeoutMs);
  const commands = createCommands(redis, commandTimeoutMs);
  const keys = createKeyLayout(keyPrefix);
  const repositories = {
    sessions: createSessionRepository(commands, keys),
    attempts: createAttemptRepository(commands, keys),
    tokens: createTokenRepository(commands, keys),
    auditOutbox: createAuditOutbox(commands, keys.auditOutbox()),
  };
  if (!commands.singleServer) return repositories;
  return { ...repositories, signInCommit: createSignInCommit(commands, keys, repositories) };
}

function throwIfInvalid(options: RedisStoreOptions, keyPrefix: unknown, commandTimeoutMs: unknown): void {
  const issues: Issue[] = [];
  const redis: unknown = options?.redis;
  if (typeof redis !== "object" || redis === null || typeof (redis as RedisLike).evalsha !== "function") {
    issues.push({
      path: ["redis"],
      reason: "invalid",
      message: "redis must be an ioredis client (Redis or Cluster).",
    });
  }
  if (typeof keyPrefix !== "string" || /[{}]/.test(keyPrefix)) {
    const message = "keyPrefix must be a string without braces (they would become a cluster hash tag).";
    issues.push({ path: ["keyPrefix"], reason: "invalid", message });
  }
  if (typeof commandTimeoutMs !== "number" || !Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    issues.push({
      path: ["commandTimeoutMs"],
      reason: "invalid",
      message: "commandTimeoutMs must be a positive number.",
    });
  }
  if (issues.length > 0) {
    const summary = issues.map((issue) => issue.message).join(" ");
    throw new GatehouseError("CONFIGURATION", `Invalid Redis store options: ${summary}`, { issues });
  }
}
