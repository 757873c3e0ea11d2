import { displayNameOf } from "../policy/person-name.js";
import type { OrganizationRecord, RoleRecord, UserRecord } from "../store/records.js";

/** A user as the service hands it out: no credential, no secret, no ciphertext. */
export interface User {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  /** Given and family name joined by a space (either alone when the other is missing), for showing; null with neither. */
  readonly displayName: string | null;
  /** The profile phone ("number on file"). */
  readonly phone: string | null;
  readonly status: "invited" | "active";
  readonly roles: readonly string[];
  readonly passwordChangeRequired: boolean;
  readonly mfa: {
    readonly totp: boolean;
    readonly sms: boolean;
    /** The last digits of the 2FA phone, for "codes go to the number ending in …". */
    readonly phoneLastDigits: string | null;
    readonly recoveryCode: boolean;
  };
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** An organization as the service hands it out. */
export type Organization = OrganizationRecord;

/** A role as listed: a default role of the matrix or a custom role of the organization. */
export interface RoleView {
  readonly id: string;
  readonly kind: "default" | "custom";
  readonly name: string;
  readonly description: string;
  readonly permissions: ReadonlyArray<{ readonly page: string; readonly action: string }>;
}

/** The public view of a user record. */
export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    organizationId: record.organizationId,
    email: record.email,
    givenName: record.givenName,
    familyName: record.familyName,
    displayName: displayNameOf(record),
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

/** The public view of a custom role. */
export function toRoleView(role: RoleRecord): RoleView {
  return {
    id: role.id,
    kind: "custom",
    name: role.name,
    description: role.description,
    permissions: role.permissions,
  };
}

// Where the sign-in flows have always found it; the kinds themselves live in the table of `factors/`.
export { enrolledFactors } from "./factors/index.js";
