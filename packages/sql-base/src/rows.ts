import type {
  AuditRecord,
  OrganizationRecord,
  OrganizationSettings,
  RoleRecord,
  SessionRecord,
  TokenRecord,
} from "@gatehousejs/core";
import { fromJson, toBoolean, toJson } from "@gatehousejs/core/adapter-kit";
import type { Selectable } from "kysely";
import type { SqlDialect } from "./dialect.js";
import type { AuditLogTable, OrganizationsTable, RolesTable, SessionsTable, TokensTable } from "./schema.js";

// How each record maps to its row and back (the users' are in user-rows.ts). Instants go through the dialect,
// so a database that keeps them otherwise than as `Date`s converts them in one place.

type Instant = SqlDialect["fromInstant"];

/** The organization a row stands for. */
export function toOrganization(row: Selectable<OrganizationsTable>, instant: Instant): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    settings: fromJson<OrganizationSettings>(row.settings),
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
  };
}

/** The custom role a row stands for. */
export function toRole(row: Selectable<RolesTable>, instant: Instant): RoleRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    description: row.description,
    permissions: fromJson<RoleRecord["permissions"]>(row.permissions),
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
  };
}

/** The session a row stands for. */
export function toSession(row: Selectable<SessionsTable>, instant: Instant): SessionRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    organizationId: row.organization_id,
    stage: row.stage,
    secondFactorVerified: toBoolean(row.second_factor_verified),
    createdAt: instant(row.created_at),
    lastActiveAt: instant(row.last_active_at),
    expiresAt: instant(row.expires_at),
    principal: row.principal ?? null,
  };
}

/** The one-time token a row stands for. */
export function toToken(row: Selectable<TokensTable>, instant: Instant): TokenRecord {
  return {
    hash: row.hash,
    kind: row.kind,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: instant(row.created_at),
    expiresAt: instant(row.expires_at),
    data: fromJson<Record<string, string>>(row.data),
  };
}

/** The audit row of an entry. */
export function toAuditRow(entry: AuditRecord, dialect: SqlDialect) {
  return {
    id: entry.id,
    organization_id: entry.organizationId,
    at: dialect.toInstant(entry.at) as Date,
    action: entry.action,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    actor_email: entry.actor.email,
    subject_user_id: entry.subjectUserId,
    subject_email: entry.subjectEmail,
    details: toJson(entry.details),
  };
}

/** The audit entry a row stands for. */
export function toAuditRecord(row: Selectable<AuditLogTable>, instant: Instant): AuditRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    at: instant(row.at),
    action: row.action,
    actor: { kind: row.actor_kind, id: row.actor_id, email: row.actor_email },
    subjectUserId: row.subject_user_id,
    subjectEmail: row.subject_email,
    details: fromJson<Record<string, unknown>>(row.details),
  };
}
