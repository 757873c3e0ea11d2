import { GatehouseError } from "../../errors.js";
import type { GatehousePolicy } from "../../policy/gatehouse-policy.js";
import type { AttemptState } from "../../policy/lockout.js";
import {
  decideFactorAttempt,
  type FactorAttemptDecision,
  type FactorAttemptLimits,
  recordFactorFailure,
  recordFactorSuccess,
  releaseFactorAttempt,
} from "../../policy/second-factor.js";
import { type Reservation, updateAttemptState } from "../attempts.js";
import type { ServiceContext } from "../context.js";
import { type SecondFactorMethod, secondFactorOf } from "./index.js";

/** The attempts-store key of a user's second-factor failure counter. */
export function factorAttemptKey(userId: string): string {
  return `factor:${userId}`;
}

/** The user's second-factor counter, bound to one kind's limits; every change is a compare-and-set. */
export interface FactorCounter {
  /** Whether a code of this kind may be checked now, without reserving anything (before sending a code). */
  check(): Promise<Reservation>;
  /** Reserves one check: failures plus reservations never exceed the cap. */
  reserve(): Promise<Reservation>;
  /** Settles as a wrong code; resolves `true` when this failure reached the user's cap. */
  fail(): Promise<boolean>;
  /** Settles as a complete sign-in: the counter resets. */
  succeed(): Promise<void>;
  /** Settles with no outcome. */
  release(): Promise<void>;
}

/** Binds the counter of `userId` to the limits `policy` sets for `method`. */
export function factorCounter(
  ctx: ServiceContext,
  userId: string,
  policy: GatehousePolicy,
  method: SecondFactorMethod,
): FactorCounter {
  const repo = ctx.store.attempts;
  const key = factorAttemptKey(userId);
  const limits: FactorAttemptLimits = {
    maxFailures: policy.mfa.maxFactorFailures,
    kindMaxFailures: secondFactorOf(method).maxFailures(policy),
  };
  // The counter must outlive any pause between guesses: it is kept as long as the lockout's own state.
  const expiresAt = (): Date => new Date(ctx.clock.now().getTime() + ctx.attemptRetentionMs);
  const decide = (state: AttemptState) =>
    decideFactorAttempt(state, limits, ctx.policy.lockout.reservationTtlMs, ctx.clock.now());
  const settle = (fn: (state: AttemptState) => AttemptState) =>
    updateAttemptState(repo, key, expiresAt, (state) => ({ next: fn(state), result: undefined }));

  return {
    async check() {
      const { state } = await repo.get(key);
      return reservationOf(decide(state), method);
    },
    reserve: () =>
      updateAttemptState(repo, key, expiresAt, (state) => {
        const decision = decide(state);
        return { next: decision.next, result: reservationOf(decision, method) };
      }),
    fail: () =>
      updateAttemptState(repo, key, expiresAt, (state) => {
        const { next, locked } = recordFactorFailure(state, limits, ctx.clock.now());
        return { next, result: locked };
      }),
    succeed: () => settle((state) => recordFactorSuccess(state, ctx.clock.now())),
    release: () => settle((state) => releaseFactorAttempt(state, ctx.clock.now())),
  };
}

/** The answer once the user's second factors are refused; stable, so a page can say whom to ask. */
export function secondFactorLocked(method?: SecondFactorMethod): GatehouseError {
  if (method !== undefined) {
    return new GatehouseError(
      "SECOND_FACTOR_LOCKED",
      "Too many wrong codes: codes of this kind are refused. Use a recovery code, or ask an administrator.",
      { method },
    );
  }
  return new GatehouseError(
    "SECOND_FACTOR_LOCKED",
    "Too many wrong codes: second factors are refused until an administrator resets them.",
  );
}

function reservationOf(decision: FactorAttemptDecision, method: SecondFactorMethod): Reservation {
  if (decision.kind === "verify") return { kind: "verify" };
  if (decision.reason !== "busy") {
    return { kind: "refused", error: secondFactorLocked(decision.reason === "locked" ? undefined : method) };
  }
  return {
    kind: "refused",
    error: new GatehouseError("RATE_LIMITED", "Too many codes at once: wait a moment and try again.", {
      retryAt: decision.retryAt,
    }),
  };
}
