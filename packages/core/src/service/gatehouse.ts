import type { AuditRecord, OrganizationRecord, Page } from "../store/records.js";
import type { Actor } from "./actor.js";
import type { GatehouseConfig } from "./config.js";
import type {
  ActivateAccountInput,
  AddUserInput,
  BeginSsoInput,
  BeginTotpEnrollmentInput,
  ChangePasswordInput,
  CompleteSsoInput,
  CompleteTotpEnrollmentInput,
  ConfirmMfaPhoneInput,
  CreateOrganizationInput,
  CreateRoleInput,
  DeleteRoleInput,
  DeleteSsoConnectionInput,
  GetOrganizationInput,
  GetSsoConnectionInput,
  GetUserInput,
  InviteUsersInput,
  IssuePasswordResetInput,
  ListAuditLogInput,
  ListRolesInput,
  ListUsersInput,
  LoginInput,
  LogoutInput,
  RemoveUserInput,
  RequestPasswordResetInput,
  ResendInvitationInput,
  ResetPasswordInput,
  ResetSecondFactorLockInput,
  RevealRecoveryCodeInput,
  RevokeSessionsInput,
  SendSignInCodeInput,
  SetSsoEmergencyAdministratorsInput,
  StartMfaPhoneChangeInput,
  UnlockUserInput,
  UpdateOrganizationSettingsInput,
  UpdateRoleInput,
  UpdateUserInput,
  UpsertSsoConnectionInput,
  ValidateSessionInput,
  VerifySecondFactorInput,
} from "./inputs.js";
import type { LoginResult } from "./login-result.js";
import type { EnrollmentResult, TotpEnrollment } from "./mfa.js";
import type { Delivery, ProvisionResult } from "./provisioning.js";
import type { IssuedSession, ValidSession } from "./sessions.js";
import type { SsoStart } from "./sso/begin.js";
import type { SsoConnectionView } from "./sso/connections.js";
import type { RoleView, User } from "./views.js";

/**
 * The Gatehouse service: every user-management flow, on the ports it was given. One rule for every call:
 * **one input object, last; the `Actor` before it when the call is made on someone's behalf.** `(actor, input)`
 * checks the actor against the permission matrix; `(input)` is a call nobody signed in makes (signing in,
 * a link's use) or one on a session, named in the input as `sessionToken`. Every input is
 * `z.input<typeof schemas.<method>>` (exported as `<Method>Input`) and is parsed with that schema.
 * `flush()` alone takes nothing: it is about the service's own work, not a flow.
 */
export interface Gatehouse {
  /**
   * What the service was configured with, read-only: the matrix, the policy, the clock, the flow permissions.
   * @example const { matrix } = gatehouse.config; // to render the roles page
   */
  readonly config: GatehouseConfig;

  /**
   * Creates an organization (staff or system only), its settings defaulting to its preset's.
   * @example
   * const org = await gatehouse.createOrganization({ kind: "staff", id: "ops-1" }, { name: "Acme", preset: "team" });
   */
  createOrganization(actor: Actor, input: CreateOrganizationInput): Promise<OrganizationRecord>;
  /**
   * An organization, for its members and for staff; another organization answers `NOT_FOUND` to a member.
   * @example const org = await gatehouse.getOrganization(actor, { organizationId: user.organizationId });
   */
  getOrganization(actor: Actor, input: GetOrganizationInput): Promise<OrganizationRecord>;
  /**
   * Changes an organization's MFA requirement, sign-in mode or provisioning, as its plan and the actor allow.
   * @example await gatehouse.updateOrganizationSettings(staff, { organizationId: org.id, mfa: "required" });
   */
  updateOrganizationSettings(
    actor: Actor,
    input: UpdateOrganizationSettingsInput,
  ): Promise<OrganizationRecord>;

  /**
   * Invites people from one field of addresses with the same roles; all or nothing.
   * @example
   * await gatehouse.inviteUsers(actor, { organizationId, emails: "ada@acme.test, grace@acme.test", roles: ["platform.viewer"] });
   */
  inviteUsers(actor: Actor, input: InviteUsersInput): Promise<ProvisionResult>;
  /**
   * Adds one person by name (given and family, both optional) and contact details; they get an activation link.
   * @example await gatehouse.addUser(actor, { organizationId, email: "ada@acme.test", givenName: "Ada" });
   */
  addUser(actor: Actor, input: AddUserInput): Promise<ProvisionResult>;
  /**
   * Sends a new invitation (the old one stops working) to a user who has not signed in yet.
   * @example const { delivered } = await gatehouse.resendInvitation(actor, { userId });
   */
  resendInvitation(actor: Actor, input: ResendInvitationInput): Promise<Delivery>;
  /**
   * Activates an account from the activation link's token and sets its password; the user then signs in.
   * @example await gatehouse.activateAccount({ token: req.query.token, password: form.password });
   */
  activateAccount(input: ActivateAccountInput): Promise<User>;

