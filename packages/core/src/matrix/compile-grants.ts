import { type Issue, ValidationError } from "../errors.js";
import { type Matrix, type MatrixShape, type PermissionHandle, setBit } from "./define-matrix.js";
import type { PageId, PermissionMap } from "./types.js";

/** A custom role as the grants compiler sees it: any set of `(page, action)` pairs. */
export interface CustomRoleGrants {
  readonly id: string;
  readonly permissions: ReadonlyArray<{ readonly page: string; readonly action: string }>;
}

/** A role to compile: a default role id of the matrix, or a custom role. */
export type RoleRef<R extends string = string> = R | CustomRoleGrants;

/** A user's compiled permissions: a bit set over the matrix's handles. Build with `compileGrants`. */
export interface Grants<M extends PermissionMap = PermissionMap> {
  readonly matrix: MatrixShape;
  readonly bits: Uint32Array;
  /** Type-level only: the permission map these grants answer for. */
  readonly permissions?: M;
}

/**
 * Compiles a user's roles into one bit set: the union of every default and custom role, plus the personal
 * pages every role grants. Throws a `VALIDATION` error naming each unknown role or permission, and refuses
 * a custom role holding a permission reserved for staff.
 * @example const grants = compileGrants(defaultMatrix, ["callback.viewer", "platform.manager"]);
 */
export function compileGrants<M extends PermissionMap, R extends string>(
  matrix: Matrix<M, R>,
  roles: ReadonlyArray<RoleRef<NoInfer<R>>>,
): Grants<M> {
  const bits = matrix.personalBits.slice();
  const issues: Issue[] = [];
  roles.forEach((ref, i) => {
    if (typeof ref === "string") {
      const role = matrix.findRole(ref);
      if (role) orInto(bits, role.bits);
      else issues.push({ path: ["roles", i], reason: "unknown-role", message: `There is no role "${ref}".` });
      return;
    }
    ref.permissions.forEach(({ page, action }, j) => {
      const handle = matrix.findPermission(page, action);
      const path = ["roles", i, "permissions", j];
      if (handle === null) {
        issues.push({
          path,
          reason: "unknown-permission",
          message: `There is no action "${action}" on "${page}".`,
        });
      } else if (hasBit(matrix.reservedBits, handle)) {
        issues.push({ path, reason: "reserved", message: `"${action}" on "${page}" is reserved for staff.` });
      } else {
        setBit(bits, handle);
      }
    });
  });
  if (issues.length > 0) throw new ValidationError("Some roles could not be compiled.", issues);
  return { matrix, bits };
}

/** The grants of platform staff: every permission of the matrix, the staff-reserved ones included. */
export function compileStaffGrants<M extends PermissionMap, R extends string>(
  matrix: Matrix<M, R>,
): Grants<M> {
  return { matrix, bits: matrix.allBits.slice() };
}

/**
 * True when the grants hold `action` on `page`. O(1): two property reads and a bit test, no allocation.
 * @example if (can(grants, "platform.user-management", "delete")) showDeleteButton();
 */
export function can<M extends PermissionMap, P extends PageId<M>>(
  grants: Grants<M>,
  page: P,
  action: M[P],
): boolean {
  const handle = grants.matrix.index[page]?.[action as string];
  if (handle === undefined) return false;
  return ((grants.bits[handle >>> 5] as number) & (1 << (handle & 31))) !== 0;
}

/** True when the grants hold the permission of a handle from `matrix.permission(…)`: the form for hot loops. */
export function canHandle(grants: Grants, handle: PermissionHandle): boolean {
  return hasBit(grants.bits, handle);
}

/** The permissions of `wanted` that `holder` lacks: empty when granting `wanted` escalates nothing. */
export function missingPermissions<M extends PermissionMap>(
  holder: Grants<M>,
  wanted: Grants<M>,
): Array<{ page: PageId<M>; action: string }> {
  const missing: Array<{ page: PageId<M>; action: string }> = [];
  for (let word = 0; word < wanted.bits.length; word++) {
    let lacking = (wanted.bits[word] as number) & ~(holder.bits[word] as number);
    while (lacking !== 0) {
      const bit = 31 - Math.clz32(lacking & -lacking);
      missing.push(
        wanted.matrix.describe((word * 32 + bit) as PermissionHandle) as { page: PageId<M>; action: string },
      );
      lacking &= lacking - 1;
    }
  }
  return missing;
}

/** Every `(page, action)` pair the grants hold, in matrix order. */
export function listPermissions<M extends PermissionMap>(
  grants: Grants<M>,
): Array<{ page: PageId<M>; action: string }> {
  const none = { matrix: grants.matrix, bits: new Uint32Array(grants.bits.length) };
  return missingPermissions(none, grants);
}

function hasBit(bits: Uint32Array, handle: number): boolean {
  return ((bits[handle >>> 5] as number) & (1 << (handle & 31))) !== 0;
}

function orInto(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < source.length; i++) target[i] = (target[i] as number) | (source[i] as number);
}
