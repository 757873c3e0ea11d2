import { generateNumericCode, hashToken } from "../../crypto/tokens.js";
import { GatehouseError } from "../../errors.js";
import type { TokenPolicy } from "../../policy/token.js";
import { tokenExpiresAt } from "../../policy/token.js";
import type { UserRecord } from "../../store/records.js";
import type { ServiceContext } from "../context.js";
import { throttleSms } from "../rate-limits.js";
import type { SecondFactor } from "./factor.js";

type Purpose = "sign-in" | "phone-verification";

/** The hash under which an SMS code is stored: bound to the user and its purpose. */
export function smsCodeHash(userId: string, purpose: Purpose, code: string): string {
  return hashToken(`sms:${purpose}:${userId}:${code}`);
}

/**
 * Codes sent to the 2FA phone (separate from the profile phone). Binding a phone proves it with a code sent
 * to it; a new code voids the older ones but never resets the failure count, which belongs to the user.
 */
export const smsFactor = {
  role: "authenticator" as const,
  stores: ["mfaPhone"],
  isEnrolled: (user) => user.mfa.sms,
  enrol: {
    begin: (ctx, user, policy, { phone }) => sendCode(ctx, user, "phone-verification", phone, policy.tokens),
    async complete(ctx, user, code) {
      const hash = smsCodeHash(user.id, "phone-verification", code.trim());
      const token = await ctx.store.tokens.consume(hash, "phone-verification", ctx.clock.now());
      const phone = token?.data.phone;
      return token && token.userId === user.id && phone ? { mfaPhone: phone } : null;
    },
  },
  async challenge(ctx, user, policy) {
    if (!user.mfaPhone) throw new GatehouseError("NOT_FOUND", "No 2FA phone is set for this account.");
    return sendCode(ctx, user, "sign-in", user.mfaPhone, policy.tokens);
  },
  async verify(ctx, user, code) {
    if (!user.mfaPhone) return false;
    const hash = smsCodeHash(user.id, "sign-in", code.trim());
    // `consume` deletes the code atomically: of two sign-ins with the same code, one gets it.
    const token = await ctx.store.tokens.consume(hash, "sms-code", ctx.clock.now());
    return token !== null && token.userId === user.id;
  },
  maxFailures: (policy) => policy.tokens.smsCodeMaxAttempts,
} satisfies SecondFactor<{ phone: string }, { expiresAt: Date }>;

async function sendCode(
  ctx: ServiceContext,
  user: UserRecord,
  purpose: Purpose,
  phone: string,
  tokens: TokenPolicy,
): Promise<{ expiresAt: Date }> {
  const kind = purpose === "sign-in" ? "sms-code" : "phone-verification";
  const now = ctx.clock.now();
  await throttleSms(ctx, user, phone, tokens);
  const code = generateNumericCode(6);
  const expiresAt = tokenExpiresAt("sms-code", tokens, now);
  // The expiring secret is written first: if the send fails it simply expires unused.
  await ctx.store.tokens.deleteByUser(user.id, kind);
  await ctx.store.tokens.create({
    hash: smsCodeHash(user.id, purpose, code),
    kind,
    userId: user.id,
    organizationId: user.organizationId,
    createdAt: now,
    expiresAt,
    data: purpose === "phone-verification" ? { phone } : {},
  });
  const sent = await ctx.sendSms({ kind: "sms-code", to: phone, code, purpose, expiresAt });
  if (!sent) throw new GatehouseError("DELIVERY_FAILED", "The code could not be sent: try again.");
  return { expiresAt };
}
