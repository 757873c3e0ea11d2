/** A `(page, action)` pair of the matrix that a flow requires. */
export type FlowPermission = readonly [page: string, action: string];

/** Which matrix permission each flow of the service requires of a member actor. */
export interface FlowPermissions {
  viewUsers: FlowPermission;
  inviteUsers: FlowPermission;
  editUsers: FlowPermission;
  removeUsers: FlowPermission;
  resetPasswords: FlowPermission;
  unlockUsers: FlowPermission;
  viewAudit: FlowPermission;
  configureOrganization: FlowPermission;
  viewRoles: FlowPermission;
  createRoles: FlowPermission;
  editRoles: FlowPermission;
  deleteRoles: FlowPermission;
  /** What "can manage users" means for the rule that the last such user cannot be removed or demoted. */
  manageUsers: FlowPermission;
}

const users = "platform.user-management";
const roles = "platform.application-roles";

/** The Platform Management pages of `defaultMatrix` (and `teamMatrix`, which shares their ids). */
export const defaultFlowPermissions: FlowPermissions = Object.freeze<FlowPermissions>({
  viewUsers: [users, "view"],
  inviteUsers: [users, "invite"],
  editUsers: [users, "edit"],
  removeUsers: [users, "delete"],
  resetPasswords: [users, "reset-password"],
  unlockUsers: [users, "unlock"],
  viewAudit: [users, "view-audit"],
  configureOrganization: [users, "configure"],
  viewRoles: [roles, "view"],
  createRoles: [roles, "create"],
  editRoles: [roles, "edit"],
  deleteRoles: [roles, "delete"],
  manageUsers: [users, "delete"],
});
