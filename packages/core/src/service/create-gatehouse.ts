import { GatehouseError, type Issue } from "../errors.js";
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
    createOrganization: (actor, input) => createOrganization(ctx, actor, input),
    getOrganization: (actor, input) => getOrganization(ctx, actor, input),
    updateOrganizationSettings: (actor, input) => updateOrganizationSettings(ctx, actor, input),
    inviteUsers: (actor, input) => inviteUsers(ctx, actor, input),
    addUser: (actor, input) => addUser(ctx, actor, input),
    resendInvitation: (actor, input) => resendInvitation(ctx, actor, input),
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
    revokeSessions: (actor, input) => revokeSessions(ctx, actor, input),
    unlockUser: (actor, input) => unlockUser(ctx, actor, input),
    resetSecondFactorLock: (actor, input) => resetSecondFactorLock(ctx, actor, input),
    requestPasswordReset: (input) => requestPasswordReset(ctx, input),
    issuePasswordReset: (actor, input) => issuePasswordReset(ctx, actor, input),
    resetPassword: (input) => resetPassword(ctx, input),
    listUsers: (actor, input) => listUsers(ctx, actor, input),
    getUser: (actor, input) => getUser(ctx, actor, input),
    updateUser: (actor, input) => updateUser(ctx, actor, input),
    removeUser: (actor, input) => removeUser(ctx, actor, input),
    listRoles: (actor, input) => listRoles(ctx, actor, input),
    createRole: (actor, input) => createRole(ctx, actor, input),
    updateRole: (actor, input) => updateRole(ctx, actor, input),
    deleteRole: (actor, input) => deleteRole(ctx, actor, input),
    listAuditLog: (actor, input) => listAuditLog(ctx, actor, input),
    upsertSsoConnection: (actor, input) => upsertSsoConnection(ctx, actor, input),
    getSsoConnection: (actor, input) => getSsoConnection(ctx, actor, input),
    deleteSsoConnection: (actor, input) => deleteSsoConnection(ctx, actor, input),
    setSsoEmergencyAdministrators: (actor, input) => setSsoEmergencyAdministrators(ctx, actor, input),
    beginSso: (input) => beginSso(ctx, input),
    completeSso: (input) => completeSso(ctx, input),
    flush: () => ctx.flush(),
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
