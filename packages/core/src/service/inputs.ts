import type { z } from "zod";
import type { Schemas } from "./schemas.js";

// The input type of every service method, derived from its schema: one description of each input. A call
// takes what `z.input` allows (a name part may be `""` or `null`, a cursor `null`); the service parses it.

/** The input of {@link Gatehouse.createOrganization}: `z.input<typeof schemas.createOrganization>`. */
export type CreateOrganizationInput = z.input<Schemas["createOrganization"]>;
/** The input of {@link Gatehouse.getOrganization}: `z.input<typeof schemas.getOrganization>`. */
export type GetOrganizationInput = z.input<Schemas["getOrganization"]>;
/** The input of {@link Gatehouse.updateOrganizationSettings}: `z.input<typeof schemas.updateOrganizationSettings>`. */
export type UpdateOrganizationSettingsInput = z.input<Schemas["updateOrganizationSettings"]>;
/** The input of {@link Gatehouse.inviteUsers}: `z.input<typeof schemas.inviteUsers>`. */
export type InviteUsersInput = z.input<Schemas["inviteUsers"]>;
/** The input of {@link Gatehouse.addUser}: `z.input<typeof schemas.addUser>`. */
export type AddUserInput = z.input<Schemas["addUser"]>;
/** The input of {@link Gatehouse.resendInvitation}: `z.input<typeof schemas.resendInvitation>`. */
export type ResendInvitationInput = z.input<Schemas["resendInvitation"]>;
/** The input of {@link Gatehouse.activateAccount}: `z.input<typeof schemas.activateAccount>`. */
export type ActivateAccountInput = z.input<Schemas["activateAccount"]>;
/** The input of {@link Gatehouse.login}: `z.input<typeof schemas.login>`. */
export type LoginInput = z.input<Schemas["login"]>;
/** The input of {@link Gatehouse.verifySecondFactor}: `z.input<typeof schemas.verifySecondFactor>`. */
export type VerifySecondFactorInput = z.input<Schemas["verifySecondFactor"]>;
/** The input of {@link Gatehouse.sendSignInCode}: `z.input<typeof schemas.sendSignInCode>`. */
export type SendSignInCodeInput = z.input<Schemas["sendSignInCode"]>;
/** The input of {@link Gatehouse.beginTotpEnrollment}: `z.input<typeof schemas.beginTotpEnrollment>`. */
export type BeginTotpEnrollmentInput = z.input<Schemas["beginTotpEnrollment"]>;
/** The input of {@link Gatehouse.completeTotpEnrollment}: `z.input<typeof schemas.completeTotpEnrollment>`. */
export type CompleteTotpEnrollmentInput = z.input<Schemas["completeTotpEnrollment"]>;
/** The input of {@link Gatehouse.startMfaPhoneChange}: `z.input<typeof schemas.startMfaPhoneChange>`. */
export type StartMfaPhoneChangeInput = z.input<Schemas["startMfaPhoneChange"]>;
/** The input of {@link Gatehouse.confirmMfaPhone}: `z.input<typeof schemas.confirmMfaPhone>`. */
export type ConfirmMfaPhoneInput = z.input<Schemas["confirmMfaPhone"]>;
/** The input of {@link Gatehouse.revealRecoveryCode}: `z.input<typeof schemas.revealRecoveryCode>`. */
export type RevealRecoveryCodeInput = z.input<Schemas["revealRecoveryCode"]>;
/** The input of {@link Gatehouse.changePassword}: `z.input<typeof schemas.changePassword>`. */
export type ChangePasswordInput = z.input<Schemas["changePassword"]>;
/** The input of {@link Gatehouse.validateSession}: `z.input<typeof schemas.validateSession>`. */
export type ValidateSessionInput = z.input<Schemas["validateSession"]>;
/** The input of {@link Gatehouse.logout}: `z.input<typeof schemas.logout>`. */
export type LogoutInput = z.input<Schemas["logout"]>;
/** The input of {@link Gatehouse.revokeSessions}: `z.input<typeof schemas.revokeSessions>`. */
export type RevokeSessionsInput = z.input<Schemas["revokeSessions"]>;
/** The input of {@link Gatehouse.unlockUser}: `z.input<typeof schemas.unlockUser>`. */
export type UnlockUserInput = z.input<Schemas["unlockUser"]>;
/** The input of {@link Gatehouse.resetSecondFactorLock}: `z.input<typeof schemas.resetSecondFactorLock>`. */
export type ResetSecondFactorLockInput = z.input<Schemas["resetSecondFactorLock"]>;
/** The input of {@link Gatehouse.requestPasswordReset}: `z.input<typeof schemas.requestPasswordReset>`. */
export type RequestPasswordResetInput = z.input<Schemas["requestPasswordReset"]>;
/** The input of {@link Gatehouse.issuePasswordReset}: `z.input<typeof schemas.issuePasswordReset>`. */
export type IssuePasswordResetInput = z.input<Schemas["issuePasswordReset"]>;
/** The input of {@link Gatehouse.resetPassword}: `z.input<typeof schemas.resetPassword>`. */
export type ResetPasswordInput = z.input<Schemas["resetPassword"]>;
/** The input of {@link Gatehouse.listUsers}: `z.input<typeof schemas.listUsers>`. */
export type ListUsersInput = z.input<Schemas["listUsers"]>;
/** The input of {@link Gatehouse.getUser}: `z.input<typeof schemas.getUser>`. */
export type GetUserInput = z.input<Schemas["getUser"]>;
/** The input of {@link Gatehouse.updateUser}: `z.input<typeof schemas.updateUser>`. */
export type UpdateUserInput = z.input<Schemas["updateUser"]>;
/** The input of {@link Gatehouse.removeUser}: `z.input<typeof schemas.removeUser>`. */
export type RemoveUserInput = z.input<Schemas["removeUser"]>;
/** The input of {@link Gatehouse.listRoles}: `z.input<typeof schemas.listRoles>`. */
export type ListRolesInput = z.input<Schemas["listRoles"]>;
/** The input of {@link Gatehouse.createRole}: `z.input<typeof schemas.createRole>`. */
export type CreateRoleInput = z.input<Schemas["createRole"]>;
/** The input of {@link Gatehouse.updateRole}: `z.input<typeof schemas.updateRole>`. */
export type UpdateRoleInput = z.input<Schemas["updateRole"]>;
/** The input of {@link Gatehouse.deleteRole}: `z.input<typeof schemas.deleteRole>`. */
export type DeleteRoleInput = z.input<Schemas["deleteRole"]>;
/** The input of {@link Gatehouse.listAuditLog}: `z.input<typeof schemas.listAuditLog>`. */
export type ListAuditLogInput = z.input<Schemas["listAuditLog"]>;
/** The input of {@link Gatehouse.upsertSsoConnection}: `z.input<typeof schemas.upsertSsoConnection>`. */
export type UpsertSsoConnectionInput = z.input<Schemas["upsertSsoConnection"]>;
/** The input of {@link Gatehouse.getSsoConnection}: `z.input<typeof schemas.getSsoConnection>`. */
export type GetSsoConnectionInput = z.input<Schemas["getSsoConnection"]>;
/** The input of {@link Gatehouse.deleteSsoConnection}: `z.input<typeof schemas.deleteSsoConnection>`. */
export type DeleteSsoConnectionInput = z.input<Schemas["deleteSsoConnection"]>;
/** The input of {@link Gatehouse.setSsoEmergencyAdministrators}: `z.input<typeof schemas.setSsoEmergencyAdministrators>`. */
export type SetSsoEmergencyAdministratorsInput = z.input<Schemas["setSsoEmergencyAdministrators"]>;
/** The input of {@link Gatehouse.beginSso}: `z.input<typeof schemas.beginSso>`. */
export type BeginSsoInput = z.input<Schemas["beginSso"]>;
/** The input of {@link Gatehouse.completeSso}: `z.input<typeof schemas.completeSso>`. */
export type CompleteSsoInput = z.input<Schemas["completeSso"]>;
