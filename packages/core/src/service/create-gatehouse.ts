import type { z } from "zod";
import { hashToken } from "../crypto/tokens.js";
import { GatehouseError, type Issue } from "../errors.js";
import type { AuditRecord, OrganizationRecord, OrganizationSettings, Page } from "../store/records.js";
import type { Actor } from "./actor.js";
import { listAuditLog } from "./audit-log.js";
import { createContext, type GatehouseOptions, type ServiceContext } from "./context.js";
import type { SecondFactorMethod } from "./factors/index.js";
import { resetSecondFactorLock } from "./factors/reset-lock.js";
import { type LoginResult, login, verifySecondFactor } from "./login.js";
import {
  beginTotpEnrollment,
  completeTotpEnrollment,
  confirmMfaPhone,
  type EnrollmentResult,
  revealRecoveryCode,
  sendSignInCode,
  startMfaPhoneChange,
  type TotpEnrollment,
} from "./mfa.js";
import { createOrganization, getOrganization, updateOrganizationSettings } from "./organizations.js";
import { changePassword, issuePasswordReset, requestPasswordReset, resetPassword } from "./passwords.js";
import {
  activateAccount,
  addUser,
  type Delivery,
  inviteUsers,
  type NewUserInput,
  type ProvisionResult,
  resendInvitation,
} from "./provisioning.js";
import { createRole, deleteRole, listRoles, updateRole } from "./roles.js";
import type { schemas } from "./schemas.js";
import { type IssuedSession, loadSession, type ValidSession } from "./sessions.js";
import { beginSso, type SsoStart } from "./sso/begin.js";
import { type CompleteSsoInput, completeSso } from "./sso/complete.js";
import {
  deleteSsoConnection,
  getSsoConnection,
  type SsoConnectionInput,
  type SsoConnectionView,
  setSsoEmergencyAdministrators,
  upsertSsoConnection,
} from "./sso/connections.js";
import {
  getUser,
  listUsers,
  removeUser,
  revokeSessions,
  type UserChanges,
  unlockUser,
  updateUser,
} from "./users.js";
import type { RoleView, User } from "./views.js";

type Permissions = ReadonlyArray<{ readonly page: string; readonly action: string }>;

/**
 * The Gatehouse service: every user-management flow, on the ports it was given. Every call that changes
 * something on behalf of someone takes an `actor` and checks the permission matrix itself; flows of a sign-in
 * in progress take the session token instead.
 */
export interface Gatehouse {
  /** The resolved configuration, for bindings (the matrix, the policy, the clock). */
  readonly context: ServiceContext;

  createOrganization(
    actor: Actor,
    input: {
      name: string;
      preset?: "enterprise" | "team";
      mfa?: OrganizationSettings["mfa"];
      authMode?: "password" | "sso";
      provisioning?: OrganizationSettings["provisioning"];
    },
  ): Promise<OrganizationRecord>;
  getOrganization(actor: Actor, organizationId: string): Promise<OrganizationRecord>;
  updateOrganizationSettings(
    actor: Actor,
    organizationId: string,
    input: Partial<Pick<OrganizationSettings, "mfa" | "authMode" | "provisioning">>,
  ): Promise<OrganizationRecord>;

  /** Invites people from one field of addresses with the same roles; all or nothing. */
  inviteUsers(
    actor: Actor,
    input: { organizationId: string; emails: string; roles: string[] },
  ): Promise<ProvisionResult>;
  /** Adds one person by name (given and family, both optional) and contact details. */
  addUser(actor: Actor, input: NewUserInput): Promise<ProvisionResult>;
  resendInvitation(actor: Actor, userId: string): Promise<Delivery>;
  activateAccount(input: { token: string; password: string }): Promise<User>;

  login(input: { email: string; password: string }): Promise<LoginResult>;
  verifySecondFactor(
    sessionToken: string,
    input: { method: SecondFactorMethod; code: string },
  ): Promise<LoginResult>;
  sendSignInCode(sessionToken: string): Promise<{ expiresAt: Date }>;
  beginTotpEnrollment(sessionToken: string, input?: { password?: string }): Promise<TotpEnrollment>;
  completeTotpEnrollment(sessionToken: string, input: { code: string }): Promise<EnrollmentResult>;
  startMfaPhoneChange(
    sessionToken: string,
    input: { password: string; phone: string },
  ): Promise<{ expiresAt: Date }>;
  confirmMfaPhone(sessionToken: string, input: { code: string }): Promise<EnrollmentResult>;
  revealRecoveryCode(sessionToken: string, input: { password: string }): Promise<{ code: string }>;
  changePassword(
    sessionToken: string,
    input: { currentPassword?: string; newPassword: string },
  ): Promise<IssuedSession>;

