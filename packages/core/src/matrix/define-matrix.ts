import { GatehouseError } from "../errors.js";
import type {
  ComponentConfig,
  GrantConfig,
  MatrixConfig,
  PageConfig,
  PageId,
  PermissionMap,
  PermissionMapOf,
  RoleIdsOf,
} from "./types.js";

/** A small integer naming one `(page, action)` pair of one matrix; see {@link Matrix.permission}. */
export type PermissionHandle = number & { readonly __permissionHandle: true };

/** One action of a page, resolved. */
export interface MatrixAction {
  readonly name: string;
  readonly handle: PermissionHandle;
  /** Reserved for platform staff: no organization role, default or custom, can grant it. */
  readonly reserved: boolean;
}

/** One page, resolved: `id` is `component.page`. */
export interface MatrixPage {
  readonly id: string;
  readonly component: string;
  readonly label: string;
  readonly actions: readonly MatrixAction[];
  /** A personal page (e.g. the profile) that every role grants. */
  readonly personal: boolean;
}

/** What one default role grants on one page, with the label the product shows. */
export interface MatrixRoleGrant {
  readonly label: string;
  readonly actions: readonly string[];
}

/** A default role, resolved: `id` is `component.role`. */
export interface MatrixRole<R extends string = string> {
  readonly id: R;
  readonly component: string;
  readonly label: string;
  /** Page id → grant; a page of the component that is missing here is "No access". */
  readonly grants: ReadonlyMap<string, MatrixRoleGrant>;
  /** The role's permissions as a bit set over the matrix's handles. */
  readonly bits: Uint32Array;
}

/** A component, resolved, in declaration order. */
export interface MatrixComponent {
  readonly id: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly pages: readonly MatrixPage[];
  readonly roles: readonly MatrixRole[];
}

/** The untyped surface of every matrix: what renderers, stores and the grants compiler read. */
export interface MatrixShape {
  readonly components: readonly MatrixComponent[];
  readonly pages: readonly MatrixPage[];
  readonly roles: readonly MatrixRole[];
  /** How many `(page, action)` pairs the matrix holds; handles are `0 … size - 1`. */
  readonly size: number;
  /** The personal pages' permissions as a bit set: what every compiled grant starts from. */
  readonly personalBits: Uint32Array;
  /** The permissions reserved for platform staff. */
  readonly reservedBits: Uint32Array;
  /** Every permission, reserved ones included: what platform staff hold. */
  readonly allBits: Uint32Array;
  /** Page id → action → handle, with null prototypes; what `can` reads. */
  readonly index: Readonly<Record<string, Readonly<Record<string, PermissionHandle>>>>;
  /** Resolves an untyped pair (from a request or a database row), or `null` when the matrix has no such pair. */
  findPermission(page: string, action: string): PermissionHandle | null;
  /** The default role with this id, or `null`. */
  findRole(id: string): MatrixRole | null;
  /** The `(page, action)` pair of a handle. */
  describe(handle: PermissionHandle): { readonly page: string; readonly action: string };
}

/** A permission matrix: components → pages → actions, and the default roles' grants, typed by its config. */
export interface Matrix<M extends PermissionMap = PermissionMap, R extends string = string>
  extends MatrixShape {
  readonly roles: readonly MatrixRole<R>[];
  /**
   * Resolves a `(page, action)` pair to its handle once, for hot loops with `canHandle`; throws on an unknown pair.
   * @example const exportAudit = matrix.permission("callback.exports", "export-audit");
   */
  permission<P extends PageId<M>>(page: P, action: M[P]): PermissionHandle;
  findRole(id: string): MatrixRole<R> | null;
  describe(handle: PermissionHandle): { readonly page: PageId<M>; readonly action: string };
}

/** The permission map of a matrix: page id → action names. */
export type PermissionsOf<T> = T extends Matrix<infer M, string> ? M : never;

/** The default role ids of a matrix. */
export type RolesOf<T> = T extends { readonly roles: readonly MatrixRole<infer R>[] } ? R : never;

const ALL = "All";
const NO_ACCESS = "No access";

/**
 * Declares a permission matrix. Page ids are `component.page`, role ids `component.role`; personal pages are
 * `account.<page>`. Throws a `CONFIGURATION` error on an unknown page or action, or a role granting a reserved one.
 * @example
 * const matrix = defineMatrix({
 *   components: {
 *     webhooks: {
 *       label: "Webhooks",
 *       pages: { webhooks: { label: "Webhooks", actions: ["view", "edit"] } },
 *       roles: {
 *         administrator: { label: "Administrator", grants: { webhooks: "all" } },
 *         viewer: { label: "Viewer", grants: { webhooks: { label: "View only", actions: ["view"] } } },
 *       },
 *     },
 *   },
 * });
 */
