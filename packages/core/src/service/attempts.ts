import { GatehouseError } from "../errors.js";
import { mergeAttemptStates } from "../policy/email-change.js";
import type { AttemptState, LockoutPolicy } from "../policy/lockout.js";
import {
  decideLoginAttempt,
  emptyAttemptState,
  recordFailedAttempt,
  recordSuccessfulLogin,
  releaseAttempt,
} from "../policy/lockout.js";
import type {
  AttemptRepository,
  AttemptSwap,
  AttemptSwapResult,
  VersionedAttemptState,
} from "../store/store.js";
import type { ServiceContext } from "./context.js";

const MAX_CAS_ROUNDS = 200;

/**
 * Reads, decides and writes back one attempt state with compare-and-set, retrying on a lost race: the
 * policy runs here, once, for every adapter, and the store only has to offer an atomic CAS.
 */
export async function updateAttemptState<T>(
  repo: AttemptRepository,
  key: string,
  expiresAt: (next: AttemptState) => Date,
  decide: (state: AttemptState) => { next: AttemptState; result: T },
): Promise<T> {
  return (await swapAttemptState(repo, key, expiresAt, decide, null)).result;
}

/** What {@link swapAttemptState} decided, and the state and version stored once it was written. */
export interface SwappedAttempt<T> {
  readonly result: T;
  readonly stored: VersionedAttemptState;
  /** Whether the swap that stored was the carrier's, so the writes it carries were made with it. */
  readonly carried: boolean;
}

/**
 * A `compareAndSwap` that carries other writes with it, all or none (a store's `SignInCommit`): made for
 * the first swap only; a swap lost to another writer carried nothing, and the rounds after it swap alone.
 */
export type CarryingSwap = (swap: AttemptSwap) => Promise<AttemptSwapResult>;

/**
 * {@link updateAttemptState} starting from a guess of the stored state instead of a `get`: the state the
 * caller last wrote (a reservation about to be settled), or the empty state at version 0 (an address with
 * no failures pending, whose state a success removed). A right guess costs one round trip, a wrong one two
 * (the swap answers the stored state, decided on again): never more than `get` then `compareAndSet`.
 * A decision that changes nothing is trusted only on a state the store answered, never on a guess.
 * A state that ends as the empty one is removed (it reads back the same), so the next guess is right.
 */
export async function swapAttemptState<T>(
  repo: AttemptRepository,
  key: string,
  expiresAt: (next: AttemptState) => Date,
  decide: (state: AttemptState) => { next: AttemptState; result: T },
  guess: VersionedAttemptState | null,
  carrier?: CarryingSwap,
): Promise<SwappedAttempt<T>> {
  let current = guess ?? (await repo.get(key));
  let confirmed = guess === null;
  let carrying = carrier;
  for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
    const { next, result } = decide(current.state);
    if (next === current.state) {
      if (confirmed) return { result, stored: current, carried: false };
      current = await repo.get(key);
      confirmed = true;
      continue;
    }
    const empty = isEmptyAttemptState(next);
    const attempt: AttemptSwap = {
      key,
      expectedVersion: current.version,
      next: empty ? null : next,
      expiresAt: expiresAt(next),
    };
    const carried = carrying !== undefined;
    const swap = carrying
      ? await carrying(attempt)
      : await repo.compareAndSwap(key, attempt.expectedVersion, attempt.next, attempt.expiresAt);
    carrying = undefined;
    if (swap.swapped) {
      const stored = { state: empty ? emptyAttemptState() : next, version: swap.version };
      return { result, stored, carried };
    }
    current = swap.current;
    confirmed = true;
  }
  throw new GatehouseError("RATE_LIMITED", "Too many simultaneous attempts; try again in a moment.");
}

/** Whether a state is the empty one (what an unknown key reads as), so storing it is storing nothing. */
function isEmptyAttemptState(state: AttemptState): boolean {
  return (
    state.failures === 0 &&
    state.failureAts.length === 0 &&
    state.lastFailureAt === null &&
    state.lockedUntil === null &&
    state.locks === 0 &&
    state.inFlight.length === 0
  );
}