  /**
   * Signs in with an e-mail address and a password, under the lockout policy; the result's `stage` says
   * what comes next (`authenticated`, or `mfa`, `mfa-enrollment`, `password-change`).
   * @example const { token, stage } = await gatehouse.login({ email, password });
   */
  login(input: LoginInput): Promise<LoginResult>;
  /**
   * Answers the `mfa` stage with a TOTP code, an SMS code or a recovery code; the session moves on under a new
   * token.
   * @example const next = await gatehouse.verifySecondFactor({ sessionToken: token, method: "totp", code: "123456" });
   */
  verifySecondFactor(input: VerifySecondFactorInput): Promise<LoginResult>;
  /**
   * Sends a sign-in code to the 2FA phone of a session at the `mfa` stage.
   * @example const { expiresAt } = await gatehouse.sendSignInCode({ sessionToken: token });
   */
  sendSignInCode(input: SendSignInCodeInput): Promise<{ expiresAt: Date }>;
  /**
   * Starts TOTP enrolment: the `otpauth://` URI for a QR code and the secret. A signed-in session gives the
   * password again.
   * @example const { uri } = await gatehouse.beginTotpEnrollment({ sessionToken: token });
   */
  beginTotpEnrollment(input: BeginTotpEnrollmentInput): Promise<TotpEnrollment>;
  /**
   * Completes TOTP enrolment with a code from the app; the session moves on, backup codes are shown once.
   * @example const result = await gatehouse.completeTotpEnrollment({ sessionToken: token, code: "123456" });
   */
  completeTotpEnrollment(input: CompleteTotpEnrollmentInput): Promise<EnrollmentResult>;
  /**
   * Binds a new 2FA phone: the password again, then a code is sent to the new number (see `confirmMfaPhone`).
   * @example await gatehouse.startMfaPhoneChange({ sessionToken: token, password, phone: "+14155550123" });
   */
  startMfaPhoneChange(input: StartMfaPhoneChangeInput): Promise<{ expiresAt: Date }>;
  /**
   * Confirms the new 2FA phone with the code sent to it.
   * @example const result = await gatehouse.confirmMfaPhone({ sessionToken: token, code: "123456" });
   */
  confirmMfaPhone(input: ConfirmMfaPhoneInput): Promise<EnrollmentResult>;
  /**
   * Shows the personal recovery code of a signed-in session after the password is confirmed.
   * @example const { code } = await gatehouse.revealRecoveryCode({ sessionToken: token, password });
   */
  revealRecoveryCode(input: RevealRecoveryCodeInput): Promise<{ code: string }>;
  /**
   * Sets a new password from a session (the temporary one of an invitation, or signed in with the current
   * one); every other session ends and this one goes on under a new token.
   * @example
   * const session = await gatehouse.changePassword({ sessionToken: token, currentPassword, newPassword });
   */
  changePassword(input: ChangePasswordInput): Promise<IssuedSession>;

  /**
   * Validates a session token (idle and absolute expiry, throttled activity write): the public `User`, the
   * organization, the session's stage and deadline, the grants, and `refreshed` when the deadline moved (send
   * the cookie again); `null` when the token is no live session.
   * @example
   * const valid = await gatehouse.validateSession({ sessionToken: cookie });
   * if (valid?.refreshed) setCookie(cookie, valid.session.expiresAt);
   */
  validateSession(input: ValidateSessionInput): Promise<ValidSession | null>;
  /**
   * Ends one session; a token that is no session ends nothing.
   * @example await gatehouse.logout({ sessionToken: cookie });
   */
  logout(input: LogoutInput): Promise<void>;
  /**
   * Ends every session of a user (themselves, or a user the actor may edit); resolves how many ended.
   * @example const ended = await gatehouse.revokeSessions(actor, { userId });
   */
  revokeSessions(actor: Actor, input: RevokeSessionsInput): Promise<number>;
  /**
   * Lifts a lockout where the lockout policy allows an administrator to (the enterprise preset does not).
   * @example await gatehouse.unlockUser(actor, { userId });
   */
  unlockUser(actor: Actor, input: UnlockUserInput): Promise<void>;
  /**
   * Accepts a user's second factors again after too many wrong codes locked them (`SECOND_FACTOR_LOCKED`);
   * needs the user-edit permission in the user's organization, and is audited.
   * @example await gatehouse.resetSecondFactorLock(adminActor, { userId }); // after checking who is asking
   */
  resetSecondFactorLock(actor: Actor, input: ResetSecondFactorLockInput): Promise<void>;