  /** Validates a session token: idle and absolute expiry, throttled activity write; `null` when not valid. */
  validateSession(sessionToken: string): Promise<ValidSession | null>;
  /** Ends one session. */
  logout(sessionToken: string): Promise<void>;
  revokeSessions(actor: Actor, userId: string): Promise<number>;
  unlockUser(actor: Actor, userId: string): Promise<void>;
  /**
   * Accepts a user's second factors again after too many wrong codes locked them (`SECOND_FACTOR_LOCKED`);
   * needs the user-edit permission in the user's organization, and is audited.
   * @example await gatehouse.resetSecondFactorLock(adminActor, userId); // after checking who is asking
   */
  resetSecondFactorLock(actor: Actor, userId: string): Promise<void>;

  requestPasswordReset(input: { email: string }): Promise<void>;
  issuePasswordReset(actor: Actor, userId: string): Promise<{ delivered: boolean }>;
  resetPassword(input: { token: string; password: string }): Promise<void>;

  listUsers(
    actor: Actor,
    input: { organizationId: string; search?: string; cursor?: string | null; limit?: number },
  ): Promise<Page<User>>;
  getUser(actor: Actor, userId: string): Promise<User>;
  updateUser(actor: Actor, userId: string, changes: UserChanges): Promise<User>;
  removeUser(actor: Actor, userId: string): Promise<void>;

  listRoles(actor: Actor, organizationId: string): Promise<RoleView[]>;
  createRole(
    actor: Actor,
    input: { organizationId: string; name: string; description?: string; permissions: Permissions },
  ): Promise<RoleView>;
  updateRole(
    actor: Actor,
    organizationId: string,
    roleId: string,
    input: { name?: string; description?: string; permissions?: Permissions },
  ): Promise<RoleView>;
  deleteRole(actor: Actor, organizationId: string, roleId: string): Promise<void>;

  listAuditLog(
    actor: Actor,
    input: { organizationId: string; userId?: string; cursor?: string | null; limit?: number },
  ): Promise<Page<AuditRecord>>;

  /**
   * Creates or replaces an organization's connection to its OpenID Connect provider: issuer, client id and secret
   * (sealed, never returned), scopes, allowed e-mail domains, just-in-time provisioning with its default roles,
   * and whether the provider's `amr` answers the MFA requirement. Reserved for staff unless `sso.managedBy` says
   * otherwise; audited.
   * @example
   * await gatehouse.upsertSsoConnection(staff, {
   *   organizationId,
   *   issuer: "https://login.acme.example",
   *   clientId: "gatehouse",
   *   clientSecret: process.env.ACME_OIDC_SECRET!,
   *   domains: ["acme.example"],
   *   jitProvisioning: true, // honoured when the organization's provisioning is "external"
   *   defaultRoles: ["callback.viewer"],
   *   secondFactor: "identity-provider", // its amr must show MFA, else Gatehouse asks its own factor
   * });
   */
  upsertSsoConnection(actor: Actor, input: SsoConnectionInput): Promise<SsoConnectionView>;
  /**
   * The organization's SSO connection without its client secret, or `null`.
   * @example const connection = await gatehouse.getSsoConnection(adminActor, { organizationId });
   */
  getSsoConnection(
    actor: Actor,
    input: z.input<typeof schemas.organizationRef>,
  ): Promise<SsoConnectionView | null>;
  /**
   * Deletes the organization's SSO connection and frees its domains; audited.
   * @example await gatehouse.deleteSsoConnection(staff, { organizationId });
   */
  deleteSsoConnection(actor: Actor, input: z.input<typeof schemas.organizationRef>): Promise<void>;
  /**
   * Names the users of an SSO organization who keep a password and a second factor, so a broken identity
   * provider locks nobody out (staff or system only); the list replaces the previous one; audited.
   * @example await gatehouse.setSsoEmergencyAdministrators(staff, { organizationId, userIds: [adminId] });
   */
  setSsoEmergencyAdministrators(
    actor: Actor,
    input: z.input<typeof schemas.ssoEmergencyAdministrators>,
  ): Promise<SsoConnectionView>;
  /**
   * Starts an SSO sign-in for an organization, or for an e-mail address by its domain (home-realm discovery):
   * redirect the browser to `url`, and keep `state` in an HttpOnly cookie for `completeSso`.
   * @example
   * const { url, state } = await gatehouse.beginSso({ email, redirectUri: "https://app.example/sso/callback" });
   * response.cookie("gh_sso", state, { httpOnly: true, secure: true, sameSite: "lax", maxAge: 600_000 });
   * response.redirect(url);
   */
  beginSso(input: z.input<typeof schemas.beginSso>): Promise<SsoStart>;
  /**
   * Completes an SSO sign-in from the callback: verifies it through the identity provider, finds or links or
   * creates the person by (issuer, subject), and answers like `login` (a session at its next stage). Refusals
   * are `SSO_FAILED` or `IDP_UNAVAILABLE` with `details.reason`, audited.
   * @example
   * const result = await gatehouse.completeSso({ callbackUrl: request.url, state: request.cookies.gh_sso });
   * if (result.stage === "mfa") showSecondFactorForm(result.factors);
   */
  completeSso(input: CompleteSsoInput): Promise<LoginResult>;

