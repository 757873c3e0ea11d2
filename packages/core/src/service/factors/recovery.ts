import {
  generateRecoveryCode,
  hashToken,
  normalizeRecoveryCode,
  timingSafeEqualString,
} from "../../crypto/tokens.js";
import type { GatehousePolicy } from "../../policy/gatehouse-policy.js";
import type { UserPatch, UserRecord } from "../../store/records.js";
import type { ServiceContext } from "../context.js";
import type { SecondFactor } from "./factor.js";

/** The associated data binding a sealed recovery code to its owner. */
const sealedFor = (userId: string): string => `recovery:${userId}`;

/** The stored hash of one backup code. */
export const backupCodeHash = (code: string): string => hashToken(`backup:${normalizeRecoveryCode(code)}`);

/**
 * The way back in when the authenticator is lost: one personal recovery code, sealed so the user can view it
 * again (enterprise), or N one-time backup codes, hashed and shown once (team). Either is consumed with the
 * store's compare-and-set, so two sign-ins racing with one code never both get in.
 */
export const recoveryFactor = {
  role: "recovery" as const,
  stores: ["recoveryCodeSealed", "backupCodeHashes"],
  isEnrolled: (user) => user.mfa.recoveryCode,
  enrol: null,
  challenge: null,
  async verify(ctx, user, code) {
    const typed = normalizeRecoveryCode(code);
    if (user.recoveryCodeSealed) {
      const stored = ctx.box.openString(user.recoveryCodeSealed, sealedFor(user.id));
      if (!timingSafeEqualString(normalizeRecoveryCode(stored), typed)) return false;
      // Using it signs the user in and rotates it; only the caller whose rotation lands wins.
      const next = ctx.box.seal(generateRecoveryCode(), sealedFor(user.id));
      const won = await ctx.store.users.rotateRecoveryCode(user.id, user.recoveryCodeSealed, next);
      if (won) await auditUse(ctx, user, "recovery-code");
      return won;
    }
    const hash = backupCodeHash(typed);
    if (!user.backupCodeHashes.some((stored) => timingSafeEqualString(stored, hash))) return false;
    const won = await ctx.store.users.spendBackupCode(user.id, hash);
    if (won) await auditUse(ctx, user, "backup-code");
    return won;
  },
  maxFailures: () => null,
} satisfies SecondFactor;

/**
 * The recovery fields to store with a user's first authenticator, and the backup codes to show once (`null`
 * for a single recovery code, which the user views later after confirming their password).
 */
export function issueRecovery(
  ctx: ServiceContext,
  user: UserRecord,
  policy: GatehousePolicy,
): { patch: UserPatch; shown: string[] | null } {
  if (policy.mfa.recovery === "single-code" && !user.recoveryCodeSealed) {
    return {
      patch: { recoveryCodeSealed: ctx.box.seal(generateRecoveryCode(), sealedFor(user.id)) },
      shown: null,
    };
  }
  if (policy.mfa.recovery === "backup-codes" && user.backupCodeHashes.length === 0) {
    const shown = Array.from({ length: policy.mfa.backupCodeCount }, () => generateRecoveryCode());
    return { patch: { backupCodeHashes: shown.map(backupCodeHash) }, shown };
  }
  return { patch: {}, shown: null };
}

/** Opens the user's recovery code, for "Show recovery code". */
export function openRecoveryCode(ctx: ServiceContext, user: UserRecord): string | null {
  return user.recoveryCodeSealed ? ctx.box.openString(user.recoveryCodeSealed, sealedFor(user.id)) : null;
}

async function auditUse(ctx: ServiceContext, user: UserRecord, kind: "recovery-code" | "backup-code") {
  await ctx.audit(ctx.store, [
    {
      organizationId: user.organizationId,
      action: "recovery-code.used",
      actor: { kind: "member", id: user.id, email: user.email },
      subjectUserId: user.id,
      subjectEmail: user.email,
      details: kind === "backup-code" ? { kind } : {},
    },
  ]);
}
