/** @import { Actor, Gatehouse, RoleView } from "@gatehousejs/core" */

/**
 * The name of a role: a default role as "Component Role" (e.g. "Platform Management Manager"), a custom
 * role by the name it was given (when the list of custom roles is at hand), else its id.
 * @param {Gatehouse} gatehouse
 * @param {string} id
 * @param {readonly RoleView[]} [custom]
 * @returns {string}
 */
export function roleLabel(gatehouse, id, custom = []) {
  const { matrix } = gatehouse.config;
  const role = matrix.findRole(id);
  if (role) {
    const component = matrix.components.find((c) => c.id === role.component);
    return `${component?.label ?? role.component} ${role.label}`;
  }
  return custom.find((r) => r.id === id)?.name ?? id;
}

/**
 * The roles an actor may pick from: the default roles and, when they may see them, the custom roles.
 * @param {Gatehouse} gatehouse
 * @param {Actor} actor
 * @param {string} organizationId
 * @returns {Promise<RoleView[]>}
 */
export async function assignableRoles(gatehouse, actor, organizationId) {
  try {
    return await gatehouse.listRoles(actor, { organizationId });
  } catch {
    const { matrix } = gatehouse.config;
    return matrix.roles.map((role) => ({
      id: role.id,
      kind: /** @type {const} */ ("default"),
      name: roleLabel(gatehouse, role.id),
      description: "",
      permissions: [],
    }));
  }
}