  /**
   * "Forgot password": answers at once, the same for any address; a registered one is mailed a link after.
   * @example await gatehouse.requestPasswordReset({ email: form.email });
   */
  requestPasswordReset(input: RequestPasswordResetInput): Promise<void>;
  /**
   * An administrator sends a user a password-reset link; SSO organizations answer `NOT_SUPPORTED`.
   * @example const { delivered } = await gatehouse.issuePasswordReset(actor, { userId });
   */
  issuePasswordReset(actor: Actor, input: IssuePasswordResetInput): Promise<{ delivered: boolean }>;
  /**
   * Sets a new password from a reset link's token; every session of the user ends.
   * @example await gatehouse.resetPassword({ token: req.query.token, password: form.password });
   */
  resetPassword(input: ResetPasswordInput): Promise<void>;

  /**
   * Lists an organization's users by e-mail, optionally searching name and e-mail prefixes, a page at a time.
   * @example
   * const { items, nextCursor } = await gatehouse.listUsers(actor, { organizationId, search: "ada", limit: 20 });
   */
  listUsers(actor: Actor, input: ListUsersInput): Promise<Page<User>>;
  /**
   * One user: a member sees users of their organization with the view permission, and always themselves.
   * @example const user = await gatehouse.getUser(actor, { userId });
   */
  getUser(actor: Actor, input: GetUserInput): Promise<User>;
  /**
   * Edits a user's name parts, phone, e-mail (per the `emailChange` policy) and roles; fields left out stay.
   * @example await gatehouse.updateUser(actor, { userId, givenName: "Ada", roles: ["platform.administrator"] });
   */
  updateUser(actor: Actor, input: UpdateUserInput): Promise<User>;
  /**
   * Removes a user: their sessions and links end, and the audit log keeps who removed whom.
   * @example await gatehouse.removeUser(actor, { userId });
   */
  removeUser(actor: Actor, input: RemoveUserInput): Promise<void>;

  /**
   * The matrix's default roles and the organization's custom roles.
   * @example const roles = await gatehouse.listRoles(actor, { organizationId });
   */
  listRoles(actor: Actor, input: ListRolesInput): Promise<RoleView[]>;
  /**
   * Creates a custom role of any `(page, action)` pairs the actor holds themselves.
   * @example
   * await gatehouse.createRole(actor, {
   *   organizationId,
   *   name: "Auditor",
   *   permissions: [{ page: "platform.user-management", action: "view-audit" }],
   * });
   */
  createRole(actor: Actor, input: CreateRoleInput): Promise<RoleView>;
  /**
   * Edits a custom role; default roles are the matrix's and answer `NOT_SUPPORTED`.
   * @example await gatehouse.updateRole(actor, { organizationId, roleId, name: "Auditors" });
   */
  updateRole(actor: Actor, input: UpdateRoleInput): Promise<RoleView>;
  /**
   * Deletes a custom role and takes it from every user who held it.
   * @example await gatehouse.deleteRole(actor, { organizationId, roleId });
   */
  deleteRole(actor: Actor, input: DeleteRoleInput): Promise<void>;

  /**
   * The audit log of an organization, or of one user in it, newest first, a page at a time.
   * @example const { items } = await gatehouse.listAuditLog(actor, { organizationId, userId, limit: 50 });
   */
  listAuditLog(actor: Actor, input: ListAuditLogInput): Promise<Page<AuditRecord>>;

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
  upsertSsoConnection(actor: Actor, input: UpsertSsoConnectionInput): Promise<SsoConnectionView>;
  /**
   * The organization's SSO connection without its client secret, or `null`.
   * @example const connection = await gatehouse.getSsoConnection(adminActor, { organizationId });
   */
  getSsoConnection(actor: Actor, input: GetSsoConnectionInput): Promise<SsoConnectionView | null>;
  /**
   * Deletes the organization's SSO connection and frees its domains; audited.
   * @example await gatehouse.deleteSsoConnection(staff, { organizationId });
   */
  deleteSsoConnection(actor: Actor, input: DeleteSsoConnectionInput): Promise<void>;
  /**
   * Names the users of an SSO organization who keep a password and a second factor, so a broken identity
   * provider locks nobody out (staff or system only); the list replaces the previous one; audited.
   * @example await gatehouse.setSsoEmergencyAdministrators(staff, { organizationId, userIds: [adminId] });
   */
  setSsoEmergencyAdministrators(
    actor: Actor,
    input: SetSsoEmergencyAdministratorsInput,
  ): Promise<SsoConnectionView>;
  /**
   * Starts an SSO sign-in for an organization, or for an e-mail address by its domain (home-realm discovery):
   * redirect the browser to `url`, and keep `state` in an HttpOnly cookie for `completeSso`.
   * @example
   * const { url, state } = await gatehouse.beginSso({ email, redirectUri: "https://app.example/sso/callback" });
   * response.cookie("gh_sso", state, { httpOnly: true, secure: true, sameSite: "lax", maxAge: 600_000 });
   * response.redirect(url);
   */
  beginSso(input: BeginSsoInput): Promise<SsoStart>;
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
