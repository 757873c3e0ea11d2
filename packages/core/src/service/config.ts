import type { Clock } from "../clock.js";
import type { MatrixShape } from "../matrix/define-matrix.js";
import type { GatehousePolicy } from "../policy/gatehouse-policy.js";
import type { OrganizationRecord } from "../store/records.js";
import type { ServiceContext } from "./context.js";
import type { FlowPermissions } from "./permissions.js";

/**
 * What a service was configured with, for bindings and host pages: read-only, and nothing secret (the store,
 * the key ring and the hasher stay inside the service).
 * @example
 * const maxAgeSeconds = (session.expiresAt.getTime() - gatehouse.config.clock.now().getTime()) / 1000;
 */
export interface GatehouseConfig {
  /** The permission matrix the service checks calls against. */
  readonly matrix: MatrixShape;
  /** The installation's policy: the lockout rules of every sign-in, the defaults of new organizations. */
  readonly policy: GatehousePolicy;
  /** Where the service's time comes from; a binding sets cookie lifetimes on the same clock. */
  readonly clock: Clock;
  /** Which matrix permission each flow requires of a member. */
  readonly permissions: FlowPermissions;
  /**
   * The policy an organization follows (its preset's, else the installation's).
   * @example const offered = gatehouse.config.policyOf(organization).mfa.factors; // ["totp", "sms"]
   */
  policyOf(organization: Pick<OrganizationRecord, "settings">): GatehousePolicy;
}

/** The public, frozen view of a service's context. */
export function configOf(ctx: ServiceContext): GatehouseConfig {
  return Object.freeze({
    matrix: ctx.matrix,
    policy: ctx.policy,
    clock: ctx.clock,
    permissions: ctx.permissions,
    policyOf: ctx.policyOf,
  });
}
