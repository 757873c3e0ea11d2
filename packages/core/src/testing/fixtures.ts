import { generateId, generateToken, hashToken } from "../crypto/tokens.js";
import type {
  AuditRecord,
  OrganizationRecord,
  RoleRecord,
  SessionRecord,
  TokenRecord,
  UserRecord,
} from "../store/records.js";
import { generateSessionToken, sessionKey } from "../store/session-key.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whose a session or a token is: a `UserRecord` will do, or just the two ids. */
export interface FixtureOwner {
  readonly id: string;
  readonly organizationId: string;
}

/** A clock a test sets and moves by hand, so no timing rule needs a sleep. */
export interface TestClock {
  /** The current instant, as a new `Date` each call. */
  now(): Date;
  /** Moves the clock forward (or back, with a negative `ms`). */
  advance(ms: number): void;
  /** Sets the clock to an instant. */
  set(date: Date): void;
}

/**
 * A manual clock that satisfies the `Clock` port, starting at `start` (by default the real current time, so
 * that a store with native TTLs keeps the records whose expiry a test derives from it).
 * @example const clock = createTestClock(); clock.advance(15 * 60_000);
 */
export function createTestClock(start: Date = new Date()): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

/** A random address that no other test run uses, so suites can share a durable database. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${generateId()}@example.test`;
}

/** An organization with a random id, enterprise settings and the current time; `overrides` replace fields. */
export function makeOrganization(overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  const now = new Date();
  return {
    id: generateId("org"),
    name: "Test organization",
    settings: { mfa: "off", authMode: "password", provisioning: "invite", preset: "enterprise" },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** An active user of the organization with a random id and a random address; `overrides` replace fields. */
export function makeUser(organizationId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  const now = new Date();
  return {
    id: generateId("usr"),
    organizationId,
    email: uniqueEmail(),
    givenName: "Test",
    familyName: "User",
    phone: null,
    status: "active",
    roles: [],
    passwordHash: null,
    temporaryPasswordHash: null,
    temporaryPasswordExpiresAt: null,
    passwordChangeRequired: false,
    totp: null,
    pendingTotpSealed: null,
    mfaPhone: null,
    recoveryCodeSealed: null,
    backupCodeHashes: [],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/** A custom role of the organization with a random id and name and two permissions; `overrides` replace fields. */
export function makeRole(organizationId: string, overrides: Partial<RoleRecord> = {}): RoleRecord {
  const now = new Date();
  return {
    id: generateId("rol"),
    organizationId,
    name: `Role ${generateId()}`,
    description: "A custom role",
    permissions: [
      { page: "callback.callbacks", action: "view" },
      { page: "platform.users", action: "edit" },
    ],
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

/**
 * An authenticated session of `owner` keyed by the hash of a fresh token, expiring a day from the real
 * current time (so a native TTL never drops it during a test); `overrides` replace fields.
 */
export function makeSession(owner: FixtureOwner, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = new Date();
  return {
    tokenHash: sessionKey(owner.organizationId, generateSessionToken(owner.organizationId)),
    userId: owner.id,
    organizationId: owner.organizationId,
    stage: "authenticated",
    secondFactorVerified: false,
    createdAt: now,
    lastActiveAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
    principal: null,
    ...overrides,
  };
}

/** A password-reset token of `owner` keyed by the hash of a fresh secret, expiring a day from now. */
export function makeToken(owner: FixtureOwner, overrides: Partial<TokenRecord> = {}): TokenRecord {
  const now = new Date();
  return {
    hash: hashToken(generateToken()),
    kind: "password-reset",
    userId: owner.id,
    organizationId: owner.organizationId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
    data: {},
    ...overrides,
  };
}

/** An audit entry of the organization by the system actor, with a random id and the current time. */
export function makeAuditRecord(organizationId: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: generateId("aud"),
    organizationId,
    at: new Date(),
    action: "user.invited",
    actor: { kind: "system", id: null, email: null },
    subjectUserId: null,
    subjectEmail: null,
    details: {},
    ...overrides,
  };
}
