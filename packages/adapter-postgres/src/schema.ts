import type {
  AuditActor,
  OrganizationSettings,
  RoleRecord,
  SessionRecord,
  TokenRecord,
} from "@gatehousejs/core";
import type { ColumnType, Generated } from "kysely";

// The tables as kysely sees them. JSONB columns are written as JSON text and read back parsed, so their
// insert and update types are `string`; instants are `timestamptz` read back as `Date`.

/** A JSONB column: written as JSON text, read back parsed. */
export type JsonColumn<T> = ColumnType<T, string, string>;

/** `organizations`: the tenants. */
export interface OrganizationsTable {
  id: string;
  name: string;
  settings: JsonColumn<OrganizationSettings>;
  created_at: Date;
  updated_at: Date;
}

/** `users`: profile, credentials and factors; roles live in `user_roles`. */
export interface UsersTable {
  id: string;
  organization_id: string;
  /** Normalised; unique installation-wide through the unique index on `lower(email)`. */
  email: string;
  name: string;
  /** `name` lower-cased by JavaScript's rules, for the prefix search (the same rules as the e-mail's). */
  name_search: string;
  phone: string | null;
  status: "invited" | "active";
  password_hash: string | null;
  temporary_password_hash: string | null;
  temporary_password_expires_at: Date | null;
  password_change_required: boolean;
  totp_secret_sealed: string | null;
  /** `bigint`: read back as a string by `pg`, as a number by PGlite. */
  totp_last_used_step: ColumnType<string | number | null, number | null, number | null>;
  totp_enrolled_at: Date | null;
  pending_totp_sealed: string | null;
  mfa_phone: string | null;
  recovery_code_sealed: string | null;
  backup_code_hashes: JsonColumn<string[]>;
  created_at: Date;
  updated_at: Date;
  /** Bumped by every update, for hosts that want optimistic checks of their own. */
  version: Generated<number>;
}

/** `user_roles`: one row per role a user holds, `position` keeping the order they were given in. */
export interface UserRolesTable {
  user_id: string;
  role_id: string;
  organization_id: string;
  position: number;
}

/** `roles`: the custom roles of each organization. */
export interface RolesTable {
  organization_id: string;
  id: string;
  name: string;
  /** `name` lower-cased by JavaScript's rules: unique per organization. */
  name_key: string;
  description: string;
  permissions: JsonColumn<RoleRecord["permissions"]>;
  created_at: Date;
  updated_at: Date;
}

/** `sessions`, keyed by the SHA-256 of their token. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  organization_id: string;
  stage: SessionRecord["stage"];
  second_factor_verified: boolean;
  created_at: Date;
  last_active_at: Date;
  expires_at: Date;
}

/** `login_attempts`: the versioned attempt state of each sign-in key. */
export interface LoginAttemptsTable {
  key: string;
  /** The `AttemptState` with its instants as ISO strings. */
  state: JsonColumn<Record<string, unknown>>;
  /** An identity column: every write takes the next value (`bigint`, read back as a string by `pg`). */
  version: ColumnType<string | number, never, never>;
  expires_at: Date;
}

/** `tokens`: one-time secrets, keyed by their SHA-256; `user_id` has no foreign key (see the migration). */
export interface TokensTable {
  hash: string;
  kind: TokenRecord["kind"];
  user_id: string;
  organization_id: string;
  created_at: Date;
  expires_at: Date;
  data: JsonColumn<Record<string, string>>;
}

/** `audit_log`: append-only; `subject_user_id` has no foreign key so entries outlive their user. */
export interface AuditLogTable {
  id: string;
  organization_id: string;
  at: Date;
  action: string;
  actor_kind: AuditActor["kind"];
  actor_id: string | null;
  actor_email: string | null;
  subject_user_id: string | null;
  subject_email: string | null;
  details: JsonColumn<Record<string, unknown>>;
}

/**
 * The tables Gatehouse creates, as a kysely database interface, for hosts that query them directly
 * (reports, exports). Gatehouse itself accepts any `Kysely<…>`.
 */
export interface GatehouseTables {
  organizations: OrganizationsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  roles: RolesTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  tokens: TokensTable;
  audit_log: AuditLogTable;
}
