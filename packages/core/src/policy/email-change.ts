import type { GatehousePolicy } from "./gatehouse-policy.js";
import type { AttemptState, LockoutPolicy } from "./lockout-policy.js";
import { type TokenKind, tokenKinds } from "./token.js";

/**
 * Whether an e-mail address may change, and what the change must void. Everything mailed to the old address
 * (a temporary password, a reset or activation link) was mailed to someone who may not be the user — the
 * typo an administrator corrects is a stranger's mailbox — so none of it may sign in to the account after.
 */
export type EmailChangeDecision =
  | { readonly kind: "refuse"; readonly reason: "forbidden" }
  | {
      readonly kind: "change";
      /** The user changing their own address confirms their password first. */
      readonly confirmPassword: boolean;
      /** The temporary password of a pending invitation is cleared with the address. */
      readonly clearTemporaryPassword: true;
      /** Every pending token and code of the user is deleted, and every session ends. */
      readonly revokeTokens: readonly TokenKind[];
    };

/**
 * Decides an e-mail change. A user changing their own address must confirm their password: a stolen session
 * that could move the address could then reset the password at its thief's mailbox, a permanent takeover.
 * @example
 * const decision = decideEmailChange(presets.enterprise.emailChange, { self: true });
 * // { kind: "change", confirmPassword: true, clearTemporaryPassword: true, revokeTokens: [...] }
 */
export function decideEmailChange(
  rule: GatehousePolicy["emailChange"],
  change: { readonly self: boolean },
): EmailChangeDecision {
  if (rule === "forbidden") return { kind: "refuse", reason: "forbidden" };
  // SMS codes are not mailed, but they belong to the sign-ins the change ends: they go with them.
  return {
    kind: "change",
    confirmPassword: change.self,
    clearTemporaryPassword: true,
    revokeTokens: tokenKinds,
  };
}

/**
 * The attempt state of a person whose address changes: the state kept under the new address merged with the
 * one under the old, so that neither the lock nor the counter is ever reduced (the later lock, the higher
 * counter, the later last failure, every failure time and reservation of either). A lock cannot be lifted by
 * moving the account to a fresh address. Returns `into` itself when `from` adds nothing, so merging twice
 * writes once.
 * @example const next = mergeAttemptStates(stateOfNewAddress, stateOfOldAddress, policy.lockout);
 */
export function mergeAttemptStates(
  into: AttemptState,
  from: AttemptState,
  policy: LockoutPolicy,
): AttemptState {
  const merged: AttemptState = {
    failures: Math.max(into.failures, from.failures),
    failureAts: mergeInstants(into.failureAts, from.failureAts).slice(-policy.maxFailures),
    lastFailureAt: later(into.lastFailureAt, from.lastFailureAt),
    lockedUntil: later(into.lockedUntil, from.lockedUntil),
    locks: Math.max(into.locks, from.locks),
    // An attempt still in flight on the old address settles there: its reservation keeps counting here until
    // it expires, so the two addresses together never verify more than the policy allows.
    inFlight: mergeInstants(into.inFlight, from.inFlight),
  };
  return sameState(merged, into) ? into : merged;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/** The union of two lists of instants as multisets (an instant twice in one list stays twice), sorted. */
function mergeInstants(a: readonly Date[], b: readonly Date[]): Date[] {
  const counts = new Map<number, number>();
  const tally = (list: readonly Date[]) => {
    const own = new Map<number, number>();
    for (const at of list) own.set(at.getTime(), (own.get(at.getTime()) ?? 0) + 1);
    return own;
  };
  for (const own of [tally(a), tally(b)]) {
    for (const [t, n] of own) counts.set(t, Math.max(counts.get(t) ?? 0, n));
  }
  return [...counts.entries()]
    .sort(([x], [y]) => x - y)
    .flatMap(([t, n]) => Array.from({ length: n }, () => new Date(t)));
}

function sameState(a: AttemptState, b: AttemptState): boolean {
  const time = (d: Date | null) => d?.getTime() ?? null;
  const times = (list: readonly Date[]) => list.map((d) => d.getTime()).join(",");
  return (
    a.failures === b.failures &&
    a.locks === b.locks &&
    time(a.lastFailureAt) === time(b.lastFailureAt) &&
    time(a.lockedUntil) === time(b.lockedUntil) &&
    times(a.failureAts) === times(b.failureAts) &&
    times(a.inFlight) === times(b.inFlight)
  );
}
