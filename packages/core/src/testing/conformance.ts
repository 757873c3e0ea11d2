import { afterAll, beforeAll, describe } from "vitest";
import type { Store } from "../store/store.js";
import { createSuiteContext, type RepositoryName } from "./context.js";
import { describeAttemptSwap } from "./suites/attempt-swap.js";
import { describeAttemptVersions } from "./suites/attempt-versions.js";
import { describeAttempts } from "./suites/attempts.js";
import { describeAudit, describeAuditOutbox } from "./suites/audit.js";
import { describeAuthorizationVersions } from "./suites/authorization-versions.js";
import { describeConflictFields } from "./suites/conflict-fields.js";
import { describeInstants } from "./suites/instants.js";
import { describeKeyEquality } from "./suites/key-equality.js";
import { describeLockIsolation } from "./suites/lock-isolation.js";
import { describeOrganizations } from "./suites/organizations.js";
import { describeRoles } from "./suites/roles.js";
import { describeSessions } from "./suites/sessions.js";
import { describeSignInCommit } from "./suites/sign-in-commit.js";
import { describeSso } from "./suites/sso.js";
import { describeTokens } from "./suites/tokens.js";
import { describeTransaction } from "./suites/transaction.js";
import { describeUserWithOrganization } from "./suites/user-with-organization.js";
import { describeUsers } from "./suites/users.js";

const ALL_REPOSITORIES: readonly RepositoryName[] = [
  "organizations",
  "users",
  "roles",
  "sessions",
  "attempts",
  "tokens",
  "audit",
  "ssoConnections",
  "identityLinks",
];

const DURABLE_REPOSITORIES: readonly RepositoryName[] = ["organizations", "users", "roles", "audit"];

/** The options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /** Names the suite in the test report, e.g. `"postgres (PGlite)"`. */
  name: string;
  /**
   * Creates the store under test, once for the whole suite: a fresh, empty store, or one whose data cannot
   * collide with the tests' (they use random ids and addresses, so a durable database may be reused). An
   * adapter providing only some repositories returns just those (e.g. `createRedisStore(…)`).
   */
  create: () => Partial<Store> | Promise<Partial<Store>>;
  /**
   * Which repositories the store provides; `transaction` is tested when every durable one is listed, and the
   * optional `auditOutbox` and `signInCommit` only when listed.
   * @default every repository but the optional `auditOutbox` and `signInCommit`
   */
  repositories?: ReadonlyArray<RepositoryName>;
  /**
   * Stores `raw` as the attempt state of `key` exactly as given, past the adapter's codec (e.g. an UPDATE of
   * the row's JSON), so the suite can check that a damaged record fails closed. The suite calls it only on a
   * key it has stored a state under. Without it, the damaged-record cases are not declared.
   */
  corruptAttempt?: (key: string, raw: unknown) => Promise<void>;
  /**
   * Creates a second store over the same data through a connection set to another time zone than
   * `create`'s (a `pg` pool with `options: "-c TimeZone=Pacific/Chatham"`, a mysql2 pool with another
   * `timezone`), so the suite can check that an instant written through one reads back the same through the
   * other. Every SQL adapter should pass it: a column of wall-clock time passes every other case.
   */
  createInOtherTimeZone?: () => Partial<Store> | Promise<Partial<Store>>;
  /** Called after all tests, e.g. to close pools. */
  teardown?: () => Promise<void>;
}

/**
 * Declares the storage conformance suite: every contract of the `Store` ports, including the atomic and
 * concurrent cases, as vitest tests named for the behaviour. Every adapter runs it against its real engine.
 * @example
 * describeStoreConformance({
 *   name: "redis",
 *   repositories: ["sessions", "attempts", "tokens", "auditOutbox", "signInCommit"],
 *   create: () => createRedisStore({ redis, keyPrefix: `gh-test-${process.pid}:` }),
 *   teardown: async () => void (await redis.quit()),
 * });
 */
export function describeStoreConformance(options: StoreConformanceOptions): void {
  const provided = new Set<RepositoryName>(options.repositories ?? ALL_REPOSITORIES);
  const provides = (name: RepositoryName): boolean => provided.has(name);
  const withTransaction = DURABLE_REPOSITORIES.every(provides);
  let store: Store | null = null;
  let other: Store | null = null;

  describe(`store conformance: ${options.name}`, () => {
    beforeAll(async () => {
      const created = await options.create();
      const missing = [...provided].filter((name) => created[name] === undefined);
      if (withTransaction && typeof created.transaction !== "function")
        missing.push("transaction" as RepositoryName);
      if (missing.length > 0) {
        throw new Error(
          `The store "${options.name}" lacks what it claims to provide: ${missing.join(", ")}.`,
        );
      }
      // Only the provided repositories are ever reached: the cases of the others are not declared.
      store = created as Store;
      if (options.createInOtherTimeZone) other = (await options.createInOtherTimeZone()) as Store;
    });
    afterAll(async () => {
      await options.teardown?.();
    });

    const ctx = createSuiteContext(() => {
      if (store === null) throw new Error("The store under test was not created (see the beforeAll error).");
      return store;
    }, provides);

    if (provides("organizations")) describeOrganizations(ctx);
    if (provides("users")) describeUsers(ctx);
    if (provides("users") && provides("organizations")) describeUserWithOrganization(ctx);
    if (provides("roles")) describeRoles(ctx);
    if (provides("audit")) describeAudit(ctx);
    if (provides("auditOutbox")) describeAuditOutbox(ctx);
    if (provides("signInCommit")) describeSignInCommit(ctx);
    if (withTransaction) describeTransaction(ctx);
    if (provides("sessions")) describeSessions(ctx);
    if (provides("sessions")) describeAuthorizationVersions(ctx);
    if (provides("attempts")) describeAttempts(ctx, options.corruptAttempt);
    if (provides("tokens")) describeTokens(ctx);
    if (provides("ssoConnections") && provides("identityLinks")) describeSso(ctx);
    if ((["users", "roles", "ssoConnections", "identityLinks"] as const).some(provides))
      describeKeyEquality(ctx);
    if (withTransaction) describeLockIsolation(ctx);
    if (provides("attempts")) describeAttemptVersions(ctx);
    if (provides("attempts")) describeAttemptSwap(ctx);
    describeConflictFields(ctx);
    describeInstants(
      ctx,
      options.createInOtherTimeZone === undefined
        ? undefined
        : () => {
            if (other === null)
              throw new Error("The second store was not created (see the beforeAll error).");
            return other;
          },
    );
  });
}
