import type { AttemptState } from "../policy/lockout.js";
import type { TokenKind } from "../policy/token.js";
import type {
  AuditRecord,
  IdentityLinkRecord,
  OrganizationRecord,
  Page,
  RoleRecord,
  SessionRecord,
  SsoConnectionRecord,
  TokenRecord,
  UserPatch,
  UserRecord,
} from "./records.js";

// The ports. Every method MAY throw `StorageUnavailableError` when its backend fails, and MUST NOT throw a
// driver's own error. A conflict on a unique key MUST be a `GatehouseError("CONFLICT")` whose details name
// the field (`details.issues[].path`), as each method below says.
//
// Keys are compared exactly. Two e-mail addresses are one address when they are equal once ASCII letters are
// lower-cased: addresses arrive normalised (trimmed, NFC, lower-cased), so a store MAY fold more case than
// that, and MUST NOT fold anything else. An accent (`jose@` and `josé@`), a decomposed form, a trailing
// space or a compatibility form makes another address; an accent- or pad-insensitive collation breaks this
// (MySQL and MariaDB compare `'a' = 'a '` as true even under `utf8mb4_bin`). Role names are one name when
// equal after JavaScript's `toLowerCase`, and otherwise compared exactly.
//
// Listings ordered by a string order it by Unicode code point (a binary collation, `"C"` in PostgreSQL:
// `a_b` before `aab`, `z` before `é`), and their cursors compare the same way, so no row is skipped or
// repeated between pages.
//
// Instants are stored as instants: every `Date` reads back as the same millisecond, whatever time zone the
// connection, the pool or the server is set to, and before 1970 or after 2038 as well.

/** Organizations (tenants) and their settings. */
export interface OrganizationRepository {
  /** Stores a new organization. MUST throw CONFLICT (`path: ["id"]`) when the id exists. */
  create(organization: OrganizationRecord): Promise<void>;
  findById(id: string): Promise<OrganizationRecord | null>;
  /** Applies the patch and returns the updated record, or `null` when there is no such organization. */
  update(
    id: string,
    patch: Partial<Pick<OrganizationRecord, "name" | "settings" | "updatedAt">>,
  ): Promise<OrganizationRecord | null>;
  /**
   * Inside a transaction, MUST block every other transaction that locks the same organization until this one
   * ends (e.g. `SELECT … FOR UPDATE`): the "last administrator" check relies on it. It MUST block whether or
   * not the organization's row exists yet (no row to lock is no excuse: take a named or advisory lock). Every
   * read the transaction makes after `lock` returns MUST see what the transactions it waited for committed,
   * even when it read something before locking: a snapshot taken at the first read (MySQL's default
   * REPEATABLE READ) breaks this, so run such transactions READ COMMITTED. Outside one MAY do nothing.
   */
  lock(id: string): Promise<void>;
}

/** A user and their organization, read together by `UserRepository.findByEmailWithOrganization`. */
export interface UserWithOrganization {
  readonly user: UserRecord;
  /** `null` when the user's organization does not exist. */
  readonly organization: OrganizationRecord | null;
}

/** Options of `UserRepository.list`. */
export interface UserListQuery {
  readonly organizationId: string;
  /**
   * Case-insensitive prefix of the e-mail address, of the family name, or of the display name (`displayNameOf`:
   * given then family, so a given-name prefix and "ann le" for Ann Lee both match). Lower-cased by
   * JavaScript's `toLowerCase`, and a user matching several ways MUST be listed once.
   */
  readonly search?: string;
  /** From the previous page's `nextCursor`; opaque to callers. */
  readonly cursor?: string | null;
  readonly limit: number;
}

