import { AsyncLocalStorage } from "node:async_hooks";
import { GatehouseError } from "../errors.js";
import { createMemoryAttempts } from "./memory/attempts.js";
import { createMemoryAudit } from "./memory/audit.js";
import { createMemoryOrganizations } from "./memory/organizations.js";
import { createMemoryRoles, createRolesTable } from "./memory/roles.js";
import { createMemorySessions } from "./memory/sessions.js";
import {
  createMemoryIdentityLinks,
  createMemorySsoConnections,
  createSsoTables,
  type SsoTables,
} from "./memory/sso.js";
import { Table } from "./memory/table.js";
import { createMemoryTokens } from "./memory/tokens.js";
import { createMemoryUsers, createUsersTable } from "./memory/users.js";
import type { AuditRecord, OrganizationRecord, RoleRecord, UserRecord } from "./records.js";
import type { DurableRepositories, Store } from "./store.js";

interface DurableTables extends SsoTables {
  readonly organizations: Table<OrganizationRecord>;
  readonly users: Table<UserRecord>;
  readonly roles: Table<RoleRecord>;
  readonly audit: Table<AuditRecord>;
}

/**
 * A complete store held in memory: for tests, examples and single-process demos. It honours every contract of
 * `Store`, including real rollback and the atomic operations, and hands out copies, never its own objects.
 * @example const gatehouse = createGatehouse({ store: createMemoryStore(), mailer, secrets });
 */
export function createMemoryStore(): Store {
  const tables: DurableTables = {
    organizations: new Table<OrganizationRecord>(),
    users: createUsersTable(),
    roles: createRolesTable(),
    audit: new Table<AuditRecord>(),
    ...createSsoTables(),
  };
  // Marks the async context of a running transaction, to refuse a nested one: it would wait for the
  // transaction that waits for it, and hang instead of failing.
  const context = new AsyncLocalStorage<{ active: boolean }>();
  // Transactions run one after another, chained on this promise: the simplest isolation that makes
  // `organizations.lock` hold (every transaction holds every lock) and read-then-write sequences safe.
  let queue: Promise<void> = Promise.resolve();

  async function transaction<T>(fn: (tx: DurableRepositories) => Promise<T>): Promise<T> {
    if (context.getStore()?.active) {
      throw new GatehouseError(
        "CONFIGURATION",
        "A transaction was started inside another: use the repositories the outer transaction passes.",
      );
    }
    const previous = queue;
    let release = (): void => {};
    queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    const scope = { active: true };
    // Each transaction writes to copy-on-write layers; the shared tables change only when it commits, so a
    // throw anywhere in `fn` leaves them exactly as they were. Writes made outside the transaction meanwhile
    // go straight to the shared tables, and the layers see them where they did not write themselves.
    const layers: DurableTables = {
      organizations: tables.organizations.layer(),
      users: tables.users.layer(),
      roles: tables.roles.layer(),
      audit: tables.audit.layer(),
      ssoConnections: tables.ssoConnections.layer(),
      ssoDomains: tables.ssoDomains.layer(),
      identityLinks: tables.identityLinks.layer(),
    };
    const guard = (): void => {
      if (!scope.active) {
        throw new GatehouseError("CONFIGURATION", "A transaction's repositories were used after it ended.");
      }
    };
    try {
      const result = await context.run(scope, () => fn(bindDurable(layers, guard)));
      const all = Object.values(layers) as Table<unknown>[];
      // Every check before any write, so a conflict found at commit leaves every table untouched.
      for (const layer of all) layer.checkCommit();
      for (const layer of all) layer.applyCommit();
      return result;
    } finally {
      scope.active = false;
      release();
    }
  }

  return {
    ...bindDurable(tables, () => {}),
    sessions: createMemorySessions(),
    attempts: createMemoryAttempts(),
    tokens: createMemoryTokens(),
    transaction,
  };
}

function bindDurable(tables: DurableTables, guard: () => void): DurableRepositories {
  const organizations = createMemoryOrganizations(tables.organizations, guard);
  const users = createMemoryUsers(tables.users, guard);
  return {
    organizations,
    users: {
      ...users,
      // Both tables are this store's, so the pair is read in one step as a join would.
      async findByEmailWithOrganization(email) {
        const user = await users.findByEmail(email);
        return user === null
          ? null
          : { user, organization: await organizations.findById(user.organizationId) };
      },
    },
    roles: createMemoryRoles(tables.roles, guard),
    audit: createMemoryAudit(tables.audit, guard),
    ssoConnections: createMemorySsoConnections(tables, guard),
    identityLinks: createMemoryIdentityLinks(tables, guard),
  };
}
