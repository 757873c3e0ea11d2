import { randomUUID } from "node:crypto";
import type {
  AuditRecord,
  OrganizationRecord,
  SessionRecord,
  TokenRecord,
  UserRecord,
} from "@gatehouse/core";

// Small record builders for the adapter's own tests (the conformance suite brings its own).

const DAY_MS = 86_400_000;

export const newId = (prefix: string): string => `${prefix}_${randomUUID()}`;

export function organization(overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  const now = new Date();
  return {
    id: newId("org"),
    name: "Acme",
    settings: { mfa: "off", authMode: "password", provisioning: "invite", preset: "enterprise" },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function user(organizationId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  const now = new Date();
  return {
    id: newId("usr"),
    organizationId,
    email: `${randomUUID()}@example.test`,
    name: "Test User",
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

export function session(
  owner: { id: string; organizationId: string },
  overrides: Partial<SessionRecord> = {},
): SessionRecord {
  const now = new Date();
  return {
    tokenHash: newId("sess"),
    userId: owner.id,
    organizationId: owner.organizationId,
    stage: "authenticated",
    secondFactorVerified: false,
    createdAt: now,
    lastActiveAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
    ...overrides,
  };
}

export function token(
  owner: { id: string; organizationId: string },
  overrides: Partial<TokenRecord> = {},
): TokenRecord {
  const now = new Date();
  return {
    hash: newId("tok"),
    kind: "password-reset",
    userId: owner.id,
    organizationId: owner.organizationId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
    data: {},
    ...overrides,
  };
}

export function auditEntry(organizationId: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: newId("aud"),
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
