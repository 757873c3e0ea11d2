import type { SsoConnectionRecord, SsoConnectionRepository } from "@gatehousejs/core";
import { conflictError, fromJson, toBoolean, toJson } from "@gatehousejs/core/adapter-kit";
import type { Selectable } from "kysely";
import { duplicateKeyOf, isUniqueViolation, type SqlContext } from "../context.js";
import type { SqlDialect } from "../dialect.js";
import { atomically } from "../savepoints.js";
import type { SsoConnectionsTable } from "../schema.js";

/** The SSO connection repository on one connection or transaction; the claimed domains live in `sso_domains`. */
export function createSsoConnectionRepository({ db, dialect }: SqlContext): SsoConnectionRepository {
  return {
    async save(connection) {
      const { organizationId } = connection;
      const domains = [...new Set(connection.domains)];
      await atomically(db, async (trx) => {
        // Saves of one organization one at a time, so the replacement below (a delete, then inserts) is whole.
        await dialect.lockOrganization(trx, organizationId);
        // Every claimed domain is named before anything is written: a refused save changes nothing.
        const taken =
          domains.length === 0
            ? []
            : await trx
                .selectFrom("sso_domains")
                .select("domain")
                .where("domain", "in", domains)
                .where("organization_id", "<>", organizationId)
                .execute();
        if (taken.length > 0) throw domainsTaken(taken.map((row) => row.domain));
        // Its domains go with the old connection (`on delete cascade`).
        await trx.deleteFrom("sso_connections").where("organization_id", "=", organizationId).execute();
        await trx.insertInto("sso_connections").values(toRow(connection, dialect)).execute();
        if (domains.length === 0) return;
        try {
          await trx
            .insertInto("sso_domains")
            .values(domains.map((domain) => ({ domain, organization_id: organizationId })))
            .execute();
        } catch (error) {
          // Claimed by another organization between the check above and this insert.
          if (!isUniqueViolation(dialect, error, "primary")) throw error;
          const key = duplicateKeyOf(dialect, error);
          throw domainsTaken(domains.includes(key ?? "") ? [key as string] : domains, error);
        }
      });
    },

    async findByOrganization(organizationId) {
      const row = await db
        .selectFrom("sso_connections")
        .selectAll()
        .where("organization_id", "=", organizationId)
        .executeTakeFirst();
      return row === undefined ? null : toConnection(row, dialect);
    },

    async findByDomain(domain) {
      const row = await db
        .selectFrom("sso_domains")
        .innerJoin("sso_connections", "sso_connections.organization_id", "sso_domains.organization_id")
        .selectAll("sso_connections")
        .where("sso_domains.domain", "=", domain)
        .executeTakeFirst();
      return row === undefined ? null : toConnection(row, dialect);
    },

    async delete(organizationId) {
      // Its domains go with it (`on delete cascade`).
      const result = await db
        .deleteFrom("sso_connections")
        .where("organization_id", "=", organizationId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
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

function toRow(connection: SsoConnectionRecord, dialect: SqlDialect) {
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
    created_at: dialect.toInstant(connection.createdAt) as Date,
    updated_at: dialect.toInstant(connection.updatedAt) as Date,
  };
}

function toConnection(row: Selectable<SsoConnectionsTable>, dialect: SqlDialect): SsoConnectionRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecretSealed: row.client_secret_sealed,
    scopes: fromJson<string[]>(row.scopes),
    domains: fromJson<string[]>(row.domains),
    jitProvisioning: toBoolean(row.jit_provisioning),
    defaultRoles: fromJson<string[]>(row.default_roles),
    secondFactor: row.second_factor,
    emergencyAdministratorIds: fromJson<string[]>(row.emergency_administrator_ids),
    createdAt: dialect.fromInstant(row.created_at),
    updatedAt: dialect.fromInstant(row.updated_at),
  };
}
