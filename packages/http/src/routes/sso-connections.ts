import { type Actor, GatehouseError, schemas } from "@gatehousejs/core";
import { assertSignedIn } from "../guards.js";
import { type Route, type RouteCall, route } from "./route.js";

// The organization is the path's: staff name any organization, a member only their own (the service answers
// another organization's id as NOT_FOUND).
const connectionBody = schemas.upsertSsoConnection.omit({ organizationId: true });
const emergencyBody = schemas.setSsoEmergencyAdministrators.omit({ organizationId: true });

/**
 * The actor of a connection route: platform staff as the host's `staff` option finds them, else the signed-in
 * member (whom the service refuses unless `sso.managedBy` is `"organization"`).
 */
async function actorOf(call: RouteCall<unknown>): Promise<Actor> {
  const staff = await call.staff();
  if (staff !== null) return staff;
  return { kind: "member", userId: assertSignedIn(call.auth).user.id };
}

const organizationOf = (call: RouteCall<unknown>): string => call.params.organizationId ?? "";

/**
 * An organization's SSO connection, for platform staff: read, create or replace (the client secret is sealed,
 * never answered), delete, and the emergency administrators who keep a password.
 */
export const ssoConnectionRoutes: readonly Route[] = [
  route({
    method: "GET",
    path: "/organizations/:organizationId/sso-connection",
    summary: "The organization's SSO connection, without its client secret.",
    stage: "any",
    staff: true,
    permission: "configureOrganization",
    input: null,
    async handle(call) {
      const input = { organizationId: organizationOf(call) };
      const connection = await call.gatehouse.getSsoConnection(await actorOf(call), input);
      if (connection === null) {
        throw new GatehouseError("NOT_FOUND", "This organization has no SSO connection.");
      }
      return { status: 200, body: connection };
    },
  }),
  route({
    method: "PUT",
    path: "/organizations/:organizationId/sso-connection",
    summary: "Create or replace the organization's SSO connection (the secret may be left out to keep it).",
    stage: "any",
    staff: true,
    permission: "configureOrganization",
    input: { from: "body", schema: connectionBody },
    async handle(call) {
      const input = { ...call.input, organizationId: organizationOf(call) };
      return { status: 200, body: await call.gatehouse.upsertSsoConnection(await actorOf(call), input) };
    },
  }),
  route({
    method: "DELETE",
    path: "/organizations/:organizationId/sso-connection",
    summary: "Delete the organization's SSO connection, freeing its domains.",
    stage: "any",
    status: 204,
    staff: true,
    permission: "configureOrganization",
    input: null,
    async handle(call) {
      const input = { organizationId: organizationOf(call) };
      await call.gatehouse.deleteSsoConnection(await actorOf(call), input);
      return { status: 204 };
    },
  }),
  route({
    method: "PUT",
    path: "/organizations/:organizationId/sso-connection/emergency-administrators",
    summary: "Name the users who keep a password and a second factor in the SSO organization (staff only).",
    stage: "any",
    staff: true,
    input: { from: "body", schema: emergencyBody },
    async handle(call) {
      const input = { ...call.input, organizationId: organizationOf(call) };
      const actor = await actorOf(call);
      return { status: 200, body: await call.gatehouse.setSsoEmergencyAdministrators(actor, input) };
    },
  }),
];
