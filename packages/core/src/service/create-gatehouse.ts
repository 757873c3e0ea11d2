import { GatehouseError, type Issue } from "../errors.js";
import { type Actor, checkActor } from "./actor.js";
import { listAuditLog } from "./audit-log.js";
import { configOf } from "./config.js";
import { createContext, type GatehouseOptions, type ServiceContext } from "./context.js";
import { resetSecondFactorLock } from "./factors/reset-lock.js";
import type { Gatehouse } from "./gatehouse.js";
import { login, verifySecondFactor } from "./login.js";
import {
  beginTotpEnrollment,
  completeTotpEnrollment,
  confirmMfaPhone,
  revealRecoveryCode,
  sendSignInCode,
  startMfaPhoneChange,
} from "./mfa.js";
import { createOrganization, getOrganization, updateOrganizationSettings } from "./organizations.js";
import { changePassword, issuePasswordReset, requestPasswordReset, resetPassword } from "./passwords.js";
import { activateAccount, addUser, inviteUsers, resendInvitation } from "./provisioning.js";
import { createRole, deleteRole, listRoles, updateRole } from "./roles.js";
import { logout, validateSession } from "./sessions.js";
import { beginSso } from "./sso/begin.js";
import { completeSso } from "./sso/complete.js";
import {
  deleteSsoConnection,
  getSsoConnection,
  setSsoEmergencyAdministrators,
  upsertSsoConnection,
} from "./sso/connections.js";
import { getUser, listUsers, removeUser, revokeSessions, unlockUser, updateUser } from "./users.js";

export type { Gatehouse } from "./gatehouse.js";

/**
 * Creates the service. Throws a `CONFIGURATION` error at once on a bad policy or key ring, or when a flow's
 * permission (`options.permissions`, by default the Platform Management pages) is missing from the matrix.
 * @example
 * const gatehouse = createGatehouse({
 *   store: createMemoryStore(),
 *   mailer: createMemoryMailer(),
 *   secrets: { current: process.env.GATEHOUSE_KEY! }, // "k1:<32 bytes base64>", see generateSecretKey
 * });
 * const { token, stage } = await gatehouse.login({ email, password });
 */
export function createGatehouse(options: GatehouseOptions): Gatehouse {
  const ctx = createContext(options);
  assertFlowPermissionsInMatrix(ctx);
  return {
    config: configOf(ctx),
    createOrganization: acting(ctx, createOrganization),
    getOrganization: acting(ctx, getOrganization),
    updateOrganizationSettings: acting(ctx, updateOrganizationSettings),
    inviteUsers: acting(ctx, inviteUsers),
    addUser: acting(ctx, addUser),
    resendInvitation: acting(ctx, resendInvitation),
    activateAccount: (input) => activateAccount(ctx, input),
    login: (input) => login(ctx, input),
    verifySecondFactor: (input) => verifySecondFactor(ctx, input),
    sendSignInCode: (input) => sendSignInCode(ctx, input),
    beginTotpEnrollment: (input) => beginTotpEnrollment(ctx, input),
    completeTotpEnrollment: (input) => completeTotpEnrollment(ctx, input),
    startMfaPhoneChange: (input) => startMfaPhoneChange(ctx, input),
    confirmMfaPhone: (input) => confirmMfaPhone(ctx, input),
    revealRecoveryCode: (input) => revealRecoveryCode(ctx, input),
    changePassword: (input) => changePassword(ctx, input),
    validateSession: (input) => validateSession(ctx, input),
    logout: (input) => logout(ctx, input),
    revokeSessions: acting(ctx, revokeSessions),
    unlockUser: acting(ctx, unlockUser),
    resetSecondFactorLock: acting(ctx, resetSecondFactorLock),
    requestPasswordReset: (input) => requestPasswordReset(ctx, input),
    issuePasswordReset: acting(ctx, issuePasswordReset),
    resetPassword: (input) => resetPassword(ctx, input),
    listUsers: acting(ctx, listUsers),
    getUser: acting(ctx, getUser),
    updateUser: acting(ctx, updateUser),
    removeUser: acting(ctx, removeUser),
    listRoles: acting(ctx, listRoles),
    createRole: acting(ctx, createRole),
    updateRole: acting(ctx, updateRole),
    deleteRole: acting(ctx, deleteRole),
    listAuditLog: acting(ctx, listAuditLog),
    upsertSsoConnection: acting(ctx, upsertSsoConnection),
    getSsoConnection: acting(ctx, getSsoConnection),
    deleteSsoConnection: acting(ctx, deleteSsoConnection),
    setSsoEmergencyAdministrators: acting(ctx, setSsoEmergencyAdministrators),
    beginSso: (input) => beginSso(ctx, input),
    completeSso: (input) => completeSso(ctx, input),
    flush: () => ctx.flush(),
  };
}

/**
 * A call made on someone's behalf: the actor's shape is checked first (VALIDATION naming `actor.<field>`), so
 * a malformed id never reaches a store or the audit log, whichever use case it is.
 */
function acting<I, R>(
  ctx: ServiceContext,
  useCase: (ctx: ServiceContext, actor: Actor, input: I) => Promise<R>,
): (actor: Actor, input: I) => Promise<R> {
  return async (actor, input) => {
    checkActor(actor);
    return useCase(ctx, actor, input);
  };
}

/**
 * A flow permission the matrix lacks would make every member FORBIDDEN for that flow, silently; the
 * middleware's guards throw CONFIGURATION for the same mistake, and so does the service, naming every pair.
 */
function assertFlowPermissionsInMatrix(ctx: ServiceContext): void {
  const issues: Issue[] = Object.entries(ctx.permissions)
    .filter(([, [page, action]]) => ctx.matrix.findPermission(page, action) === null)
    .map(([flow, [page, action]]) => ({
      path: ["permissions", flow],
      reason: "not-in-matrix",
      message: `${flow}: the matrix has no action "${action}" on page "${page}".`,
    }));
  if (issues.length === 0) return;
  const pairs = issues.map((issue) => issue.message).join(" ");
  throw new GatehouseError(
    "CONFIGURATION",
    `The permissions of ${issues.length} flow(s) are missing from the matrix: ${pairs} Add them to the matrix, or pass \`permissions\` naming pairs it has.`,
    { issues },
  );
}
