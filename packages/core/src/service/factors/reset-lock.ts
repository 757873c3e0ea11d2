import { resetFactorFailures } from "../../policy/second-factor.js";
import { type Actor, authorize, resolveActor } from "../actor.js";
import { updateAttemptState } from "../attempts.js";
import type { ServiceContext } from "../context.js";
import { assertNotSuperior, findUserFor } from "../guards.js";
import type { ResetSecondFactorLockInput } from "../inputs.js";
import { parseInput, schemas } from "../schemas.js";
import { factorAttemptKey } from "./counter.js";

/**
 * Lifts the lock that too many wrong second-factor codes put on a user: the recovery path of an account whose
 * codes are refused. An administrator of the user's own organization (the user-edit permission, never over
 * someone holding more than they do) does it after checking who is asking; the reset is audited. The user
 * still needs their password and a right code to sign in.
 */
export async function resetSecondFactorLock(
  ctx: ServiceContext,
  actor: Actor,
  input: ResetSecondFactorLockInput,
): Promise<void> {
  const { userId } = parseInput(schemas.resetSecondFactorLock, input);
  const resolved = await resolveActor(ctx, ctx.store, actor);
  const target = await findUserFor(ctx.store, resolved, userId);
  authorize(resolved, target.organizationId, ctx.permissions.editUsers);
  await assertNotSuperior(ctx, ctx.store, resolved, target);
  const expiresAt = () => new Date(ctx.clock.now().getTime() + ctx.attemptRetentionMs);
  const previous = await updateAttemptState(
    ctx.store.attempts,
    factorAttemptKey(target.id),
    expiresAt,
    (state) => {
      const next = state.failures === 0 ? state : resetFactorFailures(state, ctx.clock.now());
      return { next, result: state.failures };
    },
  );
  await ctx.audit(ctx.store, [
    {
      organizationId: target.organizationId,
      action: "mfa.factor-lock-reset",
      actor: resolved.audit,
      subjectUserId: target.id,
      subjectEmail: target.email,
      details: { failures: previous },
    },
  ]);
}
