import type { IdentityLinkRecord, SsoConnectionRecord } from "../records.js";
import type { IdentityLinkRepository, SsoConnectionRepository } from "../store.js";
import { conflict, copy, Table } from "./table.js";

/** A domain claimed by an organization's connection: the memory form of a unique index on domains. */
export interface SsoDomainRow {
  readonly domain: string;
  readonly organizationId: string;
}

/** The tables of the SSO repositories (the store's own, or a transaction's layers). */
export interface SsoTables {
  /** Connections by organization id. */
  readonly ssoConnections: Table<SsoConnectionRecord>;
  /** Claimed domains by domain. */
  readonly ssoDomains: Table<SsoDomainRow>;
  /** Links by `issuer \n subject`. */
  readonly identityLinks: Table<IdentityLinkRecord>;
}

/** New, empty SSO tables. */
export function createSsoTables(): SsoTables {
  return { ssoConnections: new Table(), ssoDomains: new Table(), identityLinks: new Table() };
}

/** The memory `SsoConnectionRepository`. */
export function createMemorySsoConnections(tables: SsoTables, guard: () => void): SsoConnectionRepository {
  const { ssoConnections, ssoDomains } = tables;
  return {
    async save(connection) {
      guard();
      // Every check before any write: a refused save changes nothing.
      const taken = connection.domains.filter((domain) => {
        const holder = ssoDomains.get(domain);
        return holder !== undefined && holder.organizationId !== connection.organizationId;
      });
      if (taken.length > 0) {
        throw conflict(
          "Another organization's connection claims these domains.",
          taken.map((domain) => ({
            path: ["domains", domain],
            reason: "domain-taken",
            message: `${domain} is claimed by another organization.`,
          })),
        );
      }
      for (const domain of ssoConnections.get(connection.organizationId)?.domains ?? [])
        ssoDomains.delete(domain);
      for (const domain of connection.domains)
        ssoDomains.set(domain, { domain, organizationId: connection.organizationId });
      ssoConnections.set(connection.organizationId, copy(connection));
    },

    async findByOrganization(organizationId) {
      guard();
      const connection = ssoConnections.get(organizationId);
      return connection === undefined ? null : copy(connection);
    },

    async findByDomain(domain) {
      guard();
      const row = ssoDomains.get(domain);
      const connection = row === undefined ? undefined : ssoConnections.get(row.organizationId);
      return connection === undefined ? null : copy(connection);
    },

    async delete(organizationId) {
      guard();
      const connection = ssoConnections.get(organizationId);
      if (connection === undefined) return false;
      for (const domain of connection.domains) ssoDomains.delete(domain);
      return ssoConnections.delete(organizationId);
    },
  };
}

const linkId = (issuer: string, subject: string): string => `${issuer}\n${subject}`;

/** The memory `IdentityLinkRepository`; removing a user leaves their links, as the contract asks. */
export function createMemoryIdentityLinks(tables: SsoTables, guard: () => void): IdentityLinkRepository {
  const { identityLinks } = tables;
  return {
    async create(link) {
      guard();
      const id = linkId(link.issuer, link.subject);
      if (identityLinks.get(id) !== undefined) {
        const message = "This person is already linked to a user.";
        throw conflict(message, [{ path: ["subject"], reason: "already-linked", message }]);
      }
      identityLinks.set(id, copy(link));
    },

    async find(issuer, subject) {
      guard();
      const link = identityLinks.get(linkId(issuer, subject));
      return link === undefined ? null : copy(link);
    },

    async relink(issuer, subject, expectedUserId, link) {
      guard();
      const id = linkId(issuer, subject);
      if (identityLinks.get(id)?.userId !== expectedUserId) return false;
      identityLinks.set(id, copy({ ...link, issuer, subject }));
      return true;
    },

    async listByUser(userId) {
      guard();
      return [...identityLinks.values()].filter((link) => link.userId === userId).map(copy);
    },
  };
}
