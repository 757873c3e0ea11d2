/**
 * The kinds of second factor, declared where the pure policies (and a browser importing `/policy`) can see
 * them without pulling in the service's modules. `service/factors/index.ts` holds one module per method and
 * fails to compile unless its table agrees with these lists, so a new kind is one line here and one module.
 */

/** Every way to answer the `mfa` stage, in the order a sign-in page offers them. */
export const secondFactorMethods = Object.freeze(["totp", "sms", "recovery"] as const);

/** A way to answer the `mfa` stage: any kind of second factor, recovery codes included. */
export type SecondFactorMethod = (typeof secondFactorMethods)[number];

/** Every second-factor kind a user can enrol (an authenticator; recovery codes come with one). */
export const secondFactorKinds = Object.freeze(["totp", "sms"] as const);

/** A second factor a user can enrol (an authenticator). */
export type SecondFactorKind = (typeof secondFactorKinds)[number];
