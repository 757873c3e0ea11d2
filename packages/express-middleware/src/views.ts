import type { User, UserRecord } from "@gatehouse/core";

// Core's `toUser` is not exported, so its public view of a user is mirrored here: no hash, no sealed secret
// and no ciphertext ever reaches `req.auth` or a response body.

/** The public view of a user record, as the service's own methods return it. */
export function toPublicUser(record: UserRecord): User {
  return {
    id: record.id,
    organizationId: record.organizationId,
    email: record.email,
    name: record.name,
    phone: record.phone,
    status: record.status,
    roles: [...record.roles],
    passwordChangeRequired: record.passwordChangeRequired,
    mfa: {
      totp: record.totp !== null,
      sms: record.mfaPhone !== null,
      phoneLastDigits: record.mfaPhone ? record.mfaPhone.slice(-4) : null,
      recoveryCode: record.recoveryCodeSealed !== null || record.backupCodeHashes.length > 0,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The second factors a user may answer with at the `mfa` stage, as the login routes report them. */
export function factorsOf(user: User): Array<"totp" | "sms" | "recovery"> {
  const factors: Array<"totp" | "sms" | "recovery"> = [];
  if (user.mfa.totp) factors.push("totp");
  if (user.mfa.sms) factors.push("sms");
  if (user.mfa.recoveryCode) factors.push("recovery");
  return factors;
}
