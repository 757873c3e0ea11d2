import type { PermissionMap, PermissionsOf } from "@gatehousejs/core";
import type {
  Can as HttpCan,
  RegisteredPermissions as HttpRegisteredPermissions,
  SignedInAuth as HttpSignedInAuth,
  SignedOutAuth as HttpSignedOutAuth,
  SessionInfo,
} from "@gatehousejs/http";

// The request's auth is the http layer's; this module only names it for Express (`req.auth`) and keeps the
// binding's own `Register`, so a host that registered its matrix on this package keeps its autocompletion.

/**
 * Register the host's permission matrix here, by declaration merging, so that `req.auth.can` and
 * `requirePermission` autocomplete its page and action names. Unregistered, they follow the matrix registered
 * on `@gatehousejs/http`, else `defaultMatrix`.
 * @example
 * declare module "@gatehousejs/express-middleware" {
 *   interface Register {
 *     matrix: typeof myMatrix;
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: a declaration-merging target, empty until the host registers
export interface Register {}

/** The permission map of the registered matrix (`@gatehousejs/http`'s, else `defaultMatrix`'s, when none is). */
export type RegisteredPermissions = Register extends { matrix: infer M }
  ? PermissionsOf<M>
  : HttpRegisteredPermissions;

export type { SessionInfo };

/**
 * True when the session is `authenticated` and its user holds `action` on `page`. O(1), no allocation.
 * @example if (req.auth.can("platform.user-management", "delete")) showDeleteButton();
 */
export type Can<M extends PermissionMap = RegisteredPermissions> = HttpCan<M>;

/** `req.auth` of a request that carries a valid session, at any stage. */
export type SignedInAuth<M extends PermissionMap = RegisteredPermissions> = HttpSignedInAuth<M>;

/** `req.auth` of a request without a valid session: every field is `null` and `can` is always false. */
export type SignedOutAuth<M extends PermissionMap = RegisteredPermissions> = HttpSignedOutAuth<M>;

/** What `gatehouseMiddleware` attaches to every request as `req.auth`. */
export type RequestAuth<M extends PermissionMap = RegisteredPermissions> = SignedInAuth<M> | SignedOutAuth<M>;

declare global {
  namespace Express {
    interface Request {
      /** The request's session, user and grants; set by `gatehouseMiddleware` (signed out: `user` is null). */
      auth: RequestAuth;
    }
  }
}
