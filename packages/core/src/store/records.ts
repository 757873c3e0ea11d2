import type { MfaRequirement } from "../policy/mfa.js";
import type { SessionStage } from "../policy/session.js";
import type { SsoSecondFactor } from "../policy/sso.js";
import type { TokenKind } from "../policy/token.js";

// The records the repositories hold. Every secret is a SHA-256 hash, an argon2id hash or AES-256-GCM
// ciphertext (`sealed`): nothing a store keeps can be replayed as it is.

/** Who may add users: admins invite; `external`: only a system actor provisions; `members-only`: no staff. */
export type ProvisioningMode = "invite" | "external" | "members-only";

/** The name of a policy preset. */
export type PresetName = "enterprise" | "team";

/** An organization's settings. */
export interface OrganizationSettings {
  /** @default the preset's requirement */
  readonly mfa: MfaRequirement;
  /** `sso`: users sign in through the identity provider; no password reset. */
  readonly authMode: "password" | "sso";
  readonly provisioning: ProvisioningMode;
  readonly preset: PresetName;
}

/** A tenant. */
export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly settings: OrganizationSettings;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A user's TOTP authenticator, its secret sealed with the key ring. */
export interface TotpFactor {
  readonly secretSealed: string;
  /** The last time step accepted: a step is never accepted twice. */
  readonly lastUsedStep: number | null;
  readonly enrolledAt: Date;
}

/** A user, as stored: profile, credentials and factors. Services hand callers a `User` view instead. */
export interface UserRecord {
  readonly id: string;
  readonly organizationId: string;
  /** Normalised (trimmed, NFC, lower-case); unique across the installation. */
  readonly email: string;
  /** The first name ("First name" in the team preset; the whole name a one-field form was given). */
  readonly givenName: string | null;
  /** The last name ("Last name" in the team preset); null when not given. */
  readonly familyName: string | null;
  /** The profile phone ("number on file"), not the 2FA phone. */
  readonly phone: string | null;
  /** `invited`: has not signed in yet (temporary password or activation link pending). */
  readonly status: "invited" | "active";
  /** Default role ids of the matrix (`callback.viewer`) and custom role ids. */
  readonly roles: readonly string[];
  /** argon2id of the user-chosen password. */
  readonly passwordHash: string | null;
  /** SHA-256 of the temporary password of an invitation; it must be changed at first sign-in. */
  readonly temporaryPasswordHash: string | null;
  readonly temporaryPasswordExpiresAt: Date | null;
  readonly passwordChangeRequired: boolean;
  readonly totp: TotpFactor | null;
  /** A TOTP secret being enrolled, not yet confirmed by a code. */
  readonly pendingTotpSealed: string | null;
  /** The verified 2FA phone (E.164), separate from the profile phone. */
  readonly mfaPhone: string | null;
  /** The personal recovery code, sealed (the user may view it again after confirming their password). */
  readonly recoveryCodeSealed: string | null;
  /** SHA-256 hashes of unused one-time backup codes, for hosts that choose them over one recovery code. */
  readonly backupCodeHashes: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a new user needs; every secret and second factor starts empty. */
export type NewUserFields = Pick<
  UserRecord,
  "id" | "organizationId" | "email" | "givenName" | "familyName" | "phone" | "status" | "roles" | "createdAt"
> &
  Partial<
    Pick<UserRecord, "temporaryPasswordHash" | "temporaryPasswordExpiresAt" | "passwordChangeRequired">
  >;

/**
 * A new user's record, with no password, no factor and no recovery secret: the one place a user is born, so
 * a field added to `UserRecord` is given its empty value once.
 * @example const user = newUserRecord({ id, organizationId, email, givenName: null, familyName: null, phone: null, status: "active", roles, createdAt: now });
 */
export function newUserRecord(fields: NewUserFields): UserRecord {
  return {
    passwordHash: null,
    temporaryPasswordHash: null,
    temporaryPasswordExpiresAt: null,
    passwordChangeRequired: false,
    totp: null,
    pendingTotpSealed: null,
    mfaPhone: null,
    recoveryCodeSealed: null,
    backupCodeHashes: [],
    ...fields,
    roles: [...fields.roles],
    updatedAt: fields.createdAt,
  };
}

/** The fields `UserRepository.update` may change. */
export type UserPatch = Partial<Omit<UserRecord, "id" | "organizationId" | "createdAt">>;

/** A custom role of one organization: any set of `(page, action)` pairs of the matrix. */
export interface RoleRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: ReadonlyArray<{ readonly page: string; readonly action: string }>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A session, keyed by the SHA-256 of its token; the token itself is never stored. The service issues tokens
 * `<organization tag>.<256-bit secret>` and keys their sessions `<organization tag>.<SHA-256 hex of the whole
 * token>` (`sessionKey`), the tag being the base64url of the organization id (`organizationTag`): a store may
 * use the part before the first `.` to place a session beside its organization's authorization version (one
 * Redis Cluster hash slot). A store MUST treat the key as an opaque string otherwise.
 */
export interface SessionRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly stage: SessionStage;
  /** Whether a second factor was verified in this session. */
  readonly secondFactorVerified: boolean;
  readonly createdAt: Date;
  readonly lastActiveAt: Date;
  /** When the session dies without further activity: the earlier of its idle and absolute deadlines. */
  readonly expiresAt: Date;
  /**
   * What a request needs about the session's user (their public fields, organization and compiled grants),
   * tagged with the authorization version it was taken at: opaque text the service writes (`savePrincipal`)
   * and reads back as it is; `null` until the first validation loads it. A store keeps it, never reads it.
   */
  readonly principal: string | null;
}

/** A one-time secret, keyed by its SHA-256. */
export interface TokenRecord {
  readonly hash: string;
  readonly kind: TokenKind;
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Small non-secret data, e.g. the phone number a verification code was sent to. */
  readonly data: Readonly<Record<string, string>>;
}

/** Who did something, as the audit log records it. */
export interface AuditActor {
  readonly kind: "member" | "staff" | "system" | "anonymous";
  readonly id: string | null;
  readonly email: string | null;
}

/** One append-only audit entry. */
export interface AuditRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly at: Date;
  readonly action: string;
  readonly actor: AuditActor;
  readonly subjectUserId: string | null;
  readonly subjectEmail: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An organization's connection to its OpenID Connect identity provider (one per organization). */
export interface SsoConnectionRecord {
  readonly id: string;
  readonly organizationId: string;
  /** The issuer identifier; its discovery document is at `/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** The client secret, sealed with the key ring; never returned by the service. */
  readonly clientSecretSealed: string;
  /** The scopes asked for, `openid` among them. */
  readonly scopes: readonly string[];
  /** The e-mail domains the organization owns, lower-case; each claimed by one connection installation-wide. */
  readonly domains: readonly string[];
  /** Whether people unknown to Gatehouse are created at their first sign-in (only under `external` provisioning). */
  readonly jitProvisioning: boolean;
  /** The roles given to a person created just in time. */
  readonly defaultRoles: readonly string[];
  /** Who answers the organization's MFA requirement. */
  readonly secondFactor: SsoSecondFactor;
  /** The users staff designated to keep a password (and a second factor) in case the identity provider fails. */
  readonly emergencyAdministratorIds: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A person at an identity provider, linked to a user: (issuer, subject) is unique installation-wide. */
export interface IdentityLinkRecord {
  readonly issuer: string;
  readonly subject: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: Date;
}

/** One page of a keyset-paginated listing. `nextCursor` is null on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}
