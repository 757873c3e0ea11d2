import type {
  defaultMatrix,
  Grants,
  Organization,
  PageId,
  PermissionMap,
  PermissionsOf,
  SessionStage,
  User,
} from "@gatehousejs/core";

/**
 * Register the host's permission matrix here, by declaration merging, so that `auth.can` and
 * `requirePermission` autocomplete its page and action names. Unregistered, they follow `defaultMatrix`.
 * @example
 * declare module "@gatehousejs/http" {
 *   interface Register {
 *     matrix: typeof myMatrix;
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: a declaration-merging target, empty until the host registers
export interface Register {}

/** The permission map of the registered matrix (`defaultMatrix`'s when none is registered). */
export type RegisteredPermissions = Register extends { matrix: infer M }
  ? PermissionsOf<M>
  : PermissionsOf<typeof defaultMatrix>;

/** The session behind a request, without its token: the token only ever travels in the cookie. */
export interface SessionInfo {
  readonly stage: SessionStage;
  /** Whether a second factor was verified in this session. */
  readonly secondFactorVerified: boolean;
  /** When the user signed in (the absolute lifetime counts from here). */
  readonly createdAt: Date;
  /** The last activity the store recorded (activity is written back at most once per interval). */
  readonly lastActiveAt: Date;
  /** When the session ends without further activity; the cookie's Max-Age follows it. */
  readonly expiresAt: Date;
}

/**
 * True when the session is `authenticated` and its user holds `action` on `page`. O(1), no allocation.
 * @example if (auth.can("platform.user-management", "delete")) showDeleteButton();
 */
export type Can<M extends PermissionMap = RegisteredPermissions> = <P extends PageId<M>>(
  page: P,
  action: M[P],
) => boolean;

/** The auth of a request that carries a valid session, at any stage. */
export interface SignedInAuth<M extends PermissionMap = RegisteredPermissions> {
  readonly user: User;
  /** `authenticated`, or a pending step of signing in (`mfa`, `mfa-enrollment`, `password-change`). */
  readonly stage: SessionStage;
  readonly session: SessionInfo;
  readonly organization: Organization;
  /** The user's compiled grants; only an `authenticated` session may act on them (see `can`). */
  readonly grants: Grants<M>;
  /** True when the session is `authenticated` and its user holds `action` on `page`. */
  readonly can: Can<M>;
}

/** The auth of a request without a valid session: every field is `null` and `can` is always false. */
export interface SignedOutAuth<M extends PermissionMap = RegisteredPermissions> {
  readonly user: null;
  readonly stage: null;
  readonly session: null;
  readonly organization: null;
  readonly grants: null;
  /** Always false: no session holds nothing. */
  readonly can: Can<M>;
}

/** What `getAuth(request)` answers: the request's session, user and grants (signed out: `user` is null). */
export type RequestAuth<M extends PermissionMap = RegisteredPermissions> = SignedInAuth<M> | SignedOutAuth<M>;