/** The guess of an address's state before its first read: nothing pending, nothing stored. */
const NOTHING_STORED: VersionedAttemptState = Object.freeze({ state: emptyAttemptState(), version: 0 });

/** The outcome of reserving an attempt: go on and check the secret, or the error to answer with. */
export type Reservation = { kind: "verify" } | { kind: "refused"; error: GatehouseError };

/** The attempt-state operations of the sign-in flows, bound to one key and one lockout policy. */
export interface AttemptGate {
  /** Reserves an attempt before any secret is checked (count it provisionally). */
  reserve(): Promise<Reservation>;
  /** Settles the reservation as a failure; resolves the lock instant when this failure locked the account. */
  fail(): Promise<Date | null>;
  /** Settles the reservation as a success: the counter resets (a lock, if any, stays). */
  succeed(): Promise<void>;
  /** Settles the reservation with no outcome (the password was right; the second factor is still to come). */
  release(): Promise<void>;
  /**
   * Settles as `succeed()` or `release()`, the first swap through `carrier` where one is given (see
   * {@link CarryingSwap}); resolves whether the writes it carries were made.
   */
  settle(outcome: "succeed" | "release", carrier?: CarryingSwap): Promise<boolean>;
}

const LOGIN_PREFIX = "login:";

/** The key of the sign-in attempt state of an address: the normalised e-mail, registered or not. */
export function loginAttemptKey(normalizedEmail: string): string {
  return `${LOGIN_PREFIX}${normalizedEmail}`;
}

/** Which rule took a lock: the failure limit, or an attempt within the quick-retry window of a failure. */
export type LockRule = "max-failures" | "quick-retry";

/** Binds the attempt-state operations to a key and a policy. */
export function attemptGate(ctx: ServiceContext, key: string, policy: LockoutPolicy): AttemptGate {
  const repo = ctx.store.attempts;
  const expiresAt = (next: AttemptState): Date => {
    const base = Math.max(ctx.clock.now().getTime(), next.lockedUntil?.getTime() ?? 0);
    return new Date(base + ctx.attemptRetentionMs);
  };
  // Every lock is audited here, once: of racing callers only the compare-and-set that took the lock sees it.
  const audited = async <T>(outcome: { result: T; lock: NewLock | null }): Promise<T> => {
    if (outcome.lock) await auditLock(ctx, key, outcome.lock);
    return outcome.result;
  };
  // What this gate last stored: a settle guesses it is still there (one round trip unless someone wrote since).
  let held: VersionedAttemptState = NOTHING_STORED;
  const swapCarrying = async <T>(
    decide: (state: AttemptState) => { next: AttemptState; result: T },
    carrier?: CarryingSwap,
  ): Promise<SwappedAttempt<T>> => {
    const swapped = await swapAttemptState(repo, key, expiresAt, decide, held, carrier);
    held = swapped.stored;
    return swapped;
  };
  const swap = async <T>(decide: (state: AttemptState) => { next: AttemptState; result: T }): Promise<T> =>
    (await swapCarrying(decide)).result;
  const settlement = {
    succeed: (state: AttemptState, now: Date) => recordSuccessfulLogin(state, policy, now),
    release: (state: AttemptState, now: Date) => releaseAttempt(state, now),
  };
  const settle = async (outcome: "succeed" | "release", carrier?: CarryingSwap) => {
    const fn = settlement[outcome];
    const swapped = await swapCarrying(
      (state) => ({ next: fn(state, ctx.clock.now()), result: undefined }),
      carrier,
    );
    return swapped.carried;
  };

  return {
    reserve: () =>
      swap((state) => {
        const decision = decideLoginAttempt(state, policy, ctx.clock.now());
        if (decision.kind === "verify") {
          return { next: decision.next, result: { result: { kind: "verify" } as Reservation, lock: null } };
        }
        const lock = newLock(state, decision.next, "quick-retry");
        return { next: decision.next, result: { result: refused(decision, policy, lock?.rule), lock } };
      }).then(audited),
    fail: () =>
      swap((state) => {
        const { next, lockedUntil } = recordFailedAttempt(state, policy, ctx.clock.now());
        return { next, result: { result: lockedUntil, lock: newLock(state, next, "max-failures") } };
      }).then(audited),
    succeed: async () => void (await settle("succeed")),
    release: async () => void (await settle("release")),
    settle,
  };
}

