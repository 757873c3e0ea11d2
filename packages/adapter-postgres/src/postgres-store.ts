import { type DurableRepositories, GatehouseError, type Store } from "@gatehousejs/core";
import type { Kysely } from "kysely";
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
import { guardRepository, toStoreError } from "./store-error.js";
import { type TransactionScope, transactionScope } from "./transaction-scope.js";

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions<DB> {
  /**
   * The host's kysely instance on PostgreSQL (a `pg` pool) or on PGlite (`createPGliteDialect`). Its
   * database type does not matter: Gatehouse only touches its own tables.
   */
  readonly db: Kysely<DB>;
  /**
   * The PostgreSQL schema holding the Gatehouse tables; the same as given to `migrateToLatest`.
   * @default the connection's search_path (normally `public`)
   */
  readonly schema?: string;
}

/**
 * The Gatehouse store on PostgreSQL: every repository, and transactions of the durable ones.
 * @example
 * const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString }) }) });
 * await migrateToLatest(db, { schema: "gatehouse" });
 * const store = createPostgresStore({ db, schema: "gatehouse" });
 */
export function createPostgresStore<DB>(options: PostgresStoreOptions<DB>): Store {
  const { schema } = options;
  if (schema !== undefined) checkSchemaName(schema);
  const bind = (db: Kysely<unknown>): Kysely<GatehouseTables> => {
    const typed = db as unknown as Kysely<GatehouseTables>;
    return schema === undefined ? typed : typed.withSchema(schema);
  };
  const base = options.db as Kysely<unknown>;
  const db = bind(base);

  const store: Store = {
    ...createDurableRepositories(db),
    sessions: guardRepository("sessions", createSessionRepository(db)),
    attempts: guardRepository("attempts", createAttemptRepository(db)),
    tokens: guardRepository("tokens", createTokenRepository(db)),

    async transaction(fn) {
      const outer = transactionScope.getStore();
      if (outer?.active && outer.owner === store) {
        // The inner one would wait for row locks (or, on PGlite, the connection) that the outer one holds.
        throw new GatehouseError(
          "CONFIGURATION",
          "A transaction was started inside another: use the repositories the outer transaction passes.",
        );
      }
      const scope: TransactionScope = { owner: store, active: true };
      const check = (): void => {
        if (!scope.active) {
          throw new GatehouseError("CONFIGURATION", "A transaction's repositories were used after it ended.");
        }
      };
      let failure: { error: unknown } | undefined;
      try {
        return await transactionScope.run(scope, () =>
          base.transaction().execute(async (trx) => {
            try {
              return await fn(createDurableRepositories(bind(trx), check));
            } catch (error) {
              failure = { error };
              throw error;
            }
          }),
        );
      } catch (error) {
        // The callback's own error goes back as it was thrown; a failure to begin or commit is the store's.
        if (failure !== undefined && failure.error === error) throw error;
        throw toStoreError(error, "transaction");
      } finally {
        scope.active = false;
      }
    },
  };
  return store;
}

function createDurableRepositories(db: Kysely<GatehouseTables>, check?: () => void): DurableRepositories {
  return {
    organizations: guardRepository("organizations", createOrganizationRepository(db), check),
    users: guardRepository("users", createUserRepository(db), check),
    roles: guardRepository("roles", createRoleRepository(db), check),
    audit: guardRepository("audit", createAuditRepository(db), check),
    ssoConnections: guardRepository("ssoConnections", createSsoConnectionRepository(db), check),
    identityLinks: guardRepository("identityLinks", createIdentityLinkRepository(db), check),
  };
}
