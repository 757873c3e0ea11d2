import { encodeTotpSecret, generateTotpSecret, totpKeyUri, verifyTotpCode } from "../../crypto/totp.js";
import type { SecondFactor } from "./factor.js";

/** What the enrolment page shows: the QR code's URI and the secret to type instead ("optional secret code"). */
export interface TotpEnrollment {
  readonly uri: string;
  readonly secret: string;
  readonly issuer: string;
  readonly accountName: string;
}

/** The associated data binding a sealed TOTP secret to its owner. */
const sealedFor = (userId: string): string => `totp:${userId}`;

/** An authenticator app (RFC 6238): the secret sealed at rest, each time step accepted once. */
export const totpFactor = {
  role: "authenticator" as const,
  stores: ["totp", "pendingTotpSealed"],
  isEnrolled: (user) => user.mfa.totp,
  enrol: {
    async begin(ctx, user) {
      const secret = generateTotpSecret();
      await ctx.store.users.update(user.id, {
        pendingTotpSealed: ctx.box.seal(secret, sealedFor(user.id)),
        updatedAt: ctx.clock.now(),
      });
      return {
        uri: totpKeyUri({ issuer: ctx.issuer, accountName: user.email, secret }),
        secret: encodeTotpSecret(secret),
        issuer: ctx.issuer,
        accountName: user.email,
      };
    },
    async complete(ctx, user, code) {
      if (!user.pendingTotpSealed) return null;
      const now = ctx.clock.now();
      const secret = ctx.box.open(user.pendingTotpSealed, sealedFor(user.id));
      const result = verifyTotpCode(secret, code, now, null);
      if (result.kind !== "valid") return null;
      const totp = { secretSealed: user.pendingTotpSealed, lastUsedStep: result.step, enrolledAt: now };
      return { totp, pendingTotpSealed: null };
    },
  },
  challenge: null,
  async verify(ctx, user, code) {
    if (!user.totp) return false;
    const secret = ctx.box.open(user.totp.secretSealed, sealedFor(user.id));
    const result = verifyTotpCode(secret, code, ctx.clock.now(), user.totp.lastUsedStep);
    // The store's compare-and-set decides between two sign-ins racing with the same code: one wins.
    return result.kind === "valid" && (await ctx.store.users.advanceTotpStep(user.id, result.step));
  },
  maxFailures: () => null,
} satisfies SecondFactor<Record<string, never>, TotpEnrollment>;
