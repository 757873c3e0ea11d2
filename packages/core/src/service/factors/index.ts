import type { UserRecord } from "../../store/records.js";
import { toUser, type User } from "../views.js";
import type { SecondFactor } from "./factor.js";
import { recoveryFactor } from "./recovery.js";
import { smsFactor } from "./sms.js";
import { totpFactor } from "./totp.js";

/**
 * Every kind of second factor, in the order a sign-in page offers them. The one declaration of the kinds:
 * `SecondFactorMethod`, `SecondFactorKind` and the lists below derive from it.
 */
export const secondFactors = Object.freeze({
  totp: totpFactor,
  sms: smsFactor,
  recovery: recoveryFactor,
} as const);

type Table = typeof secondFactors;

/** A way to answer the `mfa` stage: any kind of second factor, recovery codes included. */
export type SecondFactorMethod = keyof Table;

/** A second factor a user can enrol (an authenticator): the kinds whose role is `authenticator`. */
export type SecondFactorKind = {
  [K in SecondFactorMethod]: Table[K]["role"] extends "authenticator" ? K : never;
}[SecondFactorMethod];

/** Every way to answer the `mfa` stage. */
export const secondFactorMethods: readonly SecondFactorMethod[] = Object.freeze(
  Object.keys(secondFactors) as SecondFactorMethod[],
);

/** Every second-factor kind a user can enrol. */
export const secondFactorKinds: readonly SecondFactorKind[] = Object.freeze(
  secondFactorMethods.filter((m): m is SecondFactorKind => secondFactors[m].role === "authenticator"),
);

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
