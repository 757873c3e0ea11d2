import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import type { UserRecord } from "../store/records.js";
import { factorsOf, type SecondFactorKind, type SecondFactorMethod } from "./factors/index.js";
import type { IssuedSession } from "./sessions.js";
import { toUser, type User } from "./views.js";

type SessionPart = Omit<IssuedSession, "stage">;

/**
 * The outcome of a sign-in step: a session at its next stage, and only what that stage needs. Before the
 * sign-in is complete nothing about the person is shown (no name, phone, roles or phone digits): whoever
 * holds just the password learns no more than that it was right.
 */
export type LoginResult =
  /** Signed in: the user, and the second factors they have. */
  | (SessionPart & {
      readonly stage: "authenticated";
      readonly user: User;
      readonly factors: readonly SecondFactorMethod[];
    })
  /**
   * The second factor is next: the ways this user may answer. `sms` says only that a 2FA phone exists, not
   * its digits: the user knows their own number, and the digits would help a password thief aim a SIM swap.
   */
  | (SessionPart & { readonly stage: "mfa"; readonly factors: readonly SecondFactorMethod[] })
  /** Enrolment is required: the kinds the organization offers. */
  | (SessionPart & { readonly stage: "mfa-enrollment"; readonly factors: readonly SecondFactorKind[] })
  /** A new password is required; nothing else is needed for it. */
  | (SessionPart & { readonly stage: "password-change"; readonly factors: readonly [] });

/** Shapes a new session into the answer its stage allows. */
export function toLoginResult(
  session: IssuedSession,
  user: UserRecord,
  policy: GatehousePolicy,
): LoginResult {
  const { token, expiresAt } = session;
  switch (session.stage) {
    case "authenticated": {
      const view = toUser(user);
      return { token, expiresAt, stage: "authenticated", user: view, factors: factorsOf(view) };
    }
    case "mfa":
      return { token, expiresAt, stage: "mfa", factors: factorsOf(toUser(user)) };
    case "mfa-enrollment":
      return { token, expiresAt, stage: "mfa-enrollment", factors: [...policy.mfa.factors] };
    case "password-change":
      return { token, expiresAt, stage: "password-change", factors: [] };
  }
}