  /**
   * Resolves once the work that calls leave to run after answering has finished: what would make an answer
   * slower for a registered address ("forgot password"'s lookup, link and mail; the audit entry of a wrong
   * password). Await it in tests before reading an outbox, and at shutdown before closing the store.
   * @example
   * process.on("SIGTERM", async () => {
   *   server.close();
   *   await gatehouse.flush(); // the last reset mails and audit entries
   *   await pool.end();
   * });
   */
  flush(): Promise<void>;
}

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
    context: ctx,
    createOrganization: (actor, input) => createOrganization(ctx, actor, input),
    getOrganization: (actor, id) => getOrganization(ctx, actor, id),
    updateOrganizationSettings: (actor, id, input) => updateOrganizationSettings(ctx, actor, id, input),
    inviteUsers: (actor, input) => inviteUsers(ctx, actor, input),
    addUser: (actor, input) => addUser(ctx, actor, input),
    resendInvitation: (actor, userId) => resendInvitation(ctx, actor, userId),
    activateAccount: (input) => activateAccount(ctx, input),
    login: (input) => login(ctx, input),
    verifySecondFactor: (token, input) => verifySecondFactor(ctx, token, input),
    sendSignInCode: (token) => sendSignInCode(ctx, token),
    beginTotpEnrollment: (token, input) => beginTotpEnrollment(ctx, token, input),
    completeTotpEnrollment: (token, input) => completeTotpEnrollment(ctx, token, input),
    startMfaPhoneChange: (token, input) => startMfaPhoneChange(ctx, token, input),
    confirmMfaPhone: (token, input) => confirmMfaPhone(ctx, token, input),
    revealRecoveryCode: (token, input) => revealRecoveryCode(ctx, token, input),
    changePassword: (token, input) => changePassword(ctx, token, input),
    validateSession: (token) => loadSession(ctx, token),
    logout: async (token) => {
      if (typeof token === "string" && token.length > 0 && token.length <= 200)
        await ctx.store.sessions.delete(hashToken(token));
    },
    revokeSessions: (actor, userId) => revokeSessions(ctx, actor, userId),
    unlockUser: (actor, userId) => unlockUser(ctx, actor, userId),
    resetSecondFactorLock: (actor, userId) => resetSecondFactorLock(ctx, actor, userId),
    requestPasswordReset: (input) => requestPasswordReset(ctx, input),
    issuePasswordReset: (actor, userId) => issuePasswordReset(ctx, actor, userId),
    resetPassword: (input) => resetPassword(ctx, input),
    listUsers: (actor, input) => listUsers(ctx, actor, input),
    getUser: (actor, userId) => getUser(ctx, actor, userId),
    updateUser: (actor, userId, changes) => updateUser(ctx, actor, userId, changes),
    removeUser: (actor, userId) => removeUser(ctx, actor, userId),
    listRoles: (actor, id) => listRoles(ctx, actor, id),
    createRole: (actor, input) => createRole(ctx, actor, input),
    updateRole: (actor, orgId, roleId, input) => updateRole(ctx, actor, orgId, roleId, input),
    deleteRole: (actor, orgId, roleId) => deleteRole(ctx, actor, orgId, roleId),
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