export function defineMatrix<const Config extends MatrixConfig>(
  config: Config,
): Matrix<PermissionMapOf<Config>, RoleIdsOf<Config>> {
  const pages: MatrixPage[] = [];
  const index: Record<string, Record<string, PermissionHandle>> = Object.create(null);
  const describeTable: { page: string; action: string }[] = [];

  const addPage = (component: string, key: string, page: PageConfig, personal: boolean): MatrixPage => {
    assertKey(key, "page");
    const id = `${component}.${key}`;
    const reserved = new Set(page.reserved ?? []);
    for (const action of reserved) {
      if (!page.actions.includes(action))
        fail(`page ${id} reserves "${action}", which is not one of its actions`);
    }
    if (new Set(page.actions).size !== page.actions.length) fail(`page ${id} lists an action twice`);
    const actions: MatrixAction[] = [];
    const byName: Record<string, PermissionHandle> = Object.create(null);
    for (const name of page.actions) {
      const handle = describeTable.length as PermissionHandle;
      describeTable.push({ page: id, action: name });
      byName[name] = handle;
      actions.push({ name, handle, reserved: reserved.has(name) });
    }
    index[id] = byName;
    const resolved: MatrixPage = { id, component, label: page.label, actions, personal };
    pages.push(resolved);
    return resolved;
  };

  const pending: { id: string; component: string; config: ComponentConfig; pages: MatrixPage[] }[] = [];
  for (const [id, component] of Object.entries(config.components)) {
    assertKey(id, "component");
    if (id === "account") fail(`"account" is reserved for the personal pages`);
    const componentPages = Object.entries(component.pages).map(([key, page]) =>
      addPage(id, key, page, false),
    );
    pending.push({ id, component: id, config: component, pages: componentPages });
  }
  for (const [key, page] of Object.entries(config.personal ?? {})) addPage("account", key, page, true);

  const size = describeTable.length;
  const components: MatrixComponent[] = [];
  const roles: MatrixRole[] = [];
  for (const { id, config: component, pages: componentPages } of pending) {
    const componentRoles = Object.entries(component.roles).map(([key, role]) => {
      assertKey(key, "role");
      const roleId = `${id}.${key}`;
      const grants = new Map<string, MatrixRoleGrant>();
      const bits = new Uint32Array(Math.ceil(size / 32));
      for (const [pageKey, grant] of Object.entries(role.grants)) {
        const page = componentPages.find((p) => p.id === `${id}.${pageKey}`);
        if (!page) fail(`role ${roleId} grants unknown page "${pageKey}"`);
        const resolved = resolveGrant(roleId, page, grant as GrantConfig);
        grants.set(page.id, resolved);
        for (const name of resolved.actions) setBit(bits, index[page.id]?.[name] as number);
      }
      return { id: roleId, component: id, label: role.label, grants, bits } satisfies MatrixRole;
    });
    roles.push(...componentRoles);
    components.push({
      id,
      label: component.label,
      description: component.description,
      pages: componentPages,
      roles: componentRoles,
    });
  }

  const personalBits = new Uint32Array(Math.ceil(size / 32));
  const allBits = new Uint32Array(Math.ceil(size / 32));
  const reservedBits = new Uint32Array(Math.ceil(size / 32));
  for (const page of pages) {
    for (const action of page.actions) {
      setBit(allBits, action.handle);
      if (page.personal) setBit(personalBits, action.handle);
      if (action.reserved) setBit(reservedBits, action.handle);
    }
  }
  const rolesById = new Map(roles.map((role) => [role.id, role]));
  const matrix: Matrix = {
    components,
    pages,
    roles,
    size,
    personalBits,
    reservedBits,
    allBits,
    index,
    permission(page, action) {
      const handle = index[page]?.[action];
      if (handle === undefined) fail(`the matrix has no action "${action}" on page "${page}"`);
      return handle;
    },
    findPermission: (page, action) => index[page]?.[action] ?? null,
    findRole: (id) => rolesById.get(id) ?? null,
    describe(handle) {
      const entry = describeTable[handle];
      if (!entry) fail(`${handle} is not a permission handle of this matrix`);
      return entry;
    },
  };
  return Object.freeze(matrix) as unknown as Matrix<PermissionMapOf<Config>, RoleIdsOf<Config>>;
}

function resolveGrant(roleId: string, page: MatrixPage, grant: GrantConfig): MatrixRoleGrant {
  const grantable = page.actions.filter((a) => !a.reserved).map((a) => a.name);
  if (grant === "all") return { label: ALL, actions: grantable };
  if (grant === "none") return { label: NO_ACCESS, actions: [] };
  const actions = grant.actions === "all" ? grantable : [...grant.actions];
  for (const name of actions) {
    const action = page.actions.find((a) => a.name === name);
    if (!action) fail(`role ${roleId} grants unknown action "${name}" on page ${page.id}`);
    if (action.reserved)
      fail(`role ${roleId} grants "${name}" on page ${page.id}, which is reserved for staff`);
  }
  return { label: grant.label, actions };
}

/** Sets bit `handle` of a bit set. */
export function setBit(bits: Uint32Array, handle: number): void {
  bits[handle >>> 5] = (bits[handle >>> 5] ?? 0) | (1 << (handle & 31));
}

function assertKey(key: string, what: string): void {
  if (!/^[a-z][a-z0-9-]*$/.test(key)) fail(`${what} key "${key}" must be kebab-case (a-z, 0-9, -)`);
}

function fail(message: string): never {
  throw new GatehouseError("CONFIGURATION", `defineMatrix: ${message}`);
}
