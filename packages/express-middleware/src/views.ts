import type { User } from "@gatehousejs/core";

/** The second factors a user may answer with at the `mfa` stage, as the login routes report them. */
export function factorsOf(user: User): Array<"totp" | "sms" | "recovery"> {
  const factors: Array<"totp" | "sms" | "recovery"> = [];
  if (user.mfa.totp) factors.push("totp");
  if (user.mfa.sms) factors.push("sms");
  if (user.mfa.recoveryCode) factors.push("recovery");
  return factors;
}
