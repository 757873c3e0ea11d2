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

/** Each matrix's resolved permissions, by page then action: no key is built per request. */
const handles = new WeakMap<MatrixShape, Map<string, Map<string, PermissionHandle>>>();

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
  const handle = handleOf(signedIn.grants.matrix, page, String(action));
  if (!canHandle(signedIn.grants, handle)) {
    throw new GatehouseError("FORBIDDEN", `This needs the "${String(action)}" permission on "${page}".`, {
      permission: { page, action },
    });
  }
  return signedIn;
}

/** The matrix's handle of the pair, resolved once (only pairs it has are kept); CONFIGURATION when it lacks it. */
function handleOf(matrix: MatrixShape, page: string, action: string): PermissionHandle {
  const known = handles.get(matrix)?.get(page)?.get(action);
  if (known !== undefined) return known;
  const handle = matrix.findPermission(page, action);
  if (handle === null) {
    throw new GatehouseError(
      "CONFIGURATION",
      `assertPermission("${page}", "${action}"): the service's matrix has no such permission.`,
    );
  }
  let pages = handles.get(matrix);
  if (pages === undefined) {
    pages = new Map();
    handles.set(matrix, pages);
  }
  let actions = pages.get(page);
  if (actions === undefined) {
    actions = new Map();
    pages.set(page, actions);
  }
  actions.set(action, handle);
  return handle;
}