interface NewLock {
  readonly lockedUntil: Date;
  readonly rule: LockRule;
}

/** The lock `next` took over `state`, if any: a refusal of an existing lock takes none. */
function newLock(state: AttemptState, next: AttemptState, rule: LockRule): NewLock | null {
  return next.locks > state.locks && next.lockedUntil !== null
    ? { lockedUntil: next.lockedUntil, rule }
    : null;
}

/**
 * Appends `account.locked` for the user holding the address of a sign-in key. An address nobody holds locks
 * too (so "locked" reveals nothing), but has no organization to log it in; other keys (a code's attempts) are
 * not account locks.
 */
async function auditLock(ctx: ServiceContext, key: string, lock: NewLock): Promise<void> {
  if (!key.startsWith(LOGIN_PREFIX)) return;
  const user = await ctx.store.users.findByEmail(key.slice(LOGIN_PREFIX.length));
  if (!user) return;
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action: "account.locked",
      actor: { kind: "member", id: user.id, email: user.email },
      subjectUserId: user.id,
      subjectEmail: user.email,
      details: { lockedUntil: lock.lockedUntil.toISOString(), rule: lock.rule },
    },
  ]);
}

function refused(
  decision: Exclude<ReturnType<typeof decideLoginAttempt>, { kind: "verify" }>,
  policy: LockoutPolicy,
  rule: LockRule | undefined,
): Reservation {
  return { kind: "refused", error: refusal(decision, policy, rule) };
}

/**
 * The error a refused attempt answers with: "locked" only where the policy reveals it. `details.rule` names
 * the rule when this very attempt took the lock (a later refusal of the same lock does not know it).
 */
export function lockedError(lockedUntil: Date, policy: LockoutPolicy, rule?: LockRule): GatehouseError {
  if (!policy.revealLocked) return invalidCredentials();
  const reason =
    rule === "quick-retry"
      ? "Another attempt came too soon after a failed one"
      : rule === "max-failures"
        ? "Too many failed attempts"
        : "This account is locked";
  return new GatehouseError("ACCOUNT_LOCKED", `${reason}: try again after ${lockedUntil.toISOString()}.`, {
    retryAt: lockedUntil,
    ...(rule ? { rule } : {}),
  });
}

/** The one answer to a wrong address, a wrong password or a disabled account alike. */
export function invalidCredentials(): GatehouseError {
  return new GatehouseError("INVALID_CREDENTIALS", "The e-mail address or the password is not correct.");
}

function refusal(
  decision: Exclude<ReturnType<typeof decideLoginAttempt>, { kind: "verify" }>,
  policy: LockoutPolicy,
  rule: LockRule | undefined,
): GatehouseError {
  if (decision.reason === "locked") return lockedError(decision.lockedUntil, policy, rule);
  return new GatehouseError("RATE_LIMITED", "Too many attempts at once: wait a moment and try again.", {
    retryAt: decision.retryAt,
  });
}

/**
 * Carries the attempt state of one key onto another (an address changed): merged with compare-and-set, so
 * that neither lock nor counter of either is reduced, whatever attempts run meanwhile. Idempotent.
 */
export async function carryAttemptState(ctx: ServiceContext, fromKey: string, toKey: string): Promise<void> {
  const { state: from, version } = await ctx.store.attempts.get(fromKey);
  if (version === 0) return;
  const expiresAt = (next: AttemptState): Date => {
    const base = Math.max(ctx.clock.now().getTime(), next.lockedUntil?.getTime() ?? 0);
    return new Date(base + ctx.attemptRetentionMs);
  };
  await updateAttemptState(ctx.store.attempts, toKey, expiresAt, (into) => ({
    next: mergeAttemptStates(into, from, ctx.policy.lockout),
    result: undefined,
  }));
}
