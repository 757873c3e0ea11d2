import type { SsoConnectionRecord } from "@gatehousejs/core";
import type { JsonColumn } from "./schema.js";

// The tables of migration 0003 (SSO), as kysely sees them; kept apart from `schema.ts` with their repositories.

/** `sso_connections`: one per organization. */
export interface SsoConnectionsTable {
  organization_id: string;
  id: string;
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  scopes: JsonColumn<string[]>;
  domains: JsonColumn<string[]>;
  jit_provisioning: boolean;
  default_roles: JsonColumn<string[]>;
  second_factor: SsoConnectionRecord["secondFactor"];
  emergency_administrator_ids: JsonColumn<string[]>;
  created_at: Date;
  updated_at: Date;
}

/** `sso_domains`: the domains connections claim, unique installation-wide. */
export interface SsoDomainsTable {
  domain: string;
  organization_id: string;
}

/** `identity_links`: (issuer, subject) → user, with no foreign key to `users` (links outlive their user). */
export interface IdentityLinksTable {
  issuer: string;
  subject: string;
  user_id: string;
  organization_id: string;
  created_at: Date;
}

/** The SSO tables. */
export interface SsoTables {
  sso_connections: SsoConnectionsTable;
  sso_domains: SsoDomainsTable;
  identity_links: IdentityLinksTable;
}
