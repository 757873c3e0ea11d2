import type { UserPatch, UserRecord } from "@gatehousejs/core";
import { fromJson, toBoolean, toJson, toNumber } from "@gatehousejs/core/adapter-kit";
import type { Insertable, Selectable, Updateable } from "kysely";
import type { SqlDialect } from "./dialect.js";
import type { UserRolesTable, UsersTable } from "./schema.js";

// How a `UserRecord` maps to the `users` row and its `user_roles` rows, both ways.

/** A `users` row with its role ids, as the repository selects it. */
export type UserRow = Selectable<UsersTable> & { roles: string[] | string | null };

/** The record a row stands for. */
export function toUserRecord(row: UserRow, dialect: SqlDialect): UserRecord {
  const instant = dialect.fromInstant;
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    givenName: row.given_name,
    familyName: row.family_name,
    phone: row.phone,
    status: row.status,
    roles: row.roles === null ? [] : fromJson<string[]>(row.roles),
    passwordHash: row.password_hash,
    temporaryPasswordHash: row.temporary_password_hash,
    temporaryPasswordExpiresAt:
      row.temporary_password_expires_at === null ? null : instant(row.temporary_password_expires_at),
    passwordChangeRequired: toBoolean(row.password_change_required),
    totp:
      row.totp_secret_sealed === null
        ? null
        : {
            secretSealed: row.totp_secret_sealed,
            lastUsedStep: row.totp_last_used_step === null ? null : toNumber(row.totp_last_used_step),
            enrolledAt: instant(row.totp_enrolled_at ?? row.created_at),
          },
    pendingTotpSealed: row.pending_totp_sealed,
    mfaPhone: row.mfa_phone,
    recoveryCodeSealed: row.recovery_code_sealed,
    backupCodeHashes: fromJson<string[]>(row.backup_code_hashes),
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
  };
}

/** The `users` columns of a new record (its roles go to `user_roles`). */
export function toUserInsert(user: UserRecord, dialect: SqlDialect): Insertable<UsersTable> {
  return {
    id: user.id,
    organization_id: user.organizationId,
    created_at: dialect.toInstant(user.createdAt) as Date,
    ...(toUserUpdate(user, dialect) as Required<
      Omit<Updateable<UsersTable>, "id" | "organization_id" | "created_at">
    >),
  };
}

/** The `users` columns a patch changes; keys absent from the patch (or `undefined`) are left alone. */
export function toUserUpdate(patch: UserPatch, dialect: SqlDialect): Updateable<UsersTable> {
  const instant = (at: Date): Date => dialect.toInstant(at) as Date;
  const set: Updateable<UsersTable> = {};
  if (patch.email !== undefined) set.email = patch.email;
  if (patch.givenName !== undefined) {
    set.given_name = patch.givenName;
    set.given_name_search = patch.givenName?.toLowerCase() ?? "";
  }
  if (patch.familyName !== undefined) {
    set.family_name = patch.familyName;
    set.family_name_search = patch.familyName?.toLowerCase() ?? "";
  }
  if (patch.phone !== undefined) set.phone = patch.phone;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
  if (patch.temporaryPasswordHash !== undefined) set.temporary_password_hash = patch.temporaryPasswordHash;
  if (patch.temporaryPasswordExpiresAt !== undefined) {
    const at = patch.temporaryPasswordExpiresAt;
    set.temporary_password_expires_at = at === null ? null : instant(at);
  }
  if (patch.passwordChangeRequired !== undefined) set.password_change_required = patch.passwordChangeRequired;
  if (patch.totp !== undefined) {
    set.totp_secret_sealed = patch.totp?.secretSealed ?? null;
    set.totp_last_used_step = patch.totp?.lastUsedStep ?? null;
    set.totp_enrolled_at = patch.totp === null ? null : instant(patch.totp.enrolledAt);
  }
  if (patch.pendingTotpSealed !== undefined) set.pending_totp_sealed = patch.pendingTotpSealed;
  if (patch.mfaPhone !== undefined) set.mfa_phone = patch.mfaPhone;
  if (patch.recoveryCodeSealed !== undefined) set.recovery_code_sealed = patch.recoveryCodeSealed;
  if (patch.backupCodeHashes !== undefined) set.backup_code_hashes = toJson(patch.backupCodeHashes);
  if (patch.updatedAt !== undefined) set.updated_at = instant(patch.updatedAt);
  return set;
}

/** The `user_roles` rows of a user: duplicates dropped, order kept. */
export function toRoleRows(
  user: Pick<UserRecord, "id" | "organizationId">,
  roles: readonly string[],
): Insertable<UserRolesTable>[] {
  return [...new Set(roles)].map((roleId, position) => ({
    user_id: user.id,
    role_id: roleId,
    organization_id: user.organizationId,
    position,
  }));
}
