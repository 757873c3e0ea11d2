import {
  canHandle,
  GatehouseError,
  type MatrixShape,
  type PageId,
  type PermissionHandle,
  type SessionStage,
} from "@gatehousejs/core";
import type { RegisteredPermissions, RequestAuth, SignedInAuth } from "./types.js";

/**
 * The auth of a signed-in session, or UNAUTHENTICATED (401): without a session, or at a pending stage (second
 * factor, enrolment, password change) unless `stages` lets it through.
 * @example const { user } = assertSignedIn(getAuth(request));
 */
export function assertSignedIn(
  auth: RequestAuth,
  options: { readonly stages?: readonly SessionStage[] } = {},
): SignedInAuth {
  const stages = options.stages ?? ["authenticated"];
  if (auth.user === null) {
    throw new GatehouseError("UNAUTHENTICATED", "Sign in first: the session is missing or has expired.");
  }
  if (!stages.includes(auth.stage)) {
    throw new GatehouseError(
      "UNAUTHENTICATED",
      `Finish signing in first (the session is at "${auth.stage}").`,
      { stage: auth.stage },
    );
  }
  return auth;
}

const handles = new WeakMap<MatrixShape, Map<string, PermissionHandle>>();

/**
 * The auth of an `authenticated` session whose roles grant `action` on `page`: 401 without one, 403
 * (FORBIDDEN) without the permission. A pair the service's matrix lacks is a CONFIGURATION error, never a
 * silent 403.
 * @example assertPermission(getAuth(request), "platform.user-management", "delete");
 */
export function assertPermission<P extends PageId<RegisteredPermissions>>(
  auth: RequestAuth,
  page: P,
  action: RegisteredPermissions[P],
): SignedInAuth {
  const signedIn = assertSignedIn(auth);
  const { matrix } = signedIn.grants;
  let known = handles.get(matrix);
  if (!known) {
    known = new Map();
    handles.set(matrix, known);
  }
  const key = `${page}\u0000${String(action)}`;
  let handle = known.get(key) ?? null;
  if (handle === null) {
    handle = matrix.findPermission(page, String(action));
    if (handle === null) {
      throw new GatehouseError(
        "CONFIGURATION",
        `assertPermission("${page}", "${String(action)}"): the service's matrix has no such permission.`,
      );
    }
    known.set(key, handle);
  }
  if (!canHandle(signedIn.grants, handle)) {
    throw new GatehouseError("FORBIDDEN", `This needs the "${String(action)}" permission on "${page}".`, {
      permission: { page, action },
    });
  }
  return signedIn;
}
