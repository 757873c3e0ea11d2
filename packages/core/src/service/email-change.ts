import { GatehouseError, ValidationError } from "../errors.js";
import { decideEmailChange } from "../policy/email-change.js";
import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import { parseInvitationAddresses } from "../policy/invitation.js";
import type { TokenKind } from "../policy/token.js";
import type { AuditActor, TokenRecord, UserPatch, UserRecord } from "../store/records.js";
import { carryAttemptState, loginAttemptKey } from "./attempts.js";
import type { AuditEntryInput, ServiceContext } from "./context.js";
import { confirmPassword } from "./mfa.js";

// An e-mail change, in the steps `updateUser` runs around its transaction. The order is what makes it safe:
// nothing mailed to the old address works once the new one is live, and the new one is never live without
// the lock and the failure counter of the old.

/** An address change that `updateUser` checked, to commit with the user's other edits. */
export interface EmailChange {
  readonly from: string;
  readonly to: string;
  readonly confirmPassword: boolean;
  readonly revokeTokens: readonly TokenKind[];
}

/** Checks a change of `target`'s address to `requested`; `null` when it is the same address. Writes nothing. */
export async function planEmailChange(
  ctx: ServiceContext,
  target: UserRecord,
  policy: GatehousePolicy,
  requested: string,
  self: boolean,
): Promise<EmailChange | null> {
  const [email] = parseInvitationAddresses(requested, { maxAddresses: 1 });
  if (!email || email === target.email) return null;
  const decision = decideEmailChange(policy.emailChange, { self });
  if (decision.kind === "refuse") {
    throw new GatehouseError(
      "NOT_SUPPORTED",
      "An e-mail address cannot change: remove the user and add them again.",
      {
        issues: [
          {
            path: ["email"],
            reason: "email-change-forbidden",
            message: "To change an e-mail address, delete the account and add a new one.",
          },
        ],
      },
    );
  }
  // The store's unique key decides in the end; checked first because the lock is carried to the new address
  // before the commit, and must not land on someone else's.
  const owner = await ctx.store.users.findByEmail(email);
  if (owner && owner.id !== target.id) {
    throw new GatehouseError("CONFLICT", `${email} is already registered.`, {
      issues: [{ path: ["email"], reason: "already-registered", message: `${email} is already registered.` }],
    });
  }
  return {
    from: target.email,
    to: email,
    confirmPassword: decision.confirmPassword,
    revokeTokens: decision.revokeTokens,
  };
}

/** The fields written with the new address: the temporary password mailed to the old one dies with it. */
export function emailChangePatch(change: EmailChange): UserPatch {
  return { email: change.to, temporaryPasswordHash: null, temporaryPasswordExpiresAt: null };
}

/**
 * Right before the commit: a user changing their own address confirms their password (a sign-in attempt under
 * the lockout policy, so a wrong one counts), then the attempt state moves to the new address.
 */
export async function beginEmailChange(
  ctx: ServiceContext,
  target: UserRecord,
  change: EmailChange,
  currentPassword: string | undefined,
): Promise<void> {
  if (change.confirmPassword) {
    if (currentPassword === undefined) {
      throw new ValidationError("Confirm your password to change your e-mail address.", [
        { path: ["currentPassword"], reason: "required", message: "Enter your current password." },
      ]);
    }
    await confirmPassword(ctx, target, currentPassword);
  }
  await carryAttemptState(ctx, loginAttemptKey(change.from), loginAttemptKey(change.to));
}

/** The audit entry of the change, written in the transaction that commits it. */
export function emailChangedEntry(
  actor: AuditActor,
  target: UserRecord,
  change: EmailChange,
): AuditEntryInput {
  return {
    organizationId: target.organizationId,
    action: "user.email-changed",
    actor,
    subjectUserId: target.id,
    subjectEmail: target.email,
    details: { from: change.from, to: change.to, resendRequired: target.status === "invited" },
  };
}

/**
 * After the commit: every session ends, every token and code issued before is deleted, failures recorded on
 * the old address meanwhile are carried too, the audit log says what was revoked, and the old address is
 * told without being told the new one. A link that survives a failure here is still refused: it names the
 * address it was mailed to (`mailedToCurrentAddress`).
 */
export async function completeEmailChange(
  ctx: ServiceContext,
  actor: AuditActor,
  before: UserRecord,
  change: EmailChange,
): Promise<void> {
  const sessions = await ctx.store.sessions.deleteByUser(before.id);
  const counts = await Promise.all(
    change.revokeTokens.map((kind) => ctx.store.tokens.deleteByUser(before.id, kind)),
  );
  const tokens = Object.fromEntries(
    change.revokeTokens.map((kind, i) => [kind, counts[i] ?? 0]).filter(([, count]) => count !== 0),
  );
  await carryAttemptState(ctx, loginAttemptKey(change.from), loginAttemptKey(change.to));
  await ctx.audit(ctx.store, [
    {
      organizationId: before.organizationId,
      action: "user.secrets-revoked",
      actor,
      subjectUserId: before.id,
      subjectEmail: change.to,
      details: {
        reason: "email-changed",
        sessions,
        temporaryPassword: before.temporaryPasswordHash !== null,
        tokens,
      },
    },
  ]);
  await ctx.sendMail({
    kind: "email-changed",
    to: change.from,
    invitationWithdrawn: before.status === "invited",
  });
}

/** The data a mailed link keeps: the address it was mailed to. */
export function mailedTo(user: UserRecord): Readonly<Record<string, string>> {
  return { email: user.email };
}

/** Whether a mailed link may still be used: the address it was mailed to must still be the user's. */
export function mailedToCurrentAddress(token: TokenRecord, user: UserRecord): boolean {
  // A link issued before links named their address has none; the change that moved the address deleted it.
  return token.data.email === undefined || token.data.email === user.email;
}
