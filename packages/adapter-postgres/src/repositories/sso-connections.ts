import type { SsoConnectionRecord, SsoConnectionRepository } from "@gatehousejs/core";
import type { Kysely, Selectable } from "kysely";
import { atomically } from "../atomically.js";
import type { GatehouseTables } from "../schema.js";
import type { SsoConnectionsTable, SsoTables } from "../sso-schema.js";
import { conflictError, duplicateKeyOf, isUniqueViolation } from "../store-error.js";
import { fromJson, toDate, toJson } from "../values.js";

/** The SSO connection repository on one connection or transaction; domains live in `sso_domains`. */
export function createSsoConnectionRepository(gatehouseDb: Kysely<GatehouseTables>): SsoConnectionRepository {
  const db = gatehouseDb as unknown as Kysely<SsoTables>;
  return {
    async save(connection) {
      const domains = [...new Set(connection.domains)];
      await atomically(db, async (trx) => {
        const taken =
          domains.length === 0
            ? []
            : await trx
                .selectFrom("sso_domains")
                .select("domain")
                .where("domain", "in", domains)
                .where("organization_id", "<>", connection.organizationId)
                .execute();
        if (taken.length > 0) throw domainsTaken(taken.map((row) => row.domain));
        const values = toRow(connection);
        await trx
          .insertInto("sso_connections")
          .values(values)
          .onConflict((oc) => oc.column("organization_id").doUpdateSet(values))
          .execute();
        await trx
          .deleteFrom("sso_domains")
          .where("organization_id", "=", connection.organizationId)
          .execute();
        if (domains.length === 0) return;
        try {
          await trx
            .insertInto("sso_domains")
            .values(domains.map((domain) => ({ domain, organization_id: connection.organizationId })))
            .execute();
        } catch (error) {
          // Claimed by another organization between the check above and this insert.
          if (!isUniqueViolation(error, "sso_domains_pkey")) throw error;
          throw domainsTaken([duplicateKeyOf(error) ?? domains[0] ?? ""], error);
        }
      });
    },

    async findByOrganization(organizationId) {
      const row = await db
        .selectFrom("sso_connections")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .executeTakeFirst();
      return row === undefined ? null : toConnection(row);
    },

    async findByDomain(domain) {
      const row = await db
        .selectFrom("sso_domains")
        .innerJoin("sso_connections", "sso_connections.organization_id", "sso_domains.organization_id")
        .selectAll("sso_connections")
        .where("sso_domains.domain", "=", domain)
        .executeTakeFirst();
      return row === undefined ? null : toConnection(row);
    },

    async delete(organizationId) {
      // Its domains go with it (`on delete cascade`).
      const result = await db
        .deleteFrom("sso_connections")
        .where("organization_id", "=", organizationId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function domainsTaken(domains: readonly string[], cause?: unknown) {
  return conflictError(
    "Another organization's connection claims these domains.",
    domains.map((domain) => ({
      path: ["domains", domain],
      reason: "domain-taken",
      message: `${domain} is claimed by another organization.`,
    })),
    cause,
  );
}

function toRow(connection: SsoConnectionRecord) {
  return {
    organization_id: connection.organizationId,
    id: connection.id,
    issuer: connection.issuer,
    client_id: connection.clientId,
    client_secret_sealed: connection.clientSecretSealed,
    scopes: toJson(connection.scopes),
    domains: toJson(connection.domains),
    jit_provisioning: connection.jitProvisioning,
    default_roles: toJson(connection.defaultRoles),
    second_factor: connection.secondFactor,
    emergency_administrator_ids: toJson(connection.emergencyAdministratorIds),
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
  };
}

function toConnection(row: Selectable<SsoConnectionsTable>): SsoConnectionRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: fromJson(row.scopes),
    domains: fromJson(row.domains),
    jitProvisioning: row.jit_provisioning,
    defaultRoles: fromJson(row.default_roles),
    secondFactor: row.second_factor,
    emergencyAdministratorIds: fromJson(row.emergency_administrator_ids),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
