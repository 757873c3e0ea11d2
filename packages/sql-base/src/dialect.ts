import type { ErrorClassifier } from "@gatehousejs/core/adapter-kit";
import type {
  AliasedExpression,
  CompiledQuery,
  ExpressionBuilder,
  Kysely,
  RawBuilder,
  SqlBool,
} from "kysely";
import type { GatehouseTables } from "./schema.js";

/**
 * What differs between SQL databases, and nothing else: the base's repositories are written once over these
 * hooks. Each hook states the contract of `store.ts` it carries.
 */
export interface SqlDialect {
  /** The database's name in messages, e.g. `"PostgreSQL"`. */
  readonly name: string;
  /** Reads the driver's errors: unique violations name their index (`"primary"` for a primary key). */
  readonly classify: ErrorClassifier;
  /** What to do when the tables are missing, e.g. `"run migrateToLatest(db) with the store's schema"`. */
  readonly missingSchemaHint: string;
  /**
   * Whether `INSERT`/`UPDATE`/`DELETE … RETURNING` exists. Without it the base reads rows back, and consumes a
   * token by reading it, then deleting it only if it is still there (the delete's row count picks the winner).
   */
  readonly returning: boolean;
  /**
   * Optional: how one INSERT skips rows whose primary key is stored (the audit log's `appendIfAbsent`):
   * `"on-conflict"` is `ON CONFLICT DO NOTHING` (PostgreSQL, SQLite), `"on-duplicate-key"` is
   * `ON DUPLICATE KEY UPDATE id = id` (MySQL, MariaDB). Without it the stored ids are read first, then the
   * rest inserted (two round trips, retried when a concurrent writer wins).
   */
  readonly insertSkippingDuplicates?: "on-conflict" | "on-duplicate-key";
  /**
   * Runs `body` in a transaction whose reads after `organizations.lock` see what the transactions it waited for
   * committed: READ COMMITTED (MySQL's default REPEATABLE READ keeps the first read's snapshot).
   */
  readonly transaction: <T>(
    db: Kysely<GatehouseTables>,
    body: (trx: Kysely<GatehouseTables>) => Promise<T>,
  ) => Promise<T>;
  /**
   * Inside a transaction, blocks every other transaction locking the same organization until it ends, whether
   * or not the organization's row exists (`SELECT … FOR UPDATE`, then an advisory or named lock).
   */
  readonly lockOrganization: (trx: Kysely<GatehouseTables>, id: string) => Promise<void>;
  /** The user's role ids, ordered by `user_roles.position`, as one JSON array (or JSON text) named `roles`. */
  readonly selectRoles: (
    eb: ExpressionBuilder<GatehouseTables, "users">,
  ) => AliasedExpression<string[] | string | null, "roles">;
  /**
   * The e-mail key the unique index holds, of the column and of a value: ASCII letters lower-cased, nothing else
   * folded (the column's collation must be binary and NO PAD).
   */
  readonly emailKey: {
    readonly column: () => RawBuilder<string>;
    readonly value: (email: string) => RawBuilder<string>;
    /** The same key computed in JavaScript, to tell which address of a batch the database found or refused. */
    readonly of: (email: string) => string;
  };
  /**
   * Whether the text `column` starts with `prefix`, compared exactly (the search and the columns it reads are
   * lower-cased already), with `%`, `_` and the like taken as plain characters.
   * @default `column LIKE 'prefix%'` with a backslash as the escape (PostgreSQL's and MySQL's default); SQLite's
   * LIKE has no default escape and folds ASCII case, so its dialect answers with GLOB.
   */
  readonly startsWith?: (
    column: "email" | "name_search" | "family_name_search",
    prefix: string,
  ) => RawBuilder<SqlBool>;
  /**
   * The FROM of the user listing's page query, when the planner needs a hint to range-scan `users_listing_idx`
   * from a cursor (MariaDB picks a `ref` on the organization and reads every entry before the cursor).
   * @default the `users` table
   */
  readonly usersListingFrom?: () => RawBuilder<unknown>;
  /**
   * Has the driver prepare a statement the base runs on every sign-in (the user with their organization) once per
   * connection. Called once per repository with the compiled query, before its first run; answers how to turn
   * each call's query (the same text, its own parameters) into the one to send, or `null` to send the text each
   * time. Planning that join costs PostgreSQL several times the round trip; a named statement is planned once
   * per connection.
   * @default the text each time
   */
  readonly prepareStatement?: (
    db: Kysely<GatehouseTables>,
    compiled: CompiledQuery,
  ) => Promise<(<R>(query: CompiledQuery<R>) => CompiledQuery<R>) | null>;
  /** JSON string arrays (the backup codes): whether `column` holds `value`, and the array without it. */
  readonly jsonArray: {
    readonly contains: (column: string, value: string) => RawBuilder<boolean>;
    readonly remove: (column: string, value: string) => RawBuilder<string>;
  };
  /**
   * The value of `login_attempts.version` for a write: from a source that never goes back (an identity, a
   * sequence), so no version repeats for a key after a delete.
   */
  readonly nextAttemptVersion: (db: Kysely<GatehouseTables>) => Promise<RawBuilder<number> | number>;
  /** The parameter of an instant column; the identity where the driver binds a `Date` as an instant. */
  readonly toInstant: (at: Date) => unknown;
  /** The `Date` of an instant column as the driver read it. */
  readonly fromInstant: (value: unknown) => Date;
}
