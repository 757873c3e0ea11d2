import {
  type SecondFactorKind,
  type SecondFactorMethod,
  secondFactorKinds,
  secondFactorMethods,
} from "../../policy/second-factor-kinds.js";
import type { UserRecord } from "../../store/records.js";
import { toUser, type User } from "../views.js";
import type { SecondFactor } from "./factor.js";
import { recoveryFactor } from "./recovery.js";
import { smsFactor } from "./sms.js";
import { totpFactor } from "./totp.js";

/** The module of every kind of second factor, keyed by the method that answers with it. */
export const secondFactors = Object.freeze({
  totp: totpFactor,
  sms: smsFactor,
  recovery: recoveryFactor,
} as const);

type Table = typeof secondFactors;

// The table and the policy's lists of kinds must agree: a method without a module (or a module without a
// method) does not compile, nor does an authenticator missing from `secondFactorKinds`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AuthenticatorsOf<T> = { [K in keyof T]: T[K] extends { role: "authenticator" } ? K : never }[keyof T];
const tableAgrees: Same<keyof Table, SecondFactorMethod> & Same<AuthenticatorsOf<Table>, SecondFactorKind> =
  true;
void tableAgrees;

/** The module of one kind, through the common interface. */
export function secondFactorOf(method: SecondFactorMethod): SecondFactor<never, unknown> {
  return secondFactors[method] as SecondFactor<never, unknown>;
}

/**
 * The ways a user may answer the `mfa` stage: their enrolled authenticators, then recovery.
 * @example if (factorsOf(user).includes("sms")) showSendCodeButton();
 */
export function factorsOf(user: User): SecondFactorMethod[] {
  return secondFactorMethods.filter((method) => secondFactors[method].isEnrolled(user));
}

/** The authenticators a user has enrolled (what the MFA requirement counts). */
export function enrolledFactors(user: UserRecord): SecondFactorKind[] {
  const view = toUser(user);
  return secondFactorKinds.filter((kind) => secondFactors[kind].isEnrolled(view));
}

export { type SecondFactorKind, type SecondFactorMethod, secondFactorKinds, secondFactorMethods };
