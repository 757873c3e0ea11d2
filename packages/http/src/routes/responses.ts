import { secondFactorKinds, secondFactorMethods } from "@gatehousejs/core";
import { z } from "zod";
import type { Route } from "./route.js";

// The JSON bodies of the routes' successes, as zod schemas of the service's views once serialised (a `Date` is
// an ISO 8601 string): the OpenAPI document's success responses come from these, and the http package's tests
// check every success body the route suites see against them, exactly (no field missing, none extra).

const dateTime = z.iso.datetime();
const method = z.enum(secondFactorMethods);
const kind = z.enum(secondFactorKinds);
/** The session token, only with the handler's `exposeToken`. */
const token = z.string().optional();

const user = z.object({
  id: z.string(),
  organizationId: z.string(),
  email: z.string(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  displayName: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.enum(["invited", "active"]),
  roles: z.array(z.string()),
  passwordChangeRequired: z.boolean(),
  mfa: z.object({
    totp: z.boolean(),
    sms: z.boolean(),
    phoneLastDigits: z.string().nullable(),
    recoveryCode: z.boolean(),
  }),
  createdAt: dateTime,
  updatedAt: dateTime,
});

const permission = z.object({ page: z.string(), action: z.string() });
const role = z.object({
  id: z.string(),
  kind: z.enum(["default", "custom"]),
  name: z.string(),
  description: z.string(),
  permissions: z.array(permission),
});
const delivery = z.object({ email: z.string(), userId: z.string(), delivered: z.boolean() });
const provisioned = z.object({ users: z.array(user), deliveries: z.array(delivery) });
const auditEntry = z.object({
  id: z.string(),
  organizationId: z.string(),
  at: dateTime,
  action: z.string(),
  actor: z.object({
    kind: z.enum(["member", "staff", "system", "anonymous"]),
    id: z.string().nullable(),
    email: z.string().nullable(),
  }),
  subjectUserId: z.string().nullable(),
  subjectEmail: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** A sign-in step's answer: the stage and deadline, and only what that stage needs (the user once signed in). */
function sessionAnswer<S extends z.ZodRawShape>(extra: S) {
  return z.discriminatedUnion("stage", [
    z.object({
      stage: z.literal("authenticated"),
      expiresAt: dateTime,
      token,
      user,
      factors: z.array(method),
      ...extra,
    }),
    z.object({ stage: z.literal("mfa"), expiresAt: dateTime, token, factors: z.array(method), ...extra }),
    z.object({
      stage: z.literal("mfa-enrollment"),
      expiresAt: dateTime,
      token,
      factors: z.array(kind),
      ...extra,
    }),
    z.object({
      stage: z.literal("password-change"),
      expiresAt: dateTime,
      token,
      factors: z.tuple([]),
      ...extra,
    }),
  ]);
}

const signIn = sessionAnswer({});
const enrolled = sessionAnswer({ backupCodes: z.array(z.string()).nullable() });
const sent = z.object({ expiresAt: dateTime });

const session = z.union([
  z.object({
    stage: z.literal("authenticated"),
    expiresAt: dateTime,
    user,
    factors: z.array(method),
    organization: z.object({ id: z.string(), name: z.string() }),
    permissions: z.array(permission),
  }),
  z.object({
    stage: z.enum(["mfa", "mfa-enrollment", "password-change"]),
    expiresAt: dateTime,
    factors: z.array(z.union([method, kind])),
    permissions: z.tuple([]),
  }),
]);

const ssoConnection = z.object({
  id: z.string(),
  organizationId: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  domains: z.array(z.string()),
  jitProvisioning: z.boolean(),
  defaultRoles: z.array(z.string()),
  secondFactor: z.enum(["identity-provider", "gatehouse"]),
  emergencyAdministratorIds: z.array(z.string()),
  createdAt: dateTime,
  updatedAt: dateTime,
});

/** The success body of each route that answers one, by `METHOD path`. */
const bodies: Readonly<Record<string, z.ZodType>> = {
  "POST /login": signIn,
  "POST /login/second-factor": signIn,
  "POST /login/recovery-code": signIn,
  "POST /login/sms-code": sent,
  "GET /session": session,
  "POST /activate": z.object({ user }),
  "POST /password/change": z.object({
    stage: z.enum(["authenticated", "mfa", "mfa-enrollment", "password-change"]),
    expiresAt: dateTime,
    token,
  }),
  "POST /password/forgot": z.object({ message: z.string() }),
  "POST /mfa/totp": z.object({
    uri: z.string(),
    secret: z.string(),
    issuer: z.string(),
    accountName: z.string(),
    qrCode: z.string(),
  }),
  "POST /mfa/totp/confirm": enrolled,
  "POST /mfa/phone": sent,
  "POST /mfa/phone/confirm": enrolled,
  "POST /mfa/recovery-code": z.object({ code: z.string() }),
  "GET /users": page(user),
  "POST /users/invitations": provisioned,
  "POST /users": provisioned,
  "GET /users/:id": z.object({ user }),
  "PATCH /users/:id": z.object({ user }),
  "POST /users/:id/invitation": delivery,
  "POST /users/:id/password-reset": z.object({ delivered: z.boolean() }),
  "DELETE /users/:id/sessions": z.object({ ended: z.number().int() }),
  "GET /roles": z.object({ items: z.array(role) }),
  "POST /roles": z.object({ role }),
  "PATCH /roles/:id": z.object({ role }),
  "GET /audit": page(auditEntry),
  "POST /sso/start": z.object({ url: z.string(), expiresAt: dateTime }),
  "GET /organizations/:organizationId/sso-connection": ssoConnection,
  "PUT /organizations/:organizationId/sso-connection": ssoConnection,
  "PUT /organizations/:organizationId/sso-connection/emergency-administrators": ssoConnection,
};

/** The schema of a route's success body, or `null` for a route that answers none (204, or 303 with a Location). */
export function responseSchemaOf(route: Pick<Route, "method" | "path">): z.ZodType | null {
  return bodies[`${route.method} ${route.path}`] ?? null;
}
