import {
  GatehouseError,
  type Matrix,
  type PageId,
  type PermissionMap,
  type SessionStage,
} from "@gatehousejs/core";
import { assertPermission, assertSignedIn, type RegisteredPermissions } from "@gatehousejs/http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { rememberRequest, sendResponse, stateOf } from "./fetch.js";

/** A guard as a Fastify `preHandler`: it answers the refusal as a problem, or lets the route run. */
export type GatehouseGuard = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /**
   * The stages that pass. A host's own page of a sign-in step may let a pending stage through; nothing else
   * should.
   * @default ["authenticated"]
   */
  stages?: readonly SessionStage[];
}

/** The guards of one permission map: `requirePermission` autocompletes its pages and their actions. */
export interface Guards<M extends PermissionMap> {
  /** 401 (UNAUTHENTICATED) without a session, or with one at a pending stage. */
  requireAuth(options?: RequireAuthOptions): GatehouseGuard;
  /** 401 as `requireAuth`; 403 (FORBIDDEN) when the user's roles do not grant `action` on `page`. */
  requirePermission<P extends PageId<M>>(page: P, action: M[P]): GatehouseGuard;
}

/**
 * A `preHandler` that lets only a signed-in session through: 401 (UNAUTHENTICATED) without one, or at a
 * pending stage (second factor, enrolment, password change).
 * @example app.get("/api/me", { preHandler: requireAuth() }, async (request) => request.auth.user);
 */
export function requireAuth(options: RequireAuthOptions = {}): GatehouseGuard {
  const stages = options.stages ?? ["authenticated"];
  return guard((request) => {
    assertSignedIn(request.auth, { stages });
  });
}

/**
 * A `preHandler` that lets through only an `authenticated` session whose roles grant `action` on `page`: 401
 * without one, 403 (FORBIDDEN) without the permission. Names come from the matrix registered on
 * `@gatehousejs/http`'s `Register`; for another matrix, use {@link createGuards}.
 * @example app.delete("/api/webhooks/:id", { preHandler: requirePermission("webhooks.webhooks", "delete") }, del);
 */
export function requirePermission<P extends PageId<RegisteredPermissions>>(
  page: P,
  action: RegisteredPermissions[P],
): GatehouseGuard {
  return guard((request) => {
    assertPermission(request.auth, page, action);
  });
}

/**
 * The guards of a given matrix: page and action names autocomplete from it, and an unknown pair throws at
 * once when the guard is created.
 * @example
 * const { requirePermission } = createGuards(myMatrix);
 * app.post("/exports", { preHandler: requirePermission("callback.exports", "export") }, startExport);
 */
export function createGuards<M extends PermissionMap>(matrix: Matrix<M, string>): Guards<M> {
  return {
    requireAuth,
    requirePermission: (page, action) => {
      matrix.permission(page, action);
      return guard((request) => {
        assertPermission(request.auth, page as never, action as never);
      });
    },
  };
}

function guard(check: (request: FastifyRequest) => void): GatehouseGuard {
  return async (request, reply) => {
    const state = stateOf(request);
    if (state === null) {
      throw new GatehouseError("CONFIGURATION", "Register gatehousePlugin before using its guards.");
    }
    try {
      check(request);
      return undefined;
    } catch (error) {
      return sendResponse(reply, state.handler.problem(error, rememberRequest(request, state.handler)));
    }
  };
}
