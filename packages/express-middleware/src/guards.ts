import {
  GatehouseError,
  type Matrix,
  type PageId,
  type PermissionMap,
  type SessionStage,
} from "@gatehousejs/core";
import { assertPermission, assertSignedIn, type RequestAuth as LayerAuth } from "@gatehousejs/http";
import type { Request, RequestHandler } from "express";
import type { RegisteredPermissions, RequestAuth, SignedInAuth } from "./types.js";

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /**
   * The stages that pass. A host's own page of a sign-in step (e.g. a custom second-factor form) may let a
   * pending stage through; nothing else should.
   * @default ["authenticated"]
   */
  stages?: readonly SessionStage[];
}

/** The guards of one permission map: `requirePermission` autocompletes its pages and their actions. */
export interface Guards<M extends PermissionMap> {
  /** 401 (UNAUTHENTICATED) without a session, or with one at a pending stage. */
  requireAuth(options?: RequireAuthOptions): RequestHandler;
  /** 401 as `requireAuth`; 403 (FORBIDDEN) when the user's roles do not grant `action` on `page`. */
  requirePermission<P extends PageId<M>>(page: P, action: M[P]): RequestHandler;
}

/**
 * Lets only a signed-in session through: 401 (UNAUTHENTICATED) without one, or at a pending stage (second
 * factor, enrolment, password change).
 * @example app.get("/api/me", requireAuth(), (req, res) => res.json(req.auth.user));
 */
export function requireAuth(options: RequireAuthOptions = {}): RequestHandler {
  const stages = options.stages ?? ["authenticated"];
  return (req, _res, next) => {
    try {
      signedInOrThrow(req, stages);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Lets through only an `authenticated` session whose roles grant `action` on `page`: 401 without one, 403
 * (FORBIDDEN) without the permission. Page and action names come from the registered matrix (see `Register`);
 * for another matrix, use {@link createGuards}. A pair the service's matrix does not have is a
 * CONFIGURATION error at the first request, never a silent 403.
 * @example app.delete("/api/webhooks/:id", requirePermission("webhooks.webhooks", "delete"), deleteWebhook);
 */
export function requirePermission<P extends PageId<RegisteredPermissions>>(
  page: P,
  action: RegisteredPermissions[P],
): RequestHandler {
  return permissionGuard(page, action as string);
}

/**
 * The guards of a given matrix: page and action names autocomplete from it, and an unknown pair throws at
 * once when the guard is created.
 * @example
 * const { requirePermission } = createGuards(myMatrix);
 * router.post("/exports", requirePermission("callback.exports", "export"), startExport);
 */
export function createGuards<M extends PermissionMap>(matrix: Matrix<M, string>): Guards<M> {
  return {
    requireAuth,
    requirePermission: (page, action) => {
      // Resolving here throws a CONFIGURATION error for a pair the matrix lacks, when the app starts.
      matrix.permission(page, action);
      return permissionGuard(page, action as string);
    },
  };
}

function permissionGuard(page: string, action: string): RequestHandler {
  return (req, _res, next) => {
    try {
      const auth = signedInOrThrow(req, ["authenticated"]);
      // The layer resolves the pair on the service's matrix: one it lacks is a CONFIGURATION error (500).
      assertPermission(auth as LayerAuth, page as never, action as never);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function signedInOrThrow(req: Request, stages: readonly SessionStage[]): SignedInAuth {
  const auth = req.auth as RequestAuth | undefined;
  if (auth === undefined) {
    throw new GatehouseError("CONFIGURATION", "gatehouseMiddleware must run before requireAuth.");
  }
  return assertSignedIn(auth as LayerAuth, { stages }) as unknown as SignedInAuth;
}
