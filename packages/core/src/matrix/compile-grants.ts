import { type Issue, ValidationError } from "../errors.js";
import { type Matrix, type MatrixShape, type PermissionHandle, setBit } from "./define-matrix.js";
import type { PageId, PermissionMap } from "./types.js";

/** A custom role as the grants compiler sees it: any set of `(page, action)` pairs. */
export interface CustomRoleGrants {
  readonly id: string;
  readonly permissions: ReadonlyArray<{ readonly page: string; readonly action: string }>;
}

/** A page the grants touch: its action names, whose handles are `base`, `base + 1`, … */
export interface HeldPage {
  readonly names: readonly string[];
  readonly base: number;
}

/** A role to compile: a default role id of the matrix, or a custom role. */
export type RoleRef<R extends string = string> = R | CustomRoleGrants;

/** A user's compiled permissions: a bit set over the matrix's handles. Build with `compileGrants`. */
export interface Grants<M extends PermissionMap = PermissionMap> {
  readonly matrix: MatrixShape;
  readonly bits: Uint32Array;
  /**
   * The pages on which the grants hold at least one action, each with its action names in handle order:
   * what `can` reads. A `Map` keyed by the few pages a user holds keeps V8 on its fast path.
   */
  readonly pages: ReadonlyMap<string, HeldPage>;
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
  return grantsOf(matrix, bits);
}

/** The grants of platform staff: every permission of the matrix, the staff-reserved ones included. */
export function compileStaffGrants<M extends PermissionMap, R extends string>(
  matrix: Matrix<M, R>,
): Grants<M> {
  return grantsOf(matrix, matrix.allBits.slice());
}

/**
 * True when the grants hold `action` on `page`. O(1) and allocation-free: one `Map` lookup among the pages the
 * user holds, a scan of that page's few action names, a bit test.
 * @example if (can(grants, "platform.user-management", "delete")) showDeleteButton();
 */
export function can<M extends PermissionMap, P extends PageId<M>>(
  grants: Grants<M>,
  page: P,
  action: M[P],
): boolean {
  const held = grants.pages.get(page);
  if (held === undefined) return false;
  const names = held.names;
  for (let i = 0; i < names.length; i++) {
    if (names[i] === action) return hasBit(grants.bits, held.base + i);
  }
  return false;
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
  const none = grantsOf(grants.matrix, new Uint32Array(grants.bits.length));
  return missingPermissions(none, grants);
}

/**
 * Grants over a bit set: indexes the pages it touches. Handles of one page are consecutive (see
 * `defineMatrix`), so a page is its action names and the handle of the first.
 */
export function grantsOf<M extends PermissionMap>(matrix: MatrixShape, bits: Uint32Array): Grants<M> {
  const pages = new Map<string, HeldPage>();
  for (const page of matrix.pages) {
    const first = page.actions[0];
    if (!first || !page.actions.some((action) => hasBit(bits, action.handle))) continue;
    pages.set(page.id, { names: page.actions.map((action) => action.name), base: first.handle });
  }
  return { matrix, bits, pages };
}

function hasBit(bits: Uint32Array, handle: number): boolean {
  return ((bits[handle >>> 5] as number) & (1 << (handle & 31))) !== 0;
}

function orInto(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < source.length; i++) target[i] = (target[i] as number) | (source[i] as number);
}
