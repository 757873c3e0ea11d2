export {
  type CustomRoleGrants,
  can,
  canHandle,
  compileGrants,
  compileStaffGrants,
  type Grants,
  grantsOf,
  type HeldPage,
  listPermissions,
  missingPermissions,
  type RoleRef,
} from "./compile-grants.js";
export { defaultMatrix, teamMatrix } from "./default-matrix.js";
export {
  defineMatrix,
  type Matrix,
  type MatrixAction,
  type MatrixComponent,
  type MatrixPage,
  type MatrixRole,
  type MatrixRoleGrant,
  type MatrixShape,
  type PermissionHandle,
  type PermissionsOf,
  type RolesOf,
} from "./define-matrix.js";
export { type MatrixTable, matrixTables, type RenderMatrixOptions, renderMatrix } from "./render.js";
export type {
  ActionOf,
  ComponentConfig,
  GrantConfig,
  MatrixConfig,
  PageConfig,
  PageId,
  Permission,
  PermissionMap,
  PermissionMapOf,
  RoleConfig,
  RoleIdsOf,
} from "./types.js";
