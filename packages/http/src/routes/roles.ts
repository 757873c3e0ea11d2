import { schemas } from "@gatehousejs/core";
import { memberOf, type Route, route } from "./route.js";
import { idOf } from "./users.js";

// The organization comes from the session and the role from the path, never from the body.
const createBody = schemas.createRole.omit({ organizationId: true });
const updateBody = schemas.updateRole.omit({ organizationId: true, roleId: true });

/** The organization's roles: the matrix's default roles and its custom roles, which it may create and edit. */
export const roleRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/roles",
    summary: "The organization's roles, default and custom.",
    stage: "authenticated",
    permission: "viewRoles",
    input: null,
    async handle({ gatehouse, auth }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 200, body: { items: await gatehouse.listRoles(actor, { organizationId }) } };
    },
  }),
  route({
    method: "POST",
    path: "/roles",
    summary: "Create a custom role from matrix permissions.",
    stage: "authenticated",
    status: 201,
    permission: "createRoles",
    input: { from: "body", schema: createBody },
    async handle({ gatehouse, auth, input }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 201, body: { role: await gatehouse.createRole(actor, { ...input, organizationId }) } };
    },
  }),
  route({
    method: "PATCH",
    path: "/roles/:id",
    summary: "Edit a custom role.",
    stage: "authenticated",
    permission: "editRoles",
    input: { from: "body", schema: updateBody },
    async handle({ gatehouse, auth, input, params }) {
      const { actor, organizationId } = memberOf(auth);
      const role = await gatehouse.updateRole(actor, { ...input, organizationId, roleId: idOf(params) });
      return { status: 200, body: { role } };
    },
  }),
  route({
    method: "DELETE",
    path: "/roles/:id",
    summary: "Delete a custom role.",
    stage: "authenticated",
    status: 204,
    permission: "deleteRoles",
    input: null,
    async handle({ gatehouse, auth, params }) {
      const { actor, organizationId } = memberOf(auth);
      await gatehouse.deleteRole(actor, { organizationId, roleId: idOf(params) });
      return { status: 204 };
    },
  }),
];
