import type { DurableRepositories, Store } from "@gatehousejs/core";
import { createStoreErrorMapper, guardRepository, runStoreTransaction } from "@gatehousejs/core/adapter-kit";
import type { Kysely } from "kysely";
import type { SqlContext } from "./context.js";
import type { SqlDialect } from "./dialect.js";
import { createAttemptRepository } from "./repositories/attempts.js";
import { createAuditRepository } from "./repositories/audit.js";
import { createIdentityLinkRepository } from "./repositories/identity-links.js";
import { createOrganizationRepository } from "./repositories/organizations.js";
import { createRoleRepository } from "./repositories/roles.js";
import { createSessionRepository } from "./repositories/sessions.js";
import { createSsoConnectionRepository } from "./repositories/sso-connections.js";
import { createTokenRepository } from "./repositories/tokens.js";
import { createUserRepository } from "./repositories/users.js";
import type { GatehouseTables } from "./schema.js";
import { checkSchemaName } from "./schema-name.js";

/** Options of {@link createSqlStore}. */
export interface SqlStoreOptions<DB> {
  /** The host's kysely instance; its database type does not matter: Gatehouse only touches its own tables. */
  readonly db: Kysely<DB>;
  /** The schema (PostgreSQL) or database (MySQL) holding the Gatehouse tables. @default the connection's */
  readonly schema?: string;
}

/**
 * The Gatehouse store on a SQL database: every repository, written once, over the dialect's hooks; every
 * method throws only Gatehouse errors, and `transaction` follows the kit's rules.
 * @example
 * export const createMyStore = (options: SqlStoreOptions<unknown>) => createSqlStore(myDialect, options);
 */
export function createSqlStore<DB>(dialect: SqlDialect, options: SqlStoreOptions<DB>): Store {
  const { schema } = options;
  if (schema !== undefined) checkSchemaName(schema);
  const toStoreError = createStoreErrorMapper(dialect);
  const bind = (db: Kysely<GatehouseTables>): SqlContext => ({
    db: schema === undefined ? db : db.withSchema(schema),
    dialect,
  });
  const durable = (ctx: SqlContext, check?: () => void): DurableRepositories => ({
    organizations: guardRepository("organizations", createOrganizationRepository(ctx), toStoreError, check),
    users: guardRepository("users", createUserRepository(ctx), toStoreError, check),
    roles: guardRepository("roles", createRoleRepository(ctx), toStoreError, check),
    audit: guardRepository("audit", createAuditRepository(ctx), toStoreError, check),
    ssoConnections: guardRepository(
      "ssoConnections",
      createSsoConnectionRepository(ctx),
      toStoreError,
      check,
    ),
    identityLinks: guardRepository("identityLinks", createIdentityLinkRepository(ctx), toStoreError, check),
  });
  const base = options.db as unknown as Kysely<GatehouseTables>;
  const ctx = bind(base);

  const store: Store = {
    ...durable(ctx),
    sessions: guardRepository("sessions", createSessionRepository(ctx), toStoreError),
    attempts: guardRepository("attempts", createAttemptRepository(ctx), toStoreError),
    tokens: guardRepository("tokens", createTokenRepository(ctx), toStoreError),
    transaction<T>(fn: (tx: DurableRepositories) => Promise<T>): Promise<T> {
      return runStoreTransaction<Kysely<GatehouseTables>, T>(
        {
          owner: store,
          begin: (body) => dialect.transaction(base, body),
          repositories: (trx, check) => durable(bind(trx), check),
          toStoreError,
        },
        fn,
      );
    },
  };
  return store;
}
