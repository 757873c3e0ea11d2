import { isGatehouseError, parseInput, schemas, ValidationError } from "@gatehousejs/core";
import { memberOf, type Route, route } from "./route.js";

// The organization always comes from the session: these schemas have no `organizationId`, and being strict
// they refuse a body that names one (400) rather than follow it.
const inviteBody = schemas.inviteUsers.omit({ organizationId: true });
const addBody = schemas.addUser.omit({ organizationId: true });
const listQuery = schemas.listUsers.omit({ organizationId: true });
const updateBody = schemas.updateUser.omit({ userId: true });

/**
 * The organization's users: list, get, invite, add, edit, delete, and the administrator's actions on one
 * (resend the invitation, send a reset link, lift a lock, end their sessions). A signed-in session is
 * required; the service checks each permission itself and answers another organization's ids as NOT_FOUND.
 */
export const userRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/users",
    summary: "List the organization's users, searchable, a page at a time.",
    stage: "authenticated",
    permission: "viewUsers",
    input: { from: "query", schema: listQuery, numbers: ["limit"] },
    async handle({ gatehouse, auth, input }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 200, body: await gatehouse.listUsers(actor, { ...input, organizationId }) };
    },
  }),
  route({
    method: "POST",
    path: "/users/invitations",
    summary: "Invite a batch of addresses with roles; refused whole when one is bad.",
    stage: "authenticated",
    status: 201,
    permission: "inviteUsers",
    throttle: "invitation",
    input: { from: "body", schema: inviteBody },
    async handle({ gatehouse, auth, input }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 201, body: await gatehouse.inviteUsers(actor, { ...input, organizationId }) };
    },
  }),
  route({
    method: "POST",
    path: "/users",
    summary: "Add one person (activated by an e-mailed link).",
    stage: "authenticated",
    status: 201,
    permission: "inviteUsers",
    input: { from: "body", schema: addBody },
    async handle({ gatehouse, auth, input }) {
      const { actor, organizationId } = memberOf(auth);
      return { status: 201, body: await gatehouse.addUser(actor, { ...input, organizationId }) };
    },
  }),
  route({
    method: "GET",
    path: "/users/:id",
    summary: "One user of the organization.",
    stage: "authenticated",
    permission: "viewUsers",
    input: null,
    async handle({ gatehouse, auth, params }) {
      const { actor } = memberOf(auth);
      return { status: 200, body: { user: await gatehouse.getUser(actor, { userId: idOf(params) }) } };
    },
  }),
  route({
    method: "PATCH",
    path: "/users/:id",
    summary: "Edit a user: names, phone, roles, status, or (their own, with the password) the address.",
    stage: "authenticated",
    permission: "editUsers",
    input: { from: "body", schema: updateBody },
    async handle(call) {
      const { actor, userId } = memberOf(call.auth);
      const before = call.auth.user.email;
      const user = await call.gatehouse.updateUser(actor, { ...call.input, userId: idOf(call.params) });
      // A new address ends every session of its user: their own included, so the cookie goes too.
      if (user.id === userId && user.email !== before) call.endSession();
      return { status: 200, body: { user } };
    },
  }),
  route({
    method: "DELETE",
    path: "/users/:id",
    summary: "Remove a user; the last administrator cannot go.",
    stage: "authenticated",
    status: 204,
    permission: "removeUsers",
    input: null,
    async handle(call) {
      const { actor, userId } = memberOf(call.auth);
      const id = idOf(call.params);
      await call.gatehouse.removeUser(actor, { userId: id });
      if (id === userId) call.endSession();
      return { status: 204 };
    },
  }),
  route({
    method: "POST",
    path: "/users/:id/invitation",
    summary: "Send a pending user's invitation again.",
    stage: "authenticated",
    status: 202,
    permission: "inviteUsers",
    throttle: "invitation",
    input: null,
    async handle({ gatehouse, auth, params }) {
      const { actor } = memberOf(auth);
      return { status: 202, body: await gatehouse.resendInvitation(actor, { userId: idOf(params) }) };
    },
  }),
  route({
    method: "POST",
    path: "/users/:id/password-reset",
    summary: "Send a user a link to choose a new password.",
    stage: "authenticated",
    status: 202,
    permission: "resetPasswords",
    throttle: "invitation",
    input: null,
    async handle({ gatehouse, auth, params }) {
      const { actor } = memberOf(auth);
      return { status: 202, body: await gatehouse.issuePasswordReset(actor, { userId: idOf(params) }) };
    },
  }),
  route({
    method: "POST",
    path: "/users/:id/unlock",
    summary: "Lift a user's lock (where the policy lets an administrator do it).",
    stage: "authenticated",
    status: 204,
    permission: "unlockUsers",
    input: null,
    async handle({ gatehouse, auth, params }) {
      const { actor } = memberOf(auth);
      await gatehouse.unlockUser(actor, { userId: idOf(params) });
      return { status: 204 };
    },
  }),
  route({
    method: "DELETE",
    path: "/users/:id/sessions",
    summary: "End every session of a user.",
    stage: "authenticated",
    permission: "editUsers",
    input: null,
    async handle(call) {
      const { actor, userId } = memberOf(call.auth);
      const id = idOf(call.params);
      const ended = await call.gatehouse.revokeSessions(actor, { userId: id });
      if (id === userId) call.endSession();
      return { status: 200, body: { ended } };
    },
  }),
];

/**
 * The `:id` of the path, checked by the rule of the service's ids (the service checks it again) so that a bad
 * one is named `id`, as the URL names it, rather than `userId` or `roleId`.
 */
export function idOf(params: Readonly<Record<string, string>>): string {
  try {
    return parseInput(schemas.getUser.shape.userId, params.id);
  } catch (error) {
    if (!isGatehouseError(error, "VALIDATION")) throw error;
    const issues = (error.details.issues ?? []).map((issue) => ({ ...issue, path: ["id", ...issue.path] }));
    throw new ValidationError("Invalid input: id.", issues);
  }
}