/** Users, their credentials and factors. E-mail addresses are stored normalised. */
export interface UserRepository {
  /**
   * Stores new users, all or none. MUST throw CONFLICT naming each e-mail that is already registered, one issue
   * per address (`path: [email]`, `reason: "already-registered"`), and MUST throw CONFLICT when the batch
   * itself repeats an address (`path: [email]`, `reason: "duplicate"`) or an id exists (`path: ["id"]`).
   */
  createMany(users: readonly UserRecord[]): Promise<void>;
  findById(id: string): Promise<UserRecord | null>;
  /** The user with this normalised address, in any organization: an address is one user installation-wide. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Optional: `findByEmail` and the user's organization (`organizations.findById(user.organizationId)`, `null`
   * when it does not exist) read together, in one round trip (a join): what a sign-in needs before the
   * password is checked. Provide it only where the store's own organizations are the ones the service reads
   * (a store whose `organizations` come from another adapter must leave it out); without it the service
   * makes the two calls.
   */
  findByEmailWithOrganization?(email: string): Promise<UserWithOrganization | null>;
  /** Which of these normalised addresses are registered, in any organization. */
  findRegisteredEmails(emails: readonly string[]): Promise<string[]>;
  /**
   * Applies the patch; returns the updated user or `null`. MUST throw CONFLICT (`path: ["email"]`,
   * `reason: "already-registered"`) when a new e-mail is taken.
   */
  update(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /**
   * Records that TOTP time step `step` was used, only if it is later than the last one recorded.
   * MUST be atomic: of concurrent callers with the same or an earlier step, at most one gets `true`.
   * `false` when the user has no TOTP factor (enrolment stores the first step with the factor itself).
   */
  advanceTotpStep(id: string, step: number): Promise<boolean>;
  /**
   * Replaces the sealed recovery code with `nextSealed`, only if the stored one is still `expectedSealed`.
   * MUST be atomic (a compare-and-set, e.g. a conditional UPDATE): of concurrent callers with the same
   * `expectedSealed`, exactly one gets `true`, so one recovery code signs in once. `false` for an unknown user.
   */
  rotateRecoveryCode(id: string, expectedSealed: string, nextSealed: string): Promise<boolean>;
  /**
   * Removes one backup-code hash from the user's unused codes, only if it is still there.
   * MUST be atomic: of concurrent callers with the same hash, exactly one gets `true`; the other codes stay.
   */
  spendBackupCode(id: string, hash: string): Promise<boolean>;
  /** Deletes the user; returns whether it existed. Their sessions and tokens are the service's to end. */
  delete(id: string): Promise<boolean>;
  /** Users of one organization ordered by e-mail, keyset-paginated. */
  list(query: UserListQuery): Promise<Page<UserRecord>>;
  /** How many users of the organization hold at least one of these role ids, not counting `exceptUserId`. */
  countWithAnyRole(
    organizationId: string,
    roleIds: readonly string[],
    exceptUserId?: string,
  ): Promise<number>;
  /** Removes a role id from every user of the organization that holds it (a custom role was deleted). */
  removeRole(organizationId: string, roleId: string): Promise<void>;
}

/** Custom roles of each organization; the default roles live in the matrix. */
export interface RoleRepository {
  /**
   * MUST throw CONFLICT (path `["name"]`) when the organization has a role of the same name, case-insensitive,
   * and CONFLICT (path `["id"]`) when the id exists.
   */
  create(role: RoleRecord): Promise<void>;
  /** The role with this id in this organization; another organization's role is `null`. */
  findById(organizationId: string, id: string): Promise<RoleRecord | null>;
  list(organizationId: string): Promise<RoleRecord[]>;
  update(
    organizationId: string,
    id: string,
    patch: Partial<Pick<RoleRecord, "name" | "description" | "permissions" | "updatedAt">>,
  ): Promise<RoleRecord | null>;
  delete(organizationId: string, id: string): Promise<boolean>;
}

/** A live session with its organization's current authorization version, read together. */
export interface CurrentSession {
  readonly session: SessionRecord;
  /** The organization's authorization version at the read: never empty, never one given out before a bump. */
  readonly version: string;
}

/**
 * Sessions, keyed by the SHA-256 of their token (see `SessionRecord.tokenHash`), and the authorization
 * version of each organization, kept in the same backend as the sessions (the fast store).
 *
 * A session carries a snapshot of its principal (`principal`) tagged with the authorization version it was
 * taken at. Every change that affects a principal (a user's roles or public fields, a role's definition,
 * a removal, the organization's settings) gives the organization a new version after it commits
 * (`bumpVersion`); validation reads the session and the version together (`findCurrent`) and trusts the
 * snapshot only while its tag equals the version read.
 */
export interface SessionRepository {
  /**
   * Stores a new session; it MUST stop being found once `expiresAt` passes. MUST throw CONFLICT
   * (`path: ["tokenHash"]`) when the hash exists.
   */
  create(session: SessionRecord): Promise<void>;
  /** The session with this hash; MUST return `null` once `now` reaches its `expiresAt`. */
  find(tokenHash: string, now: Date): Promise<SessionRecord | null>;
  /** Records activity: moves `lastActiveAt` and `expiresAt`. A session already gone stays gone. */
  touch(tokenHash: string, lastActiveAt: Date, expiresAt: Date): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user in one call; returns how many ended. */
  deleteByUser(userId: string): Promise<number>;
  /** The user's live sessions, newest first. */
  listByUser(userId: string, now: Date): Promise<SessionRecord[]>;
  /**
   * The live session with this hash and the current authorization version of `organizationId`, read in ONE
   * round trip to the backend (Redis: one script over keys of one hash slot; SQL: one statement), so that
   * validating a request costs one read. `null` when there is no live session (as `find`).
   *
   * When the organization has no version stored (never bumped, or the backend lost it: an eviction, a
   * flush, a failover), the store MUST store a fresh one, only if still absent (`SET NX`, `INSERT … ON
   * CONFLICT DO NOTHING`), and return the stored one: a missing version MUST NOT be reported as any version
   * handed out before, or a snapshot taken before the loss would pass for current.
   */
  findCurrent(tokenHash: string, organizationId: string, now: Date): Promise<CurrentSession | null>;
  /**
   * Stores `principal` as the session's snapshot, only if the session still exists: a session deleted (or
   * expired) meanwhile MUST stay gone, whatever was read before. Other fields are left as they are.
   */
  savePrincipal(tokenHash: string, principal: string): Promise<void>;
  /**
   * Gives the organization a new authorization version, different from every version any organization was
   * ever given (a random value, not a counter that a lost key could restart), so every session snapshot
   * taken before is reloaded at its next validation. The service calls it after the durable commit of each
   * change that affects a principal; a failed call is retried in the background.
   */
  bumpVersion(organizationId: string): Promise<void>;
}

/** A versioned attempt state; version 0 means nothing is stored yet. */
export interface VersionedAttemptState {
  readonly state: AttemptState;
  readonly version: number;
}

/** What {@link AttemptRepository.compareAndSwap} did: stored, with the new version, or found another version. */
export type AttemptSwapResult =
  | { readonly swapped: true; readonly version: number }
  | { readonly swapped: false; readonly current: VersionedAttemptState };

/**
 * Login-attempt state, keyed by a string the service derives from the normalised e-mail address (so an
 * unknown address locks exactly like a registered one). The service reads, decides with the pure lockout
 * policy and writes back with compare-and-set, so the policy lives in one place for every adapter.
 */
export interface AttemptRepository {
  /** The state and its version; `{ state: emptyAttemptState(), version: 0 }` when none is stored. */
  get(key: string): Promise<VersionedAttemptState>;
  /**
   * Stores `next` only if the stored version still equals `expectedVersion` (0: nothing stored), and returns
   * whether it did. MUST be atomic across every process sharing the store: of concurrent callers with the same
   * expected version, exactly one succeeds. The state MAY be dropped after `expiresAt`. Versions MUST NOT
   * repeat for a key, even after `delete` (no ABA): a caller still holding a version read before a delete
   * MUST fail, so take versions from a counter that never goes back (a sequence, a clock), not `version + 1`
   * of a row that may have been deleted.
   */
  compareAndSet(key: string, expectedVersion: number, next: AttemptState, expiresAt: Date): Promise<boolean>;
  /**
   * `compareAndSet` answering in the same round trip what the caller needs for its next step, so a sign-in
   * reserves and settles in one call each. Stores `next` only if the stored version still equals
   * `expectedVersion` (0: nothing stored); `next === null` removes the state instead, under the same
   * condition (a removed state reads as the empty one, at version 0).
   *
   * - Stored: resolves `{ swapped: true, version }`, the version it stored (0 after a removal), which is the
   *   version `get` would now answer until someone else writes.
   * - Version differs: changes nothing and resolves `{ swapped: false, current }`, the state and version
   *   stored now, as `get` would answer at or after the comparison (a backend that cannot read in the same
   *   step MAY read right after it), so the caller decides again without another `get`.
   *
   * The same atomicity and version rules as `compareAndSet` apply (of concurrent callers with the same
   * expected version exactly one swaps; versions never repeat for a key, removals included).
   */
  compareAndSwap(
    key: string,
    expectedVersion: number,
    next: AttemptState | null,
    expiresAt: Date,
  ): Promise<AttemptSwapResult>;
  /** Forgets the state (an allowed administrator unlock, a removed user). */
  delete(key: string): Promise<void>;
}

/** One-time tokens and codes, keyed by the SHA-256 of the secret. */
export interface TokenRepository {
  /** Stores a new token. MUST throw CONFLICT (`path: ["hash"]`) when the hash exists. */
  create(token: TokenRecord): Promise<void>;
  /**
   * Deletes and returns the unexpired token of this kind with this hash.
   * MUST be atomic: of concurrent callers with the same hash, exactly one gets the token, every other `null`.
   */
  consume(hash: string, kind: TokenKind, now: Date): Promise<TokenRecord | null>;
  /** The unexpired token without consuming it (to show a form before the secret is used). */
  find(hash: string, kind: TokenKind, now: Date): Promise<TokenRecord | null>;
  /** Deletes every token of this kind for the user ("asking again voids the older links"); returns how many. */
  deleteByUser(userId: string, kind: TokenKind): Promise<number>;
}

/** Options of `AuditRepository.list`. */
export interface AuditQuery {
  readonly organizationId: string;
  /** Only entries whose actor or subject is this user. */
  readonly userId?: string;
  readonly cursor?: string | null;
  readonly limit: number;
}

/** The append-only audit log. */
export interface AuditRepository {
  /** Appends entries, all or none; there is no update and no delete. MUST throw CONFLICT (`path: ["id"]`) when an id exists. */
  append(entries: readonly AuditRecord[]): Promise<void>;
  /**
   * Appends the entries whose id is not stored yet and leaves the others as they are (an id already stored is
   * skipped, whatever its content): appending the same entry twice, or from two processes at once, keeps one.
   * The new entries are stored all or none; a batch repeating an id stores it once.
   */
  appendIfAbsent(entries: readonly AuditRecord[]): Promise<void>;
  /** Newest first (by `at`, then `id`), keyset-paginated. */
  list(query: AuditQuery): Promise<Page<AuditRecord>>;
}

/** The SSO connections of organizations, at most one each. */
export interface SsoConnectionRepository {
  /**
   * Stores the organization's connection, replacing the one it has. MUST throw CONFLICT naming each domain
   * another organization's connection claims (`path: ["domains", domain]`, `reason: "domain-taken"`), and then
   * change nothing: a domain leads home-realm discovery to one organization only.
   */
  save(connection: SsoConnectionRecord): Promise<void>;
  findByOrganization(organizationId: string): Promise<SsoConnectionRecord | null>;
  /** The connection claiming this lower-case e-mail domain, for home-realm discovery. */
  findByDomain(domain: string): Promise<SsoConnectionRecord | null>;
  /** Deletes the organization's connection and frees its domains; returns whether it existed. */
  delete(organizationId: string): Promise<boolean>;
}

/**
 * Links of people at identity providers to users. Links MUST outlive their user: removing a user leaves them
 * (no cascade), so a removed person who comes back through the identity provider is recognised as such.
 */
export interface IdentityLinkRepository {
  /** MUST throw CONFLICT (`path: ["subject"]`, `reason: "already-linked"`) when (issuer, subject) is linked. */
  create(link: IdentityLinkRecord): Promise<void>;
  find(issuer: string, subject: string): Promise<IdentityLinkRecord | null>;
  /**
   * Points the link at another user (a removed person created again, or added again), only if it still points
   * at `expectedUserId`. MUST be atomic: of concurrent callers with the same expectation, exactly one gets `true`.
   */
  relink(issuer: string, subject: string, expectedUserId: string, link: IdentityLinkRecord): Promise<boolean>;
  /** The links pointing at a user. */
  listByUser(userId: string): Promise<IdentityLinkRecord[]>;
}

/**
 * Optional: audit entries waiting to be appended to the durable log, kept in the fast store so a sign-in
 * answers without waiting for a durable commit. The service pushes stamped entries on the response path,
 * then appends them to `audit` with `appendIfAbsent` and removes them after the answer; entries a process left
 * behind (it died before draining) are drained by the next drain of any process. Delivery is at least once,
 * which the idempotent append turns into exactly once in the log. As durable as the backend (Redis with its
 * persistence, as the lockout counters already rely on).
 */
export interface AuditOutboxRepository {
  /** Stores the entries, all or none, in one round trip; an id already pending is replaced by the same entry. */
  push(entries: readonly AuditRecord[]): Promise<void>;
  /** Up to `limit` pending entries, pushed by any process, field for field as pushed (oldest first if it can). */
  pending(limit: number): Promise<AuditRecord[]>;
  /** Forgets the pending entries with these ids (an id not pending is ignored). */
  remove(ids: readonly string[]): Promise<void>;
}

/** The attempt settlement a {@link SignInCommit} carries: the arguments of `attempts.compareAndSwap`. */
export interface AttemptSwap {
  readonly key: string;
  readonly expectedVersion: number;
  /** The state to store, or `null` to remove it (as `compareAndSwap`). */
  readonly next: AttemptState | null;
  readonly expiresAt: Date;
}

/**
 * Optional: the writes that end a sign-in in ONE atomic step and one round trip, offered by an adapter that
 * holds `attempts`, `sessions` and `auditOutbox` on one server (adapter-redis on a standalone server). Without
 * it the service makes the same writes as three calls side by side. It names the repositories it writes to:
 * the service uses it only while the store's own are these very objects, so a store composed with another
 * adapter's sessions (or attempts, or outbox) never has its writes sent elsewhere.
 */
export interface SignInCommit {
  readonly attempts: AttemptRepository;
  readonly sessions: SessionRepository;
  readonly auditOutbox: AuditOutboxRepository;
  /**
   * Prepares the writes a right password leads to before it is known (the service calls it while the hash
   * runs, so the encoding is done by the time the answer is): the session to create and the audit entries to
   * push. The commit it returns makes `attempts.compareAndSwap` of its `attempt` and, only if that swapped,
   * `sessions.create(session)` and `auditOutbox.push(audit)`: all of them or none, with no other write in
   * between. It resolves what `compareAndSwap` would; when the version differs nothing at all is written. It
   * MUST throw CONFLICT (`path: ["tokenHash"]`) with nothing written when the session's hash exists.
   */
  prepare(session: SessionRecord, audit: readonly AuditRecord[]): PreparedSignInCommit;
}

/** The commit {@link SignInCommit.prepare} returns: called once, with the attempt's settlement. */
export type PreparedSignInCommit = (attempt: AttemptSwap) => Promise<AttemptSwapResult>;

/** The repositories a transaction binds: the durable ones. */
export interface DurableRepositories {
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly audit: AuditRepository;
  readonly ssoConnections: SsoConnectionRepository;
  readonly identityLinks: IdentityLinkRepository;
}

/** The expiring repositories, which may live in another backend (Redis) and are never in a transaction. */
export interface ExpiringRepositories {
  readonly sessions: SessionRepository;
  readonly attempts: AttemptRepository;
  readonly tokens: TokenRepository;
  /** Optional: see {@link AuditOutboxRepository}; without it the audit of a sign-in is appended before it answers. */
  readonly auditOutbox?: AuditOutboxRepository;
  /** Optional: see {@link SignInCommit}; without it a sign-in's last writes are three calls side by side. */
  readonly signInCommit?: SignInCommit;
}

/**
 * Everything Gatehouse stores. A store may be composed from several adapters:
 * `{ ...createPostgresStore({ db }), ...createRedisStore({ redis }) }`.
 */
export interface Store extends DurableRepositories, ExpiringRepositories {
  /**
   * Runs `fn` in one transaction of the durable repositories: all of its writes commit, or none do when it
   * throws (the error is rethrown). The expiring repositories are not part of it.
   */
  transaction<T>(fn: (tx: DurableRepositories) => Promise<T>): Promise<T>;
}
