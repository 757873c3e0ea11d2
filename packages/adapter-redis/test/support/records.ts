import { randomBytes } from "node:crypto";
import type { SessionRecord, TokenRecord } from "@gatehousejs/core";

/**
 * The tests' clock starts years before the real one on purpose: the adapter must follow the caller's `now`,
 * not Redis' clock (a `PEXPIREAT` of these instants would drop every record at once).
 */
export const t0 = new Date("2024-03-01T09:00:00.000Z");

export const minutes = (n: number): number => n * 60_000;

/** `at` moved by `ms`. */
export const after = (at: Date, ms: number): Date => new Date(at.getTime() + ms);

/** A random SHA-256-like hex hash. */
export const randomHash = (): string => randomBytes(32).toString("hex");

/** A session of `userId` created at `t0`, idle deadline 15 minutes later. */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tokenHash: randomHash(),
    userId: "usr_alice",
    organizationId: "org_acme",
    stage: "authenticated",
    secondFactorVerified: false,
    createdAt: t0,
    lastActiveAt: t0,
    expiresAt: after(t0, minutes(15)),
    principal: null,
    ...overrides,
  };
}

/** A password-reset token of `userId` created at `t0`, valid 30 minutes. */
export function tokenRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    hash: randomHash(),
    kind: "password-reset",
    userId: "usr_alice",
    organizationId: "org_acme",
    createdAt: t0,
    expiresAt: after(t0, minutes(30)),
    data: {},
    ...overrides,
  };
}
