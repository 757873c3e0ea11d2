/**
 * `@gatehousejs/core/matrix`: the permission-matrix toolkit (`defineMatrix`, `compileGrants`, `can`,
 * `renderMatrix`) and the shipped matrices. Pure and free of Node built-ins and native modules, so it bundles for
 * the browser (show or hide UI by permission) without pulling the server side. Explicit named exports only.
 *
 * @module @gatehousejs/core/matrix
 */

// The errors this entry throws, so that a host importing only it can tell them apart.
export {
  type ErrorCode,
  type ErrorDetails,
  GatehouseError,
  type Issue,
  isGatehouseError,
  ValidationError,
} from "../errors.js";
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
