/**
 * `@gatehousejs/fastify`: the Fastify plugin of Gatehouse. Every flow's JSON routes, a typed `request.auth`
 * on every request, and permission guards as `preHandler`s, on `@gatehousejs/http`. Explicit named exports only.
 *
 * @module @gatehousejs/fastify
 */

import "./types.js";

export type {
  Can,
  Register,
  RegisteredPermissions,
  RequestAuth,
  SessionInfo,
  SignedInAuth,
  SignedOutAuth,
} from "@gatehousejs/http";
export {
  createGuards,
  type GatehouseGuard,
  type Guards,
  type RequireAuthOptions,
  requireAuth,
  requirePermission,
} from "./guards.js";
export { type GatehousePluginOptions, gatehousePlugin } from "./plugin.js";
